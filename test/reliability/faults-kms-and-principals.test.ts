// Fault cells for every registered type, through the driver against the emulator: an instance whose customer
// managed KMS key is unusable (SSO Admin's errors carry a KMS `Reason`), and a principal deleted from the
// identity store (SCIM deprovisioning) whose assignments stay listed and cannot be deleted.
// docs/reliability.md lists them.
import { countCalls, createdResource, driverFor, muteConsole, TYPES, useEmulator } from './support/harness';
import { cellFor, reliabilityProfile } from './support/profile';

const emulator = useEmulator();

beforeEach(() => muteConsole());
afterEach(() => jest.restoreAllMocks());

describe.each(TYPES)('$typeName', (type) => {
  // How the service refuses a delete differs per type (test/<key>/reliability-profile.ts).
  const profile = reliabilityProfile(type.key);

  describe("the instance's customer managed KMS key unusable", () => {
    test('key missing: READ FAILED InvalidRequest naming KMS_NotFoundException, never NotFound', async () => {
      const { driver, model } = await createdResource(type);
      emulator().state.setInstanceKeyProblem('missing');
      const result = await driver.read(model);

      expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
      expect(result.final.message).toContain('KMS_NotFoundException');
    });

    test('key missing: DELETE FAILED InvalidRequest without sending the delete; the assignment stays and is deleted once the key is back', async () => {
      const { driver, model } = await createdResource(type);
      emulator().state.setInstanceKeyProblem('missing');
      const refused = await driver.del(model);

      expect(refused.final).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
      expect(refused.final.message).toMatch(/KMS_NotFoundException.*restore the key/);
      expect(countCalls(emulator(), type.deleteOperation)).toBe(0);
      expect(type.copies(emulator(), type.model)).toBe(1);

      emulator().state.setInstanceKeyProblem(undefined);
      const retried = await driver.del(model);
      expect(retried.final.status).toBe('SUCCESS');
      expect(type.copies(emulator(), type.model)).toBe(0);
    });

    test('key disabled: READ FAILED InvalidRequest telling to enable it', async () => {
      const { driver, model } = await createdResource(type);
      emulator().state.setInstanceKeyProblem('disabled');
      const result = await driver.read(model);

      expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
      expect(result.final.message).toMatch(/KMS_DisabledException.*enable it/);
    });

    test('key not usable by the role: DELETE FAILED AccessDenied naming kms:Decrypt, the assignment stays', async () => {
      const { driver, model } = await createdResource(type);
      emulator().state.setInstanceKeyProblem('access-denied');
      const result = await driver.del(model);

      expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'AccessDenied' });
      expect(result.final.message).toContain('kms:Decrypt');
      expect(type.copies(emulator(), type.model)).toBe(1);
    });

    test('key missing before CREATE: FAILED InvalidRequest, nothing created', async () => {
      emulator().state.setInstanceKeyProblem('missing');
      const { driver } = driverFor(type);
      const result = await driver.create(type.model);

      expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
      expect(countCalls(emulator(), type.createOperation)).toBe(0);
      expect(type.copies(emulator(), type.model)).toBe(0);
    });
  });

  describe('the principal deleted from the identity store (SCIM deprovisioning) after CREATE', () => {
    const principal = () => profile.principalOf(type.model);
    const suite = 'faults-kms-and-principals';
    const cell = (name: string) => cellFor(profile, suite, name);

    const [readCell, readName] = cell('READ does not report it: still listed, but it grants nothing');
    readCell(readName, async () => {
      const { driver, model } = await createdResource(type);
      expect(emulator().state.removePrincipal(principal().principalType, principal().principalId)).toBe(true);
      const result = await driver.read(model);

      profile.expectReadAfterPrincipalRemoved(result, model, principal());
      expect(type.copies(emulator(), type.model)).toBe(1);
    });

    const [deleteCell, deleteName] = cell(
      'DELETE SUCCESS although the service refuses to delete it: the stack is not wedged',
    );
    deleteCell(deleteName, async () => {
      const { driver, model } = await createdResource(type);
      emulator().state.removePrincipal(principal().principalType, principal().principalId);
      const result = await driver.del(model);

      expect(result.final.status).toBe('SUCCESS');
      // The delete was tried (and refused), so an assignment AWS would let go of is not left behind.
      expect(countCalls(emulator(), type.deleteOperation)).toBe(type.size());
      profile.expectDeleteRefusedForMissingPrincipal(emulator(), principal());
      expect((await driver.read(model)).final).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
    });
  });
});

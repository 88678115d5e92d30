// Fault matrix for AWS::SSO::ApplicationAssignment (synchronous writes confirmed by reading back): the same
// cells as for AWS::SSO::Assignment, each through the driver (every response checked against the handler
// contract) against the SSO Admin emulator, with the final response, the emulator's state and the call log
// checked. Where a cell has no literal equivalent for a synchronous API, its name says which nearest real
// situation it plays. docs/reliability.md lists every cell with its outcome.
import {
  buildReinvocationRequest,
  callLog,
  countCalls,
  createdResource,
  driverFor,
  errorCodes,
  firstRequest,
  GRAFANA,
  invokeOnce,
  muteConsole,
  runRequest,
  useEmulator,
} from '../reliability/support/harness';
import { profile } from './reliability-profile';
import { APPLICATION_ASSIGNMENT } from './under-test';
import { useInterceptor } from '../reliability/support/interceptor';
import { describeTransientCells } from '../reliability/support/transient-cells';

const type = APPLICATION_ASSIGNMENT;
const MODEL = type.model;
const CREATE = 'CreateApplicationAssignment';
const DELETE = 'DeleteApplicationAssignment';
const DESCRIBE = 'DescribeApplicationAssignment';
/** What the emulator answers for an application that does not exist (service.ts requireApplication). */
const APPLICATION_GONE = `Application ${GRAFANA.arn} does not exist`;

const emulator = useEmulator();
const intercept = useInterceptor(emulator);

beforeEach(() => muteConsole());
afterEach(() => jest.restoreAllMocks());

const expectExactlyOneAssignment = () => profile.expectExactlyOne(emulator(), MODEL);
const expectNoAssignment = () => profile.expectNone(emulator(), MODEL);

const created = () => createdResource(type);

/**
 * The application deleted out of band. The emulator has no way to remove an application, so the next
 * `count` calls answer what SSO Admin answers for a missing application (ResourceNotFoundException).
 */
function applicationDeleted(count: number): void {
  emulator().faults.error({ errorName: 'ResourceNotFoundException', count, message: APPLICATION_GONE });
}

describe(`${type.typeName} fault matrix`, () => {
  describeTransientCells(type, emulator, {
    confirmOperation: DESCRIBE,
    injectConflict: (target, operation, count) => profile.injectConflict(target, MODEL, operation, count),
    expectExactlyOne: expectExactlyOneAssignment,
    expectNone: expectNoAssignment,
  });

  describe('a FAILED request status (synchronous API: the write itself is rejected)', () => {
    test('ServiceQuotaExceededException on CreateApplicationAssignment → FAILED ServiceLimitExceeded, nothing created', async () => {
      emulator().faults.error({ errorName: 'ServiceQuotaExceededException', operation: CREATE, count: 1 });
      const result = await driverFor(type).driver.create(MODEL);

      expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'ServiceLimitExceeded' });
      expect(callLog(emulator(), CREATE)).toEqual([`${CREATE}:ServiceQuotaExceededException`]);
      expectNoAssignment();
    });

    test('AccessDeniedException on DeleteApplicationAssignment → FAILED AccessDenied, the assignment stays', async () => {
      const { driver, model } = await created();
      emulator().faults.error({ errorName: 'AccessDeniedException', operation: DELETE, count: 1 });
      const result = await driver.del(model);

      expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'AccessDenied' });
      expectExactlyOneAssignment();
    });
  });

  // The out-of-band cells every type runs are in test/reliability/faults-out-of-band.test.ts.
  describe('the assignment deleted out of band', () => {
    test('between the DELETE pre-check and DeleteApplicationAssignment (which answers ResourceNotFoundException) → SUCCESS once the read-back confirms it is gone', async () => {
      const { model } = await created();
      emulator().clearCalls();
      // Someone else's delete lands right after our pre-check read it.
      let removed = false;
      intercept().onAnswered(DESCRIBE, () => {
        if (!removed) removed = type.removeOutOfBand(emulator());
      });
      const result = await driverFor(type).driver.del(model);

      expect(result.final.status).toBe('SUCCESS');
      expect(callLog(emulator())).toEqual([
        `${DESCRIBE}:ok`,
        `${DELETE}:ResourceNotFoundException`,
        `${DESCRIBE}:ResourceNotFoundException`,
      ]);
      expect(errorCodes(result)).toEqual([]);
      expectNoAssignment();
    });
  });

  describe('the application deleted (the nearest equivalent of a deleted permission set)', () => {
    test('before CREATE (an application ARN that does not exist) → FAILED InvalidRequest, nothing created', async () => {
      const missing = { ...MODEL, ApplicationArn: GRAFANA.arn.replace(/apl-\w+$/, 'apl-0000000000000000') };
      const result = await driverFor(type).driver.create(missing);

      expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
      expect(callLog(emulator(), CREATE)).toEqual([`${CREATE}:ResourceNotFoundException`]);
      expectNoAssignment();
    });

    test('after CREATE: READ → FAILED NotFound, DELETE → FAILED NotFound (SSO Admin answers ResourceNotFoundException for the application)', async () => {
      const { driver, model } = await created();
      applicationDeleted(2);
      const read = await driver.read(model);
      const deleted = await driver.del(model);

      expect(read.final).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
      expect(deleted.final).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
      expect(callLog(emulator(), DESCRIBE).slice(-2)).toEqual([
        `${DESCRIBE}:ResourceNotFoundException`,
        `${DESCRIBE}:ResourceNotFoundException`,
      ]);
      expect(countCalls(emulator(), DELETE)).toBe(0);
    });
  });

  describe('the process dies right after CreateApplicationAssignment, before answering', () => {
    test('CloudFormation re-sends the same request (same bearer token, the marker context); the assignment already exists (synchronous write) → SUCCESS, one assignment, no AlreadyExists', async () => {
      const setup = driverFor(type);
      const first = firstRequest(setup.options, 'CREATE', MODEL);
      const marker = await invokeOnce(type, first);
      expect(marker).toMatchObject({ status: 'IN_PROGRESS', callbackDelaySeconds: 0 });
      expect(marker.callbackContext).toMatchObject({ phase: 'submit' });
      expect(countCalls(emulator(), CREATE)).toBe(0);

      const withMarker = buildReinvocationRequest(first, marker);
      await invokeOnce(type, withMarker); // sends the Create; its answer is lost
      expect(countCalls(emulator(), CREATE, 'ok')).toBe(1);
      expectExactlyOneAssignment();

      const resent = await runRequest(type.entrypoint, withMarker, setup.options);

      expect(resent.final).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });
      expect(errorCodes(resent)).not.toContain('AlreadyExists');
      // Created again: SSO Admin accepts a Create of an existing application assignment without a duplicate.
      expect(countCalls(emulator(), CREATE, 'ok')).toBe(2);
      expectExactlyOneAssignment();
    });

    test('DELETE dies right after DeleteApplicationAssignment; the re-sent request (no context) → FAILED NotFound (gone before it; the contract answer)', async () => {
      const { model } = await created();
      const setup = driverFor(type);
      const first = firstRequest(setup.options, 'DELETE', model);
      await invokeOnce(type, first); // deletes (synchronously); its answer is lost
      expect(countCalls(emulator(), DELETE, 'ok')).toBe(1);
      expectNoAssignment();

      const resent = await runRequest(type.entrypoint, first, setup.options);

      expect(resent.final).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
      expect(countCalls(emulator(), DELETE)).toBe(1);
    });
  });
});

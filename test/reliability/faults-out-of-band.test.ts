// The assignment deleted out of band (someone else's delete, outside the stack), for every registered type:
// the cells that play the same for every type, through the driver against the emulator. Each type's own
// out-of-band cells (a delete racing its own write request) stay in test/<key>/faults.test.ts; the one after a
// write succeeded is in test/<key>/faults-deadline.test.ts. docs/reliability.md lists every cell.
import { countCalls, createdResource, driverFor, muteConsole, TYPES, useEmulator } from './support/harness';
import { cellFor, reliabilityProfile } from './support/profile';
import { NO_RETRY_LAMBDA_TIMEOUT_MS, retryLaterResponses } from './support/transient-cells';

const emulator = useEmulator();

beforeEach(() => muteConsole());
afterEach(() => jest.restoreAllMocks());

describe.each(TYPES)('$typeName: the assignment deleted out of band', (type) => {
  // What "nothing left" means for this type (test/<key>/reliability-profile.ts).
  const profile = reliabilityProfile(type.key);
  const DELETE = type.deleteOperation;

  // What READ and DELETE answer then is the type's (its profile): NotFound for the single-assignment types.
  test('between CREATE and READ → READ as the type answers a resource gone (NotFound, or drift)', async () => {
    const { driver, model } = await createdResource(type);
    expect(type.removeOutOfBand(emulator(), type.model)).toBe(true);
    const result = await driver.read(model);

    profile.expectReadAfterOutOfBandDelete(result, type.model);
  });

  test(`between CREATE and DELETE → DELETE as the type answers a resource gone, without sending ${DELETE}`, async () => {
    const { driver, model } = await createdResource(type);
    expect(type.removeOutOfBand(emulator(), type.model)).toBe(true);
    const result = await driver.del(model);

    profile.expectDeleteAfterOutOfBandDelete(result);
    expect(countCalls(emulator(), DELETE)).toBe(0);
    profile.expectNone(emulator(), type.model);
  });

  const [whileWaiting, whileWaitingName] = cellFor(
    profile,
    'faults-out-of-band',
    'while a DELETE waits to retry a throttled delete → as the type answers a resource gone, on the next pre-check',
  );
  whileWaiting(whileWaitingName, async () => {
    const { model } = await createdResource(type);
    emulator().faults.throttle({ count: 1, operation: DELETE });
    const { driver } = driverFor(type, {
      lambdaTimeoutMs: NO_RETRY_LAMBDA_TIMEOUT_MS,
      sleep: async () => {
        type.removeOutOfBand(emulator(), type.model);
      },
    });
    const result = await driver.del(model);

    expect(retryLaterResponses(result, 'ThrottlingException')).toHaveLength(1);
    profile.expectDeleteAfterOutOfBandDelete(result);
    expect(countCalls(emulator(), DELETE, 'ok')).toBe(0);
    profile.expectNone(emulator(), type.model);
  });
});

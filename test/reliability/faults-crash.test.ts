// Crash safety for every registered type: an invocation that dies before answering, and CloudFormation's re-send of
// the same request. Each type's own crash cells (a re-send while its write is in flight, a DELETE that dies after
// its write) stay in test/<key>/faults.test.ts. docs/reliability.md explains the write-ahead marker.
import {
  countCalls,
  driverFor,
  errorCodes,
  firstRequest,
  invokeOnce,
  muteConsole,
  runRequest,
  TYPES,
  useEmulator,
} from './support/harness';
import { reliabilityProfile } from './support/profile';

const emulator = useEmulator();

beforeEach(() => muteConsole());
afterEach(() => jest.restoreAllMocks());

describe.each(TYPES)('$typeName: the process dies before answering', (type) => {
  const profile = reliabilityProfile(type.key);

  test(`the first request (no callback context) dies — it sends no ${type.createOperation}, and its re-send → SUCCESS with one ${type.createOperation}`, async () => {
    const setup = driverFor(type);
    const first = firstRequest(setup.options, 'CREATE', type.model);
    expect(first.callbackContext).toBeUndefined();
    await invokeOnce(type, first); // lost
    // A context-less invocation only reads (its pre-check; a group also resolves its targets first): it can never
    // be the one that sent the write.
    const operations = emulator()
      .calls()
      .map((call) => call.operation);
    expect(operations).toContain(type.readOperation);
    expect(operations.filter((operation) => /^(Create|Delete)/.test(operation))).toEqual([]);

    const resent = await runRequest(type.entrypoint, first, setup.options);

    expect(resent.final).toMatchObject({ status: 'SUCCESS', resourceModel: type.model });
    expect(errorCodes(resent)).toEqual([]);
    expect(countCalls(emulator(), type.createOperation)).toBe(type.size());
    profile.expectExactlyOne(emulator(), type.model);
  });
});

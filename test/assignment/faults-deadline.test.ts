// Deadline cells of account assignments (asynchronous writes), on virtual time (support/deadline.ts): a
// creation or deletion request that stays IN_PROGRESS past the 25-minute stabilization deadline, and a
// request that SUCCEEDED whose assignment is gone before the handler lists it. The cells every type runs are
// in test/reliability/faults-deadline.test.ts.
import { RETRY_POLICY } from '../../src/core/retry-policy';
import { callbackDelays, countCalls } from '../reliability/support/harness';
import * as deadline from '../reliability/support/deadline';
import { ACCOUNT_ASSIGNMENT, tupleOf } from './under-test';

const type = ACCOUNT_ASSIGNMENT;
const { emulator, intercept, virtualDriver } = deadline.useDeadlineRun();

describe(`${type.typeName}: provisioning slower than the stabilization deadline`, () => {
  test('the creation request stays IN_PROGRESS → FAILED NotStabilized after 25 min, delays jittered and capped, one Create', async () => {
    emulator().faults.stuck(tupleOf(type.model));
    const result = await virtualDriver(type).create(type.model);

    expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'NotStabilized' });
    deadline.expectEndedAtDeadline(result, deadline.CAP_SECONDS);
    const delays = callbackDelays(result);
    // The submit marker (0 s), then the first check after 1 s, then growing.
    expect(delays.slice(0, 2)).toEqual([0, RETRY_POLICY.firstCallbackDelaySeconds]);
    deadline.expectJitteredAndCapped(delays.slice(1));
    expect(countCalls(emulator(), type.createOperation)).toBe(1);
    // The request is still in flight on the service side, and nothing was created.
    expect(emulator().state.outstandingAsyncWrites()).toBe(1);
    expect(type.copies(emulator())).toBe(0);
  });

  test('the deletion request stays IN_PROGRESS → FAILED NotStabilized after 25 min, one Delete', async () => {
    type.addOutOfBand(emulator());
    emulator().faults.stuck(tupleOf(type.model));
    const result = await virtualDriver(type).del(type.model);

    expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'NotStabilized' });
    deadline.expectEndedAtDeadline(result, deadline.CAP_SECONDS);
    deadline.expectJitteredAndCapped(callbackDelays(result));
    expect(countCalls(emulator(), type.deleteOperation)).toBe(1);
    expect(type.copies(emulator())).toBe(1);
  });
});

describe(`${type.typeName}: the assignment deleted out of band after the write succeeded, before the handler read it back`, () => {
  test('the creation request SUCCEEDED but the assignment is not listed → submitted again → SUCCESS, one assignment', async () => {
    // The Create's first virtual wait (1 s) outlasts provisioning: the request SUCCEEDS, then someone removes
    // the assignment before the handler checks the status and lists it.
    let created = false;
    let removed = false;
    intercept().onAnswered(type.createOperation, () => {
      created = true;
    });
    const driver = virtualDriver(type, () => {
      if (created && !removed) removed = type.removeOutOfBand(emulator());
    });
    const result = await driver.create(type.model);

    expect(removed).toBe(true);
    expect(result.final).toMatchObject({ status: 'SUCCESS', resourceModel: type.model });
    expect(countCalls(emulator(), type.createOperation)).toBe(2);
    expect(type.copies(emulator())).toBe(1);
  });
});

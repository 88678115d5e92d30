// Deadline cells of account assignments (asynchronous writes), on virtual time (support/deadline.ts): a
// creation or deletion request that stays IN_PROGRESS past the 25-minute stabilization deadline, and a
// request that SUCCEEDED whose assignment is gone before the handler lists it. The cells every type runs are
// in test/reliability/faults-deadline.test.ts.
import { callbackDelays, countCalls } from '../reliability/support/harness';
import * as deadline from '../reliability/support/deadline';
import { ACCOUNT_ASSIGNMENT, tupleOf } from './under-test';

const type = ACCOUNT_ASSIGNMENT;
const STATUS_OPERATION = 'DescribeAccountAssignmentCreationStatus';
const { emulator, intercept, virtualDriver } = deadline.useDeadlineRun();

describe(`${type.typeName}: provisioning slower than the stabilization deadline`, () => {
  test('the creation request stays IN_PROGRESS → FAILED NotStabilized after 25 min, delays jittered and capped, one Create', async () => {
    emulator().faults.stuck(tupleOf(type.model));
    const result = await virtualDriver(type).create(type.model);

    expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'NotStabilized' });
    deadline.expectEndedAtDeadline(result, deadline.CAP_SECONDS);
    const delays = callbackDelays(result);
    // The submit marker (0 s), then, after the checks within the submitting invocation, a callback at once: a few
    // seconds into the write, a share of the time taken is under a second.
    expect(delays.slice(0, 2)).toEqual([0, 0]);
    // Then a share of the time taken: at most a second while the write is a few seconds old.
    expect(Math.max(...delays.slice(0, 6))).toBeLessThanOrEqual(1);
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

describe(`${type.typeName}: the assignment deleted out of band after the write succeeded`, () => {
  test('the creation request SUCCEEDED → SUCCESS without a read-back or a second write; the removal is drift READ reports', async () => {
    // Someone removes the assignment as soon as it is provisioned, just before the status check that reports it
    // SUCCEEDED reaches the handler. The status is the service's confirmation: the handler answers at once, and
    // what happened afterwards is drift, as it would be a second later.
    let removed = false;
    intercept().onAnswered(STATUS_OPERATION, () => {
      if (!removed) removed = type.removeOutOfBand(emulator());
    });
    const driver = virtualDriver(type);
    const result = await driver.create(type.model);

    expect(removed).toBe(true);
    expect(result.final).toMatchObject({ status: 'SUCCESS', resourceModel: type.model });
    expect(countCalls(emulator(), type.createOperation)).toBe(1);
    expect(type.copies(emulator())).toBe(0);
    expect((await driver.read(type.model)).final).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
  });
});

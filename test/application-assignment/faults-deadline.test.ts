// Deadline cells of application assignments (synchronous writes confirmed by reading back), on virtual time
// (support/deadline.ts). A synchronous write has no request that can stay IN_PROGRESS, so the nearest
// equivalents play a read-back that never agrees with the write; and a created assignment is gone before the
// read-back. The cells every type runs are in test/reliability/faults-deadline.test.ts.
import { callbackDelays, countCalls } from '../reliability/support/harness';
import * as deadline from '../reliability/support/deadline';
import { APPLICATION_ASSIGNMENT } from './under-test';

const type = APPLICATION_ASSIGNMENT;
const { emulator, intercept, virtualDriver } = deadline.useDeadlineRun();

describe(`${type.typeName}: provisioning slower than the stabilization deadline (synchronous; nearest equivalent)`, () => {
  test('DescribeApplicationAssignment never reflects the created assignment → created once more after 3 checks, FAILED NotStabilized after 25 min, never a duplicate', async () => {
    emulator().faults.error({
      errorName: 'ResourceNotFoundException',
      operation: type.readOperation,
      count: deadline.FOREVER,
    });
    const result = await virtualDriver(type).create(type.model);

    expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'NotStabilized' });
    deadline.expectEndedAtDeadline(result, deadline.CAP_SECONDS);
    const delays = callbackDelays(result);
    expect(delays[0]).toBe(0);
    // After 3 read-backs without it, the handler creates once more (safe to repeat), which restarts the
    // schedule for one cycle; from then on the delays are jittered and capped until the deadline.
    deadline.expectJitteredAndCapped(delays.slice(3));
    expect(countCalls(emulator(), type.createOperation)).toBe(2);
    expect(type.copies(emulator())).toBe(1);
  });

  test('DescribeApplicationAssignment keeps showing the deleted assignment → FAILED NotStabilized after 25 min, one Delete', async () => {
    type.addOutOfBand(emulator());
    // Right after DeleteApplicationAssignment answers, the assignment is back, as a read-back that lags would show it.
    intercept().onAnswered(type.deleteOperation, () => type.addOutOfBand(emulator()));
    const result = await virtualDriver(type).del(type.model);

    expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'NotStabilized' });
    deadline.expectEndedAtDeadline(result, deadline.CAP_SECONDS);
    deadline.expectJitteredAndCapped(callbackDelays(result));
    expect(countCalls(emulator(), type.deleteOperation)).toBe(1);
  });
});

describe(`${type.typeName}: the assignment deleted out of band after the write succeeded, before the handler read it back`, () => {
  test('CreateApplicationAssignment succeeded and the assignment is gone before the read-back → created again → SUCCESS, one assignment', async () => {
    let removed = false;
    intercept().onAnswered(type.createOperation, () => {
      if (!removed) removed = type.removeOutOfBand(emulator());
    });
    const result = await virtualDriver(type).create(type.model);

    expect(removed).toBe(true);
    expect(result.final).toMatchObject({ status: 'SUCCESS', resourceModel: type.model });
    expect(countCalls(emulator(), type.createOperation)).toBe(2);
    expect(type.copies(emulator())).toBe(1);
  });
});

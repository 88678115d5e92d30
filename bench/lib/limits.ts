/**
 * The physical limit of creating N assignments at once under SSO Admin's quotas ("a collective throttle limit of
 * 20 transactions per second … The write API operations have a limit of 15 outstanding asynchronous calls",
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/aam-quotas.html): no strategy can finish sooner than
 * - the writes: each holds one of W outstanding slots for the provisioning time P, so ceil(N / W) x P;
 * - the calls: N x M calls (M = the fewest calls per assignment) plus F calls made once for the whole operation
 *   (a group's listing of what exists, 100 assignments a page), at R per second, after a full bucket of one
 *   second's burst (R calls), so (N x M + F - R) / R.
 */
export interface LimitInputs {
  assignments: number;
  maxOutstandingWrites: number;
  provisioningMs: number;
  requestsPerSecond: number;
  minCallsPerAssignment: number;
  /** F: calls that are not per assignment (default 0). */
  fixedCalls?: number;
}

export interface PhysicalLimit {
  writesBoundMs: number;
  callsBoundMs: number;
  /** The larger of the two: the limit. */
  limitMs: number;
  binding: 'writes' | 'calls';
}

export function physicalLimit(inputs: LimitInputs): PhysicalLimit {
  const writesBoundMs = Math.ceil(inputs.assignments / inputs.maxOutstandingWrites) * inputs.provisioningMs;
  const calls = inputs.assignments * inputs.minCallsPerAssignment + (inputs.fixedCalls ?? 0);
  const callsBoundMs = (Math.max(0, calls - inputs.requestsPerSecond) / inputs.requestsPerSecond) * 1000;
  return writesBoundMs >= callsBoundMs
    ? { writesBoundMs, callsBoundMs, limitMs: writesBoundMs, binding: 'writes' }
    : { writesBoundMs, callsBoundMs, limitMs: callsBoundMs, binding: 'calls' };
}

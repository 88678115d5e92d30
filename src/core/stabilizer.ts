import { RandomSource, RETRY_POLICY, stabilizationDelaySeconds } from './retry-policy';
import { WriteContext } from './write-context';

/** The outcome of a write as far as it is known: DescribeAccountAssignment*Status, or a read-back. */
export type RequestStatus =
  | { readonly status: 'IN_PROGRESS' }
  | { readonly status: 'SUCCEEDED' }
  | { readonly status: 'FAILED'; readonly reason: string };

export type StabilizationStep =
  | { readonly kind: 'succeeded' }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'wait'; readonly context: WriteContext; readonly delaySeconds: number }
  | { readonly kind: 'timed-out'; readonly elapsedMs: number };

export interface StabilizerOptions {
  readonly now?: () => number;
  readonly random?: RandomSource;
  readonly deadlineMs?: number;
}

/** The first callback after a write was accepted: phase 'confirm', no checks made yet. */
export function firstWait(
  context: WriteContext,
  random: RandomSource = Math.random,
): StabilizationStep & { kind: 'wait' } {
  const confirming: WriteContext = { ...context, phase: 'confirm', polls: 0 };
  return { kind: 'wait', context: confirming, delaySeconds: stabilizationDelaySeconds(0, random) };
}

/**
 * One stabilization round, driven entirely by the callback context: check the outcome once and say what
 * CloudFormation should be told. No state lives in the process between invocations.
 */
export async function stabilizeOnce(
  context: WriteContext,
  checkStatus: () => Promise<RequestStatus>,
  options: StabilizerOptions = {},
): Promise<StabilizationStep> {
  const now = options.now ?? Date.now;
  const status = await checkStatus();
  if (status.status === 'SUCCEEDED') return { kind: 'succeeded' };
  if (status.status === 'FAILED') return { kind: 'failed', reason: status.reason };
  const elapsedMs = now() - context.startedAt;
  if (elapsedMs >= (options.deadlineMs ?? RETRY_POLICY.stabilizationDeadlineMs)) {
    return { kind: 'timed-out', elapsedMs };
  }
  const polls = (context.polls ?? 0) + 1;
  return {
    kind: 'wait',
    context: { ...context, phase: 'confirm', polls },
    delaySeconds: stabilizationDelaySeconds(polls, options.random),
  };
}

import { RandomSource, RETRY_POLICY, stabilizationDelaySeconds } from './retry-policy';
import { WriteProgress } from './callback-context';

/** The outcome of a write as far as it is known: DescribeAccountAssignment*Status, or a read-back. */
export type RequestStatus =
  | { readonly status: 'IN_PROGRESS' }
  | { readonly status: 'SUCCEEDED' }
  | { readonly status: 'FAILED'; readonly reason: string };

export type StabilizationStep =
  | { readonly kind: 'succeeded' }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'wait'; readonly progress: WriteProgress; readonly delaySeconds: number }
  | { readonly kind: 'timed-out'; readonly elapsedMs: number };

export interface StabilizerOptions {
  readonly now?: () => number;
  readonly random?: RandomSource;
  readonly deadlineMs?: number;
}

/** The first callback after a write was accepted: phase 'confirm', no checks made yet. */
export function firstWait(
  progress: WriteProgress,
  random: RandomSource = Math.random,
): StabilizationStep & { kind: 'wait' } {
  const confirming: WriteProgress = { ...progress, phase: 'confirm', polls: 0 };
  return { kind: 'wait', progress: confirming, delaySeconds: stabilizationDelaySeconds(0, random) };
}

/**
 * One stabilization round, driven entirely by the callback context: check the outcome once and say what
 * CloudFormation should be told. No state lives in the process between invocations.
 */
export async function stabilizeOnce(
  progress: WriteProgress,
  checkStatus: () => Promise<RequestStatus>,
  options: StabilizerOptions = {},
): Promise<StabilizationStep> {
  const now = options.now ?? Date.now;
  const status = await checkStatus();
  if (status.status === 'SUCCEEDED') return { kind: 'succeeded' };
  if (status.status === 'FAILED') return { kind: 'failed', reason: status.reason };
  const elapsedMs = now() - progress.startedAt;
  if (elapsedMs >= (options.deadlineMs ?? RETRY_POLICY.stabilizationDeadlineMs)) {
    return { kind: 'timed-out', elapsedMs };
  }
  const polls = (progress.polls ?? 0) + 1;
  return {
    kind: 'wait',
    progress: { ...progress, phase: 'confirm', polls },
    delaySeconds: stabilizationDelaySeconds(polls, options.random),
  };
}

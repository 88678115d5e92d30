import { RandomSource, RETRY_POLICY, stabilizationDelaySeconds } from './retry-policy';

/** What CloudFormation carries between invocations while an asynchronous SSO write settles. */
export interface StabilizationContext {
  /** The RequestId the SSO Admin write returned. */
  readonly requestId: string;
  /** Epoch ms when the write was submitted. */
  readonly startedAt: number;
  /** Status checks made so far; drives the growing callback delay. */
  readonly polls: number;
}

/** The status of an asynchronous request, as DescribeAccountAssignment*Status reports it. */
export type RequestStatus =
  | { readonly status: 'IN_PROGRESS' }
  | { readonly status: 'SUCCEEDED' }
  | { readonly status: 'FAILED'; readonly reason: string };

export type StabilizationStep =
  | { readonly kind: 'succeeded' }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'wait'; readonly context: StabilizationContext; readonly delaySeconds: number }
  | { readonly kind: 'timed-out'; readonly elapsedMs: number };

export interface StabilizerOptions {
  readonly now?: () => number;
  readonly random?: RandomSource;
  readonly deadlineMs?: number;
}

export function startStabilization(requestId: string, now: () => number = Date.now): StabilizationContext {
  return { requestId, startedAt: now(), polls: 0 };
}

/** The first callback after submitting a write. */
export function firstWait(
  context: StabilizationContext,
  random: RandomSource = Math.random,
): StabilizationStep {
  return { kind: 'wait', context, delaySeconds: stabilizationDelaySeconds(0, random) };
}

/**
 * One stabilization round, driven entirely by the callback context: check the request's status once and
 * say what CloudFormation should be told. No state lives in the process between invocations.
 */
export async function stabilizeOnce(
  context: StabilizationContext,
  checkStatus: (requestId: string) => Promise<RequestStatus>,
  options: StabilizerOptions = {},
): Promise<StabilizationStep> {
  const now = options.now ?? Date.now;
  const status = await checkStatus(context.requestId);
  if (status.status === 'SUCCEEDED') return { kind: 'succeeded' };
  if (status.status === 'FAILED') return { kind: 'failed', reason: status.reason };
  const elapsedMs = now() - context.startedAt;
  if (elapsedMs >= (options.deadlineMs ?? RETRY_POLICY.stabilizationDeadlineMs)) {
    return { kind: 'timed-out', elapsedMs };
  }
  const polls = context.polls + 1;
  return {
    kind: 'wait',
    context: { ...context, polls },
    delaySeconds: stabilizationDelaySeconds(polls, options.random),
  };
}

/** Narrows an untrusted callback context (CloudFormation hands back what we returned, frozen). */
export function readStabilizationContext(value: unknown): StabilizationContext | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { requestId, startedAt, polls } = value as Record<string, unknown>;
  if (typeof requestId !== 'string' || typeof startedAt !== 'number' || typeof polls !== 'number') {
    return undefined;
  }
  return { requestId, startedAt, polls };
}

import { JsonObject } from './progress';
import { RETRY_POLICY } from './retry-policy';

/**
 * Where a CREATE or DELETE stands between invocations, carried by CloudFormation in the callback context:
 * - no phase: nothing done yet, so the pre-check runs;
 * - 'submit' (CREATE): the pre-check passed, so this invocation sends the write. Returned before the write
 *   is sent (a write-ahead marker): if the process dies after sending it, CloudFormation re-sends the request
 *   with this context, so the retry submits again instead of answering a false AlreadyExists;
 * - 'confirm': the write was accepted; later invocations only check its outcome (by `requestId` for
 *   asynchronous SSO writes, by reading back for synchronous ones).
 */
export interface WriteContext extends JsonObject {
  /** Epoch ms of the operation's first invocation: the stabilization deadline counts from here. */
  readonly startedAt: number;
  readonly phase?: 'submit' | 'confirm';
  /** Outcome checks made so far; drives the growing callback delay. */
  readonly polls?: number;
  /** The asynchronous request to follow, for SSO writes that return one. */
  readonly requestId?: string;
  /**
   * The write succeeded but the resource was then missing, so it was submitted once more. Once only: a
   * second absence is treated as read-back lag and waited out to the deadline.
   */
  readonly resubmitted?: boolean;
}

/** Narrows the context CloudFormation hands back (untrusted, frozen); a first invocation has none. */
export function readWriteContext(callbackContext: unknown, now: () => number = Date.now): WriteContext {
  const context =
    typeof callbackContext === 'object' && callbackContext !== null ? (callbackContext as JsonObject) : {};
  const startedAt = typeof context.startedAt === 'number' ? context.startedAt : now();
  const polls = typeof context.polls === 'number' && context.polls >= 0 ? context.polls : 0;
  const requestId = typeof context.requestId === 'string' ? context.requestId : undefined;
  const resubmitted = context.resubmitted === true ? { resubmitted: true } : {};
  switch (context.phase) {
    case 'submit':
      return { startedAt, phase: 'submit', ...resubmitted };
    case 'confirm':
      return { startedAt, phase: 'confirm', polls, ...(requestId ? { requestId } : {}), ...resubmitted };
    default:
      return { startedAt };
  }
}

export function pastDeadline(context: WriteContext, now: () => number = Date.now): boolean {
  return now() - context.startedAt >= RETRY_POLICY.stabilizationDeadlineMs;
}

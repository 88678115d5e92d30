import { isRecord } from './records';
import { RETRY_POLICY } from './retry-policy';

/** The callback context format this handler writes; a context of another version is refused, not guessed at. */
export const CALLBACK_CONTEXT_VERSION = 1;

/**
 * Asynchronous SSO Admin writes one operation may have in flight: the service allows at most 15 outstanding
 * asynchronous account-assignment requests per instance (IAM Identity Center quotas).
 */
export const MAX_REQUESTS_IN_FLIGHT = 15;

/**
 * The serialized context's budget. CloudFormation stores and returns it with every callback; a batch of 15
 * request ids (36-character UUIDs) and the bookkeeping fields come to well under 1 KB, so a context over this
 * budget is a bug, and is refused on the way out rather than sent.
 */
export const MAX_CALLBACK_CONTEXT_BYTES = 4_096;

/**
 * Where a write (CREATE, UPDATE, DELETE) stands between invocations, carried by CloudFormation in the callback
 * context:
 * - no phase: nothing done yet, so the pre-check runs;
 * - 'submit': the pre-check passed, so this invocation sends the writes. Returned before a write is sent (the
 *   write-ahead marker): if the process dies after sending it, CloudFormation re-sends the request with this
 *   context, so the retry submits again instead of answering a false AlreadyExists;
 * - 'confirm': the writes were accepted; later invocations only check their outcome (by request id for
 *   asynchronous SSO writes, by reading back for synchronous ones).
 */
export interface WriteProgress {
  readonly version: typeof CALLBACK_CONTEXT_VERSION;
  /** Epoch ms of the operation's first invocation: the stabilization deadline counts from here. */
  readonly startedAt: number;
  readonly phase?: 'submit' | 'confirm';
  /** Outcome checks made so far; drives the growing callback delay. Absent: none. */
  readonly polls?: number;
  /** The asynchronous requests in flight (RequestIds), at most MAX_REQUESTS_IN_FLIGHT. Absent: none. */
  readonly requests?: readonly string[];
  /** How many items of the operation's work list are done, for operations that write in batches. Absent: 0. */
  readonly cursor?: number;
  /**
   * The write succeeded but the resource was then missing, so it was submitted once more. Once only: a second
   * absence is treated as read-back lag and waited out to the deadline.
   */
  readonly resubmitted?: true;
}

/** A callback context this handler did not write (or a corrupted one): the field and the rule it breaks. */
export class CallbackContextError extends Error {
  override readonly name = 'CallbackContextError';
}

/** A fresh operation's progress: the deadline counts from now. */
export function startProgress(now: () => number = Date.now): WriteProgress {
  return { version: CALLBACK_CONTEXT_VERSION, startedAt: now() };
}

type FieldReader = (value: unknown) => string | undefined;

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** Each field's rule: undefined when the value keeps it, else what is wrong (for the error message). */
const FIELD_RULES: Readonly<Record<string, FieldReader>> = {
  version: (value) =>
    value === CALLBACK_CONTEXT_VERSION ? undefined : `must be ${CALLBACK_CONTEXT_VERSION}`,
  startedAt: (value) => (isCount(value) ? undefined : 'must be an epoch time in milliseconds'),
  phase: (value) => (value === 'submit' || value === 'confirm' ? undefined : "must be 'submit' or 'confirm'"),
  polls: (value) => (isCount(value) ? undefined : 'must be a whole number of at least 0'),
  requests: (value) =>
    Array.isArray(value) &&
    value.length <= MAX_REQUESTS_IN_FLIGHT &&
    value.every((id) => typeof id === 'string' && id.length > 0 && id.length <= 256)
      ? undefined
      : `must be a list of at most ${MAX_REQUESTS_IN_FLIGHT} request ids`,
  cursor: (value) => (isCount(value) ? undefined : 'must be a whole number of at least 0'),
  resubmitted: (value) => (value === true ? undefined : 'must be true when present'),
};

const REQUIRED_FIELDS = ['version', 'startedAt'] as const;

/**
 * The context of release 0.1.0 (no version field; one `requestId`), read as version 1 so an operation in flight
 * across an upgrade of the type finishes instead of failing.
 */
function fromUnversioned(context: Record<string, unknown>): Record<string, unknown> {
  const { requestId, ...rest } = context;
  return {
    version: CALLBACK_CONTEXT_VERSION,
    ...rest,
    ...(requestId === undefined ? {} : { requests: [requestId] }),
  };
}

/**
 * Reads the context CloudFormation hands back (untrusted, deep-frozen). None (a first invocation: the runtime
 * lib passes `{}`) starts a fresh operation; anything else must be a context this handler wrote, every field
 * known and well-formed, or CallbackContextError names the field and its rule. Nothing is silently dropped.
 */
export function readProgress(callbackContext: unknown, now: () => number = Date.now): WriteProgress {
  if (callbackContext === undefined || callbackContext === null) return startProgress(now);
  if (!isRecord(callbackContext))
    throw new CallbackContextError('The callback context must be a JSON object');
  if (Object.keys(callbackContext).length === 0) return startProgress(now);
  const context = 'version' in callbackContext ? callbackContext : fromUnversioned(callbackContext);
  const problems: string[] = [];
  for (const [field, value] of Object.entries(context)) {
    const rule = FIELD_RULES[field];
    const problem = rule ? rule(value) : 'is not a field this handler writes';
    if (problem) problems.push(`${field} ${problem}`);
  }
  for (const field of REQUIRED_FIELDS) if (!(field in context)) problems.push(`${field} is required`);
  if (problems.length > 0) {
    throw new CallbackContextError(
      `The callback context is not one this handler wrote (version ${CALLBACK_CONTEXT_VERSION}): ${problems.join('; ')}`,
    );
  }
  // Every field was checked against FIELD_RULES above.
  return context as unknown as WriteProgress;
}

/**
 * The context to hand CloudFormation: the progress as a plain object, fields at their default left out, within
 * its size budget.
 */
export function progressContext(progress: WriteProgress): Record<string, unknown> {
  const { version, startedAt, phase, polls, requests, cursor, resubmitted } = progress;
  const context: Record<string, unknown> = {
    version,
    startedAt,
    ...(phase === undefined ? {} : { phase }),
    ...(polls === undefined ? {} : { polls }),
    ...(requests === undefined || requests.length === 0 ? {} : { requests: [...requests] }),
    ...(cursor === undefined || cursor === 0 ? {} : { cursor }),
    ...(resubmitted ? { resubmitted } : {}),
  };
  const bytes = Buffer.byteLength(JSON.stringify(context));
  if (bytes > MAX_CALLBACK_CONTEXT_BYTES) {
    throw new CallbackContextError(
      `The callback context would be ${bytes} bytes, over its ${MAX_CALLBACK_CONTEXT_BYTES}-byte budget`,
    );
  }
  return context;
}

export function pastDeadline(
  progress: Pick<WriteProgress, 'startedAt'>,
  now: () => number = Date.now,
): boolean {
  return now() - progress.startedAt >= RETRY_POLICY.stabilizationDeadlineMs;
}

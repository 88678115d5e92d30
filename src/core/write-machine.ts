import {
  BaseModel,
  HandlerErrorCode,
  LoggerProxy,
} from '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib';
import { pastDeadline, WriteProgress } from './callback-context';
import { codeForFailureReason } from './errors';
import { Progress } from './guard';
import { alreadyExists, notFound } from './identity';
import { failed, inProgress, succeeded } from './progress';
import { InvocationClock, remainingWorkMs } from './invocation';
import {
  callbackDelayForElapsed,
  RandomSource,
  inInvocationCheckOffsetsMs,
  RETRY_POLICY,
  stabilizationDelaySeconds,
} from './retry-policy';
import { throttledWithin } from './retry-strategy';
import { firstWait, RequestStatus, StabilizationStep, stabilizeOnce } from './stabilizer';

/** The handlers that change a resource. */
export type WriteKind = 'create' | 'update' | 'delete';

/**
 * How a type sends one write and learns its outcome:
 * - asynchronous (account assignments): the write returns request ids and a first status; their
 *   Describe…Status operation says when they are done;
 * - synchronous (application assignments): the write returns nothing to follow, so the outcome is read back
 *   (`readOperation`) until it reflects the write.
 */
export type WriteHooks<K> =
  | {
      readonly mode: 'asynchronous';
      /** The SSO Admin operation, as messages name it. */
      readonly operation: string;
      /** `previous`: UPDATE's previous resource state, as CloudFormation sent it. */
      submit(key: K, previous?: K): Promise<SubmittedWrite>;
      status(key: K, requestId: string): Promise<RequestStatus>;
    }
  | {
      readonly mode: 'synchronous';
      readonly operation: string;
      /** The operation that reads the outcome back, as messages name it. */
      readonly readOperation: string;
      submit(key: K, previous?: K): Promise<void>;
      /**
       * CREATE: read-backs that may still be eventual-consistency lag before the resource is taken to be removed
       * after the write, and written once more.
       */
      readonly resubmitAfterChecks: number;
    };

/** An accepted asynchronous write: its requests, and their status as the write answered it. */
export interface SubmittedWrite {
  readonly requests: readonly string[];
  readonly status: RequestStatus;
}

/** What the machine asks of the type, beyond the write itself. */
export interface WriteSubject<M extends BaseModel, K> {
  readonly typeName: string;
  readonly key: K;
  /** UPDATE: the identifier of the previous resource state (CloudFormation's previousResourceState). */
  readonly previous?: K;
  modelFromKey(key: K): M;
  identifier(key: K): readonly string[];
  /** The resource as the service lists or describes it now; undefined when absent. */
  find(key: K): Promise<K | undefined>;
  /** Whether it still grants access: found, and its user or group still in the identity store. */
  grants(key: K): Promise<boolean>;
}

/** The rules that tell the three writes apart. */
interface WriteRules {
  /** The pre-check's answer when the resource exists (CREATE) or is absent (UPDATE, DELETE). */
  readonly refuseWhen: 'exists' | 'absent';
  /**
   * CREATE answers once before writing (the write-ahead marker), so a re-sent request after a crash writes
   * again rather than finding its own resource and answering AlreadyExists. UPDATE and DELETE are found by
   * their pre-check either way, so they write at once.
   */
  readonly writeAhead: boolean;
  /** Whether the answer carries the resource read back (CREATE, UPDATE) or nothing (DELETE). */
  readonly answersWithModel: boolean;
}

const RULES: Readonly<Record<WriteKind, WriteRules>> = {
  create: { refuseWhen: 'exists', writeAhead: true, answersWithModel: true },
  update: { refuseWhen: 'absent', writeAhead: false, answersWithModel: true },
  delete: { refuseWhen: 'absent', writeAhead: false, answersWithModel: false },
};

/** A write the machine is driving: its kind, the type's hooks and its subject. */
export interface WriteRun<M extends BaseModel, K> {
  readonly kind: WriteKind;
  readonly hooks: WriteHooks<K>;
  readonly subject: WriteSubject<M, K>;
  readonly logger: LoggerProxy;
  /**
   * Told each time the progress moves on, so an error after it (a throttled read-back) resumes from there: the
   * skeleton's guard answers IN_PROGRESS from the last progress reported.
   */
  readonly onProgress: (progress: WriteProgress) => void;
  /**
   * Checks an asynchronous write again within this invocation for a few seconds (RETRY_POLICY
   * .inInvocationCheckOffsetsMs) before handing the wait to CloudFormation. Absent: every check after the first
   * is a callback (the unit tests of single steps).
   */
  readonly waitInInvocation?: InvocationClock & { readonly random?: RandomSource };
}

/** When each running write began waiting in its invocation, and how many in-invocation checks it made. */
const waits = new WeakMap<object, { since: number; checks: number }>();

/**
 * How long to sleep before the next in-invocation check of `run`, or undefined when the wait goes to
 * CloudFormation (the offsets are spent, or the invocation has too little time left).
 */
function nextInvocationCheck(run: WriteRun<BaseModel, unknown>, clock: InvocationClock): number | undefined {
  const now = clock.now();
  const wait = waits.get(run) ?? { since: now, checks: 0 };
  waits.set(run, wait);
  const offset = inInvocationCheckOffsetsMs()[wait.checks];
  if (offset === undefined) return undefined;
  const sleepMs = Math.max(0, wait.since + offset - now);
  if (sleepMs >= remainingWorkMs(now)) return undefined;
  wait.checks += 1;
  return sleepMs;
}

/**
 * One invocation of a write, from the progress CloudFormation handed back. Top to bottom:
 * 1. no phase: the pre-check (AlreadyExists / NotFound), then the write-ahead marker (CREATE) or the write;
 * 2. 'submit': send the write, then go on as a check would with the status it answered;
 * 3. 'confirm': check the outcome once, and answer: done, failed, timed out, or call back later.
 */
export async function runWrite<M extends BaseModel, K>(
  run: WriteRun<M, K>,
  progress: WriteProgress,
): Promise<Progress<M>> {
  const { kind, hooks, subject } = run;
  const rules = RULES[kind];
  const key = subject.key;
  // An asynchronous write in 'confirm' without a request to follow has nothing to confirm: it writes again.
  const confirming =
    progress.phase === 'confirm' && (hooks.mode === 'synchronous' || (progress.requests ?? []).length > 0);

  // CREATE pre-checks only on its first invocation: after the marker, its own resource may already be there.
  if (progress.phase === undefined || (!confirming && !rules.writeAhead)) {
    const exists = (await subject.find(key)) !== undefined;
    if (exists && rules.refuseWhen === 'exists')
      return alreadyExists(subject.typeName, subject.identifier(key));
    if (!exists && rules.refuseWhen === 'absent') return notFound(subject.typeName, subject.identifier(key));
    if (rules.writeAhead) {
      const marker: WriteProgress = {
        version: progress.version,
        startedAt: progress.startedAt,
        phase: 'submit',
      };
      return inProgress(
        subject.modelFromKey(key),
        marker,
        0,
        `${hooks.operation}: the pre-check passed; writing next`,
      );
    }
  }

  if (!confirming) return submit(run, progress);
  return check(run, progress);
}

/** Sends the write and carries on from the status it answered (asynchronous) or a first read-back. */
async function submit<M extends BaseModel, K>(
  run: WriteRun<M, K>,
  progress: WriteProgress,
): Promise<Progress<M>> {
  const { hooks, subject, logger } = run;
  const base: WriteProgress = {
    version: progress.version,
    startedAt: progress.startedAt,
    ...(progress.resubmitted ? { resubmitted: true } : {}),
  };
  if (hooks.mode === 'synchronous') {
    await hooks.submit(subject.key, subject.previous);
    logger.log(`${hooks.operation} succeeded; confirming with ${hooks.readOperation}`);
    const confirming: WriteProgress = { ...base, phase: 'confirm', polls: 0 };
    run.onProgress(confirming);
    return check(run, confirming);
  }
  const submitted = await hooks.submit(subject.key, subject.previous);
  logger.log(`${hooks.operation} accepted, RequestId ${submitted.requests.join(', ')}`);
  const confirming: WriteProgress = { ...base, phase: 'confirm', polls: 0, requests: submitted.requests };
  run.onProgress(confirming);
  // The write's own answer is the first status: waiting on it costs no check.
  const step: StabilizationStep =
    submitted.status.status === 'IN_PROGRESS'
      ? firstWait(confirming)
      : submitted.status.status === 'SUCCEEDED'
        ? { kind: 'succeeded' }
        : { kind: 'failed', reason: submitted.status.reason };
  return answer(run, confirming, step);
}

/** One outcome check: every request in flight (asynchronous), or a read-back (synchronous). */
async function check<M extends BaseModel, K>(
  run: WriteRun<M, K>,
  progress: WriteProgress,
): Promise<Progress<M>> {
  const { kind, hooks, subject } = run;
  // What a synchronous CREATE or UPDATE read back, so the answer does not read it a second time.
  let readBack: K | undefined;
  const step = await stabilizeOnce(progress, async () => {
    if (hooks.mode === 'asynchronous') {
      const statuses = await Promise.all(
        (progress.requests ?? []).map((requestId) => hooks.status(subject.key, requestId)),
      );
      return combined(statuses);
    }
    // A synchronous write is done once reading back shows it: the resource there (CREATE, UPDATE) or no
    // longer granting access (DELETE).
    if (kind === 'delete')
      return { status: (await subject.grants(subject.key)) ? 'IN_PROGRESS' : 'SUCCEEDED' };
    readBack = await subject.find(subject.key);
    return { status: readBack ? 'SUCCEEDED' : 'IN_PROGRESS' };
  });
  run.logger.log(`${writeLabel(hooks.operation, progress)}: ${step.kind}`);
  return answer(run, progress, step, readBack);
}

/** The batch's status: FAILED when any request failed, IN_PROGRESS while any runs, else SUCCEEDED. */
function combined(statuses: readonly RequestStatus[]): RequestStatus {
  const failures = statuses.flatMap((status) => (status.status === 'FAILED' ? [status.reason] : []));
  if (failures.length > 0) return { status: 'FAILED', reason: failures.join('; ') };
  if (statuses.some((status) => status.status === 'IN_PROGRESS')) return { status: 'IN_PROGRESS' };
  return { status: 'SUCCEEDED' };
}

/** The answer for a step of the confirmation. */
async function answer<M extends BaseModel, K>(
  run: WriteRun<M, K>,
  progress: WriteProgress,
  step: StabilizationStep,
  readBack?: K,
): Promise<Progress<M>> {
  const { kind, hooks, subject } = run;
  const key = subject.key;
  const label = writeLabel(hooks.operation, progress);
  switch (step.kind) {
    case 'wait': {
      const polls = step.progress.polls ?? 0;
      if (
        hooks.mode === 'synchronous' &&
        kind === 'create' &&
        polls >= hooks.resubmitAfterChecks &&
        !progress.resubmitted
      ) {
        // Past read-back lag: the resource was removed after the write succeeded. Creating is safe to repeat.
        run.logger.log(`${hooks.operation} not reflected after ${polls} checks; writing it again`);
        return resubmit(
          run,
          progress,
          step.delaySeconds,
          `${hooks.operation} not reflected; creating it again`,
        );
      }
      const message =
        hooks.mode === 'asynchronous'
          ? `${label} is in progress (check ${polls + 1})`
          : `${hooks.operation} succeeded; waiting for ${hooks.readOperation} to reflect it (check ${polls})`;
      const clock = run.waitInInvocation;
      if (hooks.mode === 'asynchronous' && clock !== undefined) {
        // While the quota is contended (a call of the process was throttled lately), no check here: the wait goes
        // to CloudFormation at once, at least a second, so the stack's resources do not all check at once.
        const contended = throttledWithin(RETRY_POLICY.skipInvocationChecksAfterThrottleMs, clock.now());
        const sleepMs = contended ? undefined : nextInvocationCheck(run, clock);
        if (sleepMs !== undefined) {
          await clock.sleep(sleepMs);
          return check(run, step.progress);
        }
        // Handed to CloudFormation: the next check after a share of the time the write has taken so far.
        const share = callbackDelayForElapsed(clock.now() - progress.startedAt, clock.random);
        const delaySeconds = contended ? Math.max(1, share) : share;
        return inProgress(subject.modelFromKey(key), step.progress, delaySeconds, message);
      }
      return inProgress(subject.modelFromKey(key), step.progress, step.delaySeconds, message);
    }
    case 'timed-out': {
      const seconds = Math.round(step.elapsedMs / 1000);
      return failed(
        HandlerErrorCode.NotStabilized,
        hooks.mode === 'asynchronous'
          ? `${label} did not finish within ${seconds} s`
          : `${hooks.operation} succeeded but ${hooks.readOperation} did not reflect it within ${seconds} s`,
      );
    }
    case 'failed':
      // A refused DELETE is still what CloudFormation asked for when the resource no longer grants access: the
      // entitlement was already gone ("EntitlementItem doesn't exist"), or its user or group was deleted from
      // the identity store ("the USER assignee … was not found in directory d-…"). Check rather than parse.
      if (kind === 'delete' && !(await subject.grants(key))) return succeeded();
      return failed(codeForFailureReason(step.reason), `${label} failed: ${step.reason}`);
    case 'succeeded': {
      if (!RULES[kind].answersWithModel) return succeeded();
      // An asynchronous write's SUCCEEDED status is the service's own confirmation, and the key is the whole
      // model: reading it back would cost a quarter of the calls a CREATE makes under a contended quota (pre-check,
      // write, status, read-back). A removal after SUCCEEDED is drift, as it would be a second later.
      if (hooks.mode === 'asynchronous') return succeeded(subject.modelFromKey(key));
      const found = readBack ?? (await subject.find(key));
      if (found) return succeeded(subject.modelFromKey(found));
      // The request succeeded but the resource is not there: list lag, or removed out of band since. Writing once
      // more is safe (CreateAccountAssignment stores no duplicate) and ends the second case at once; after that,
      // the absence is waited out as list lag, up to the deadline.
      if (!progress.resubmitted) {
        if (pastDeadline(progress)) return gaveUp(run, progress);
        return resubmit(
          run,
          progress,
          stabilizationDelaySeconds(0),
          `${label} succeeded but the resource is not there; writing it again`,
        );
      }
      const again = await stabilizeOnce(progress, async () => ({ status: 'IN_PROGRESS' }));
      return answer(run, progress, again);
    }
  }
}

/** Back to the submit step on the next invocation. */
function resubmit<M extends BaseModel, K>(
  run: WriteRun<M, K>,
  progress: WriteProgress,
  delaySeconds: number,
  message: string,
): Progress<M> {
  const marker: WriteProgress = {
    version: progress.version,
    startedAt: progress.startedAt,
    phase: 'submit',
    resubmitted: true,
  };
  return inProgress(run.subject.modelFromKey(run.subject.key), marker, delaySeconds, message);
}

function gaveUp<M extends BaseModel, K>(run: WriteRun<M, K>, progress: WriteProgress): Progress<M> {
  const elapsedSeconds = Math.round((Date.now() - progress.startedAt) / 1000);
  return failed(
    HandlerErrorCode.NotStabilized,
    `${run.hooks.operation} did not leave the resource in place within ${elapsedSeconds} s`,
  );
}

/** How messages name the write: `<operation> request <id>` (the operation alone for synchronous writes). */
function writeLabel(operation: string, progress: WriteProgress): string {
  const requests = progress.requests ?? [];
  return requests.length === 0 ? operation : `${operation} request ${requests.join(', ')}`;
}

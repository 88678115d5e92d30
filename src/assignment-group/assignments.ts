import {
  ListAccountAssignmentCreationStatusCommand,
  ListAccountAssignmentDeletionStatusCommand,
  ListAccountAssignmentsForPrincipalCommand,
  PrincipalType,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import Bottleneck from 'bottleneck';
import {
  AccountAssignmentKey,
  creationStatus,
  deletionStatus,
  describeWriteRequest,
  RequestStatus,
  requestCreation,
  requestDeletion,
} from '../core';
import { assignmentKey, AssignmentTuple, tupleOfKey } from './declaration';
import { OperationProgress } from './state-store';

/**
 * SSO Admin's quotas for the calls a group makes (IAM Identity Center quotas): a collective 20 requests per second
 * per account, and at most 15 outstanding asynchronous writes (CreateAccountAssignment / DeleteAccountAssignment
 * not yet finished).
 */
export const SSO_QUOTAS = { requestsPerSecond: 20, outstandingWrites: 15 } as const;

// The largest page ListAccountAssignmentsForPrincipal returns (MaxResults 1..100 in the model).
const PAGE_SIZE = 100;

/** Paces every SSO Admin call of one invocation to the collective quota, evenly spaced. */
export function ssoPacer(requestsPerSecond: number = SSO_QUOTAS.requestsPerSecond): Bottleneck {
  return new Bottleneck({ minTime: Math.ceil(1000 / requestsPerSecond) });
}

function accountAssignmentKey(instanceArn: string, tuple: AssignmentTuple): AccountAssignmentKey {
  return {
    instanceArn,
    permissionSetArn: tuple.permissionSetArn,
    principalId: tuple.principalId,
    principalType: tuple.principalType === 'USER' ? PrincipalType.USER : PrincipalType.GROUP,
    targetId: tuple.accountId,
    targetType: 'AWS_ACCOUNT',
  };
}

/**
 * Which account assignments of these principals exist in the instance, as keys: one ListAccountAssignmentsForPrincipal
 * page per 100 assignments of a principal, rather than one call per account and permission set.
 */
export async function existingAssignments(
  client: SSOAdminClient,
  pacer: Bottleneck,
  instanceArn: string,
  principals: readonly { readonly principalType: 'USER' | 'GROUP'; readonly principalId: string }[],
): Promise<Set<string>> {
  const keys = new Set<string>();
  await Promise.all(
    principals.map(async ({ principalType, principalId }) => {
      let nextToken: string | undefined;
      do {
        const page = await pacer.schedule(() =>
          client.send(
            new ListAccountAssignmentsForPrincipalCommand({
              InstanceArn: instanceArn,
              PrincipalId: principalId,
              PrincipalType: principalType,
              MaxResults: PAGE_SIZE,
              ...(nextToken ? { NextToken: nextToken } : {}),
            }),
          ),
        );
        for (const found of page.AccountAssignments ?? []) {
          if (!found.AccountId || !found.PermissionSetArn) continue;
          const tuple = {
            principalType,
            principalId,
            permissionSetArn: found.PermissionSetArn,
            accountId: found.AccountId,
          };
          keys.add(assignmentKey(tuple));
        }
        nextToken = page.NextToken;
      } while (nextToken);
    }),
  );
  return keys;
}

/**
 * The instance's creation (or deletion) requests still IN_PROGRESS, by assignment key: after a crash, a write that
 * was sent but not recorded is followed by its request instead of being sent again (a second delete of an
 * assignment whose deletion is under way would FAIL once it is gone).
 */
export async function requestsInProgress(
  client: SSOAdminClient,
  pacer: Bottleneck,
  instanceArn: string,
  creating: boolean,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let nextToken: string | undefined;
  do {
    const input = {
      InstanceArn: instanceArn,
      Filter: { Status: 'IN_PROGRESS' as const },
      ...(nextToken ? { NextToken: nextToken } : {}),
    };
    const page = await pacer.schedule(async () => {
      if (creating) {
        const response = await client.send(new ListAccountAssignmentCreationStatusCommand(input));
        return { requests: response.AccountAssignmentsCreationStatus ?? [], next: response.NextToken };
      }
      const response = await client.send(new ListAccountAssignmentDeletionStatusCommand(input));
      return { requests: response.AccountAssignmentsDeletionStatus ?? [], next: response.NextToken };
    });
    for (const { RequestId: requestId } of page.requests) {
      if (!requestId) continue;
      const status = await pacer.schedule(() =>
        describeWriteRequest(client, instanceArn, requestId, creating ? 'create' : 'delete'),
      );
      const { PrincipalType: principalType, PrincipalId, PermissionSetArn, TargetId } = status ?? {};
      if (!principalType || !PrincipalId || !PermissionSetArn || !TargetId) continue;
      const tuple = {
        principalType,
        principalId: PrincipalId,
        permissionSetArn: PermissionSetArn,
        accountId: TargetId,
      };
      found.set(assignmentKey(tuple), requestId);
    }
    nextToken = page.next;
  } while (nextToken);
  return found;
}

/** What one invocation of a stage did. */
export interface StageRun {
  readonly progress: OperationProgress;
  /** Writes confirmed in this invocation. */
  readonly confirmed: readonly string[];
  /** Whether every write of the stage is sent and confirmed (or FAILED). */
  readonly stageDone: boolean;
  /** An error that stopped the stage early (the progress before it is still valid and must be kept). */
  readonly interruptedBy?: unknown;
}

/**
 * Waits before checking the writes in flight: short at first (an assignment is often provisioned in well under a
 * second), doubling to a second (SSO Admin usually takes about one), so a fast service costs no idle second and a
 * slow one no wasted calls.
 */
const CHECK_INTERVAL_MS = { first: 250, max: 1_000 } as const;

/**
 * Test and development knob, read at every stage: the first check interval in ms, lower than the default only (a
 * registered type's Lambda has no environment of ours, so production always runs on CHECK_INTERVAL_MS).
 */
export const CHECK_INTERVAL_ENV = 'SSO_GROUP_FIRST_CHECK_MS';

function firstCheckInterval(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env[CHECK_INTERVAL_ENV]);
  return Number.isFinite(value) && value >= 0
    ? Math.min(value, CHECK_INTERVAL_MS.first)
    : CHECK_INTERVAL_MS.first;
}

export interface StageOptions {
  readonly client: SSOAdminClient;
  readonly pacer: Bottleneck;
  readonly instanceArn: string;
  /** Epoch ms after which no new call starts: the invocation answers and CloudFormation calls back. */
  readonly workUntil: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Which of these keys exist in SSO Admin now. */
  readonly existing: (keys: readonly string[]) => Promise<ReadonlySet<string>>;
  /**
   * Records the progress (and the writes confirmed so far) before writes are sent: the keys about to be sent are in
   * `reserved`, so a process that dies after sending them is followed by a check, not a blind second write.
   */
  readonly checkpoint: (progress: OperationProgress, confirmed: readonly string[]) => Promise<void>;
}

/** A write sent and not yet confirmed, with when to check it next (not kept in the state: a restart checks at once). */
interface PendingWrite {
  readonly requestId: string;
  readonly key: string;
  readonly sentAt: number;
  dueAt: number;
  /** A status check of it is under way. */
  checking: boolean;
}

/**
 * Runs the current stage's writes (creates, then removes) from `progress` until the stage is done or the work time
 * is spent, spending every slot of the 20 requests per second: each slot goes to the status check of a write that
 * is due, else to a new write while fewer than 15 are outstanding, so sending and checking overlap (one write, one
 * check: the fewest calls an assignment takes). Calls overlap their latency: the loop only waits for its call's
 * slot, not its answer.
 *
 * Writes are reserved in the state before they are sent (write-ahead), 15 at a time; after a crash, reserved keys
 * with no recorded request are looked up and only written again when still needed. So no write is repeated
 * blindly: a second CreateAccountAssignment would be harmless, but deleting an assignment already gone FAILs.
 */
export async function runStage(options: StageOptions, start: OperationProgress): Promise<StageRun> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const creating = start.stage === 'create';
  const writes = creating ? start.create : start.remove;
  let cursor = start.cursor;
  const pending = new Map<string, PendingWrite>();
  // Reserved (recorded in the state) and not yet answered: after a crash, looked up before being written again.
  const reserved: string[] = [];
  // Of `reserved`, those whose write has been handed to the pacer.
  let sending = 0;
  const failures = [...start.failures];
  const confirmed: string[] = [];
  // How long after sending a write is first checked: short at first, then as long as writes were seen to take
  // (at most CHECK_INTERVAL_MS.max), so a steady stage checks each write once.
  // An earlier invocation's learned time carries over, so each invocation does not probe the service anew.
  let firstCheckAfter = start.checkAfterMs ?? firstCheckInterval();
  const snapshot = (): OperationProgress => ({
    ...start,
    cursor,
    inFlight: [...pending.values()].map(({ requestId, key }) => ({ requestId, key })),
    reserved: [...reserved],
    failures: [...failures],
    checkAfterMs: firstCheckAfter,
  });
  const track = (requestId: string, key: string, sentAt: number) =>
    pending.set(requestId, { requestId, key, sentAt, dueAt: sentAt + firstCheckAfter, checking: false });
  const settle = async (
    key: string,
    status: Exclude<RequestStatus, { status: 'IN_PROGRESS' }>,
  ): Promise<void> => {
    if (status.status === 'SUCCEEDED') {
      confirmed.push(key);
    } else if (!creating && !(await options.existing([key])).has(key)) {
      confirmed.push(key); // deleting an assignment already gone FAILs: what was asked is true
    } else {
      failures.push({ key, reason: status.reason });
    }
  };

  // Calls under way; the loop is woken when one ends. The first error stops the stage (its progress still holds).
  const running = new Set<Promise<void>>();
  let interruptedBy: { error: unknown } | undefined;
  let wake: () => void = () => undefined;
  const launch = async (call: () => Promise<void>): Promise<void> => {
    let started: () => void = () => undefined;
    const slot = new Promise<void>((resolve) => (started = resolve));
    const task = options.pacer
      .schedule(async () => {
        started();
        // A call queued before another ended the stage (throttled past the SDK's retries) is not made.
        if (interruptedBy === undefined) await call();
      })
      .catch((error: unknown) => {
        interruptedBy ??= { error };
        started();
      })
      .finally(() => {
        running.delete(task);
        wake();
      });
    running.add(task);
    await slot;
  };

  const sendNext = async (): Promise<void> => {
    const key = reserved[sending] ?? '';
    sending += 1;
    await launch(async () => {
      const target = accountAssignmentKey(options.instanceArn, tupleOfKey(key));
      const sentAt = now();
      const sent = await (creating
        ? requestCreation(options.client, target)
        : requestDeletion(options.client, target));
      reserved.splice(reserved.indexOf(key), 1);
      sending -= 1;
      const requestId = sent.requests[0];
      if (sent.status.status !== 'IN_PROGRESS') await settle(key, sent.status);
      else if (requestId) track(requestId, key, sentAt);
    });
  };
  const check = async (write: PendingWrite): Promise<void> => {
    write.checking = true;
    await launch(async () => {
      const status = await (creating
        ? creationStatus(options.client, options.instanceArn, write.requestId)
        : deletionStatus(options.client, options.instanceArn, write.requestId));
      write.checking = false;
      const age = now() - write.sentAt;
      if (status.status === 'IN_PROGRESS') {
        // Not done at this age: later writes are first checked no sooner, and this one after as long again.
        firstCheckAfter = Math.min(CHECK_INTERVAL_MS.max, Math.max(firstCheckAfter, 2 * age));
        write.dueAt = now() + Math.min(CHECK_INTERVAL_MS.max, Math.max(age, 1));
        // The writes sent since are younger still: none is checked before the time just learned either.
        for (const other of pending.values()) {
          if (!other.checking) other.dueAt = Math.max(other.dueAt, other.sentAt + firstCheckAfter);
        }
        return;
      }
      pending.delete(write.requestId);
      await settle(write.key, status);
    });
  };

  try {
    // A batch the last invocation reserved and may have sent without recording it: write only what is still needed.
    const recorded = new Set(start.inFlight.map((write) => write.key));
    // Recorded in flight by the last invocation: due for a check at once.
    for (const { requestId, key } of start.inFlight) track(requestId, key, now() - firstCheckAfter);
    const unresolved = (start.reserved ?? []).filter((key) => !recorded.has(key));
    if (unresolved.length > 0) {
      const present = await options.existing(unresolved);
      const stillNeeded = unresolved.filter((key) => present.has(key) !== creating);
      for (const key of unresolved) if (present.has(key) === creating) confirmed.push(key);
      // Sent but not finished: follow its request rather than writing again.
      const underWay =
        stillNeeded.length > 0
          ? await requestsInProgress(options.client, options.pacer, options.instanceArn, creating)
          : new Map<string, string>();
      for (const key of stillNeeded) {
        const requestId = underWay.get(key);
        if (requestId)
          pending.set(requestId, { requestId, key, sentAt: now(), dueAt: now(), checking: false });
        else reserved.push(key);
      }
    }
    // Whether the last slot went to a check: a due check and a possible write take turns, so the writes stay
    // spread over time. Checks first always would send writes in bursts of 15 whose checks all fall due together,
    // and the stream would idle between bursts, its 15 outstanding writes not yet due.
    let lastWasCheck = false;
    while (interruptedBy === undefined && now() < options.workUntil) {
      const due = [...pending.values()].find((write) => !write.checking && write.dueAt <= now());
      const canSend =
        pending.size + sending < SSO_QUOTAS.outstandingWrites &&
        (sending < reserved.length || cursor < writes.length);
      if (due && !(lastWasCheck && canSend)) {
        lastWasCheck = true;
        await check(due);
        continue;
      }
      if (canSend) {
        lastWasCheck = false;
        if (sending === reserved.length) {
          // Reserve (write-ahead) the next writes, recorded before any of them is sent.
          const taken = writes.slice(cursor, cursor + SSO_QUOTAS.outstandingWrites);
          cursor += taken.length;
          reserved.push(...taken);
          await options.checkpoint(snapshot(), confirmed);
        }
        await sendNext();
        continue;
      }
      if (running.size === 0 && pending.size === 0 && reserved.length === 0 && cursor >= writes.length) {
        return { progress: snapshot(), confirmed, stageDone: true };
      }
      // Nothing to do until a call ends or the next check is due.
      const nextDue = Math.min(
        ...[...pending.values()].filter((write) => !write.checking).map((write) => write.dueAt),
      );
      if (running.size === 0 && nextDue >= options.workUntil) break;
      const woken = new Promise<void>((resolve) => (wake = resolve));
      await Promise.race(Number.isFinite(nextDue) ? [woken, sleep(Math.max(1, nextDue - now()))] : [woken]);
    }
    await Promise.all(running);
    if (interruptedBy !== undefined) {
      return { progress: snapshot(), confirmed, stageDone: false, interruptedBy: interruptedBy.error };
    }
    // Reserved at the deadline and never sent: handed back to the next invocation as unsent (the cursor moves back),
    // so it need not look them up first. Only the tail of the last reservation is, in order.
    const unsent = reserved.slice(sending);
    if (unsent.length > 0 && unsent.join() === writes.slice(cursor - unsent.length, cursor).join()) {
      cursor -= unsent.length;
      reserved.splice(sending);
    }
    const stageDone = pending.size === 0 && reserved.length === 0 && cursor >= writes.length;
    return { progress: snapshot(), confirmed, stageDone };
  } catch (error: unknown) {
    await Promise.all(running);
    return {
      progress: snapshot(),
      confirmed,
      stageDone: false,
      interruptedBy: interruptedBy?.error ?? error,
    };
  }
}

/** The FAILED message's summary: how many, and the first few reasons. */
export function failureSummary(failures: OperationProgress['failures'], total: number): string {
  const first = failures
    .slice(0, 3)
    .map(({ key, reason }) => {
      const tuple = tupleOfKey(key);
      return `${tuple.principalType} ${tuple.principalId} / ${tuple.permissionSetArn} / ${tuple.accountId}: ${reason}`;
    })
    .join('; ');
  return `${failures.length} of ${total} assignments failed (first ${Math.min(3, failures.length)}: ${first})`;
}

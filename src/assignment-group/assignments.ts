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

/**
 * Runs the current stage's writes (creates, then removes) from `progress`: checks those in flight, sends more
 * while fewer than 15 are outstanding, paced to 20 requests per second, until the stage is done or the work time
 * is spent. Each batch is reserved in the state before it is sent (write-ahead); after a crash, reserved keys with
 * no recorded request are looked up and only written again when still needed. So no write is repeated blindly:
 * a second CreateAccountAssignment would be harmless, but deleting an assignment already gone FAILs.
 */
export async function runStage(options: StageOptions, start: OperationProgress): Promise<StageRun> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const creating = start.stage === 'create';
  const writes = creating ? start.create : start.remove;
  let cursor = start.cursor;
  let inFlight = [...start.inFlight];
  // Requests taken out of inFlight to be checked; kept in the snapshot until checked, so an error loses none.
  let checking: { requestId: string; key: string }[] = [];
  // Reserved and not yet sent in this invocation (after a crash: reserved by the dead one, still needed).
  let reserved: string[] = [];
  const failures = [...start.failures];
  const confirmed: string[] = [];
  let interval = firstCheckInterval();
  const snapshot = (): OperationProgress => ({
    ...start,
    cursor,
    inFlight: [...checking, ...inFlight],
    reserved: [...reserved],
    failures: [...failures],
  });
  const done = (key: string) => confirmed.push(key);
  const settle = async (key: string, status: RequestStatus, requestId: string | undefined): Promise<void> => {
    if (status.status === 'IN_PROGRESS') {
      if (requestId) inFlight.push({ requestId, key });
    } else if (status.status === 'SUCCEEDED') {
      done(key);
    } else if (!creating && !(await options.existing([key])).has(key)) {
      done(key); // deleting an assignment already gone FAILs: what was asked is true
    } else {
      failures.push({ key, reason: status.reason });
    }
  };
  const paced = <T>(call: () => Promise<T>) => options.pacer.schedule(call);
  try {
    // A batch the last invocation reserved and may have sent without recording it: write only what is still needed.
    const recorded = new Set(inFlight.map((write) => write.key));
    const unresolved = (start.reserved ?? []).filter((key) => !recorded.has(key));
    if (unresolved.length > 0) {
      const present = await options.existing(unresolved);
      const stillNeeded = unresolved.filter((key) => present.has(key) !== creating);
      for (const key of unresolved) if (present.has(key) === creating) done(key);
      // Sent but not finished: follow its request rather than writing again.
      const running =
        stillNeeded.length > 0
          ? await requestsInProgress(options.client, options.pacer, options.instanceArn, creating)
          : new Map<string, string>();
      for (const key of stillNeeded) {
        const requestId = running.get(key);
        if (requestId) inFlight.push({ requestId, key });
        else reserved.push(key);
      }
    }
    while (now() < options.workUntil) {
      // Reserve (write-ahead), then send, while the outstanding-writes quota allows.
      const room = SSO_QUOTAS.outstandingWrites - inFlight.length - reserved.length;
      const taken = writes.slice(cursor, cursor + Math.max(0, room));
      if (taken.length > 0) {
        cursor += taken.length;
        reserved.push(...taken);
      }
      if (reserved.length > 0) await options.checkpoint(snapshot(), confirmed);
      while (reserved.length > 0 && now() < options.workUntil) {
        const key = reserved[0] ?? '';
        const target = accountAssignmentKey(options.instanceArn, tupleOfKey(key));
        const sent = await paced(() =>
          creating ? requestCreation(options.client, target) : requestDeletion(options.client, target),
        );
        reserved = reserved.slice(1);
        await settle(key, sent.status, sent.requests[0]);
      }
      if (inFlight.length === 0 && reserved.length === 0 && cursor >= writes.length) {
        return { progress: snapshot(), confirmed, stageDone: true };
      }
      if (now() + interval >= options.workUntil) break;
      await sleep(interval);
      interval = Math.min(CHECK_INTERVAL_MS.max, Math.max(interval * 2, 1));
      checking = inFlight;
      inFlight = [];
      for (let next = checking[0]; next !== undefined; next = checking[0]) {
        const { requestId, key } = next;
        const status = await paced(() =>
          creating
            ? creationStatus(options.client, options.instanceArn, requestId)
            : deletionStatus(options.client, options.instanceArn, requestId),
        );
        checking = checking.slice(1);
        await settle(key, status, requestId);
      }
    }
    return { progress: snapshot(), confirmed, stageDone: false };
  } catch (error: unknown) {
    return { progress: snapshot(), confirmed, stageDone: false, interruptedBy: error };
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

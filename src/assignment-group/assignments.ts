import {
  ListAccountAssignmentsForPrincipalCommand,
  PrincipalType,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import Bottleneck from 'bottleneck';
import {
  AccountAssignmentKey,
  creationStatus,
  deletionStatus,
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

export interface StageOptions {
  readonly client: SSOAdminClient;
  readonly pacer: Bottleneck;
  readonly instanceArn: string;
  /** Epoch ms after which no new call starts: the invocation answers and CloudFormation calls back. */
  readonly workUntil: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Whether a key still exists, for a DELETE that FAILED (deleting a missing assignment FAILs). */
  readonly stillExists: (key: string) => Promise<boolean>;
}

/** Time between checks of the writes in flight: SSO Admin usually provisions an assignment in about a second. */
const CHECK_INTERVAL_MS = 1_000;

/**
 * Runs the current stage's writes (creates, then removes) from `progress`: checks those in flight, sends more
 * while fewer than 15 are outstanding, paced to 20 requests per second, until the stage is done or the work time
 * is spent. CreateAccountAssignment for an existing assignment is accepted without a duplicate, so a write sent
 * again after a crash is safe; a delete of an assignment already gone FAILs, so a FAILED delete of a missing
 * assignment counts as done.
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
  const failures = [...start.failures];
  const confirmed: string[] = [];
  const snapshot = (): OperationProgress => ({
    ...start,
    cursor,
    inFlight: [...checking, ...inFlight],
    failures: [...failures],
  });
  const settle = async (key: string, status: RequestStatus, requestId?: string): Promise<boolean> => {
    if (status.status === 'IN_PROGRESS') {
      if (requestId) inFlight.push({ requestId, key });
      return false;
    }
    if (status.status === 'SUCCEEDED' || (!creating && !(await options.stillExists(key)))) {
      confirmed.push(key);
    } else {
      failures.push({ key, reason: status.reason });
    }
    return true;
  };
  const paced = <T>(call: () => Promise<T>) => options.pacer.schedule(call);
  try {
    while (now() < options.workUntil) {
      // Send while the outstanding-writes quota allows.
      while (
        inFlight.length < SSO_QUOTAS.outstandingWrites &&
        cursor < writes.length &&
        now() < options.workUntil
      ) {
        const key = writes[cursor] ?? '';
        const target = accountAssignmentKey(options.instanceArn, tupleOfKey(key));
        const sent = await paced(() =>
          creating ? requestCreation(options.client, target) : requestDeletion(options.client, target),
        );
        cursor += 1;
        await settle(key, sent.status, sent.requests[0]);
      }
      if (inFlight.length === 0 && cursor >= writes.length) {
        return { progress: snapshot(), confirmed, stageDone: true };
      }
      if (now() + CHECK_INTERVAL_MS >= options.workUntil) break;
      await sleep(CHECK_INTERVAL_MS);
      checking = inFlight;
      inFlight = [];
      while (checking.length > 0) {
        const [{ requestId, key }] = checking as [{ requestId: string; key: string }];
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

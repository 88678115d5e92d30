import {
  AccountAssignment,
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  paginateListAccountAssignments,
  paginateListAccountsForProvisionedPermissionSet,
  paginateListPermissionSets,
  paginateListPermissionSetsProvisionedToAccount,
  PrincipalType,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { RequestStatus } from '../core/stabilizer';

/** The six properties that identify an account assignment (the schema's primary identifier). */
export interface AssignmentKey {
  readonly instanceArn: string;
  readonly permissionSetArn: string;
  readonly principalId: string;
  readonly principalType: PrincipalType;
  readonly targetId: string;
  readonly targetType: 'AWS_ACCOUNT';
}

// The largest page the List* operations accept (MaxResults is 1..100 in the SSO Admin model).
const PAGE_SIZE = 100;

/**
 * The assignment as SSO Admin reports it, or undefined. ListAccountAssignments is scoped to one account and
 * permission set; every page is read because the principal can be on any of them.
 */
export async function findAccountAssignment(
  client: SSOAdminClient,
  key: AssignmentKey,
): Promise<AccountAssignment | undefined> {
  const pages = paginateListAccountAssignments(
    { client, pageSize: PAGE_SIZE },
    { InstanceArn: key.instanceArn, AccountId: key.targetId, PermissionSetArn: key.permissionSetArn },
  );
  for await (const page of pages) {
    const match = page.AccountAssignments?.find(
      (assignment) =>
        assignment.PrincipalId === key.principalId && assignment.PrincipalType === key.principalType,
    );
    if (match) return match;
  }
  return undefined;
}

/** Rebuilds the key from what SSO Admin returned (never from the request). */
export function keyFromAssignment(
  instanceArn: string,
  assignment: AccountAssignment,
): AssignmentKey | undefined {
  const { AccountId, PermissionSetArn, PrincipalId, PrincipalType } = assignment;
  if (!AccountId || !PermissionSetArn || !PrincipalId || !PrincipalType) return undefined;
  // ListAccountAssignments only returns assignments to AWS accounts; the response has no TargetType member.
  return {
    instanceArn,
    permissionSetArn: PermissionSetArn,
    principalId: PrincipalId,
    principalType: PrincipalType,
    targetId: AccountId,
    targetType: 'AWS_ACCOUNT',
  };
}

function requestStatus(
  status: { Status?: string; FailureReason?: string; RequestId?: string } | undefined,
): RequestStatus {
  switch (status?.Status) {
    case 'SUCCEEDED':
      return { status: 'SUCCEEDED' };
    case 'FAILED':
      return { status: 'FAILED', reason: status.FailureReason ?? 'no FailureReason given' };
    case 'IN_PROGRESS':
      return { status: 'IN_PROGRESS' };
    default:
      throw new Error(`SSO Admin returned an unknown request status ${String(status?.Status)}`);
  }
}

export interface SubmittedRequest {
  readonly requestId: string;
  readonly status: RequestStatus;
}

function submitted(
  status: { Status?: string; FailureReason?: string; RequestId?: string } | undefined,
  operation: string,
): SubmittedRequest {
  if (!status?.RequestId) throw new Error(`${operation} returned no RequestId`);
  return { requestId: status.RequestId, status: requestStatus(status) };
}

function writeInput(key: AssignmentKey) {
  return {
    InstanceArn: key.instanceArn,
    PermissionSetArn: key.permissionSetArn,
    PrincipalId: key.principalId,
    PrincipalType: key.principalType,
    TargetId: key.targetId,
    TargetType: key.targetType,
  };
}

export async function requestCreation(client: SSOAdminClient, key: AssignmentKey): Promise<SubmittedRequest> {
  const response = await client.send(new CreateAccountAssignmentCommand(writeInput(key)));
  return submitted(response.AccountAssignmentCreationStatus, 'CreateAccountAssignment');
}

export async function requestDeletion(client: SSOAdminClient, key: AssignmentKey): Promise<SubmittedRequest> {
  const response = await client.send(new DeleteAccountAssignmentCommand(writeInput(key)));
  return submitted(response.AccountAssignmentDeletionStatus, 'DeleteAccountAssignment');
}

export async function creationStatus(
  client: SSOAdminClient,
  instanceArn: string,
  requestId: string,
): Promise<RequestStatus> {
  const response = await client.send(
    new DescribeAccountAssignmentCreationStatusCommand({
      InstanceArn: instanceArn,
      AccountAssignmentCreationRequestId: requestId,
    }),
  );
  return requestStatus(response.AccountAssignmentCreationStatus);
}

export async function deletionStatus(
  client: SSOAdminClient,
  instanceArn: string,
  requestId: string,
): Promise<RequestStatus> {
  const response = await client.send(
    new DescribeAccountAssignmentDeletionStatusCommand({
      InstanceArn: instanceArn,
      AccountAssignmentDeletionRequestId: requestId,
    }),
  );
  return requestStatus(response.AccountAssignmentDeletionStatus);
}

export interface ListFilter {
  readonly instanceArn: string;
  readonly permissionSetArn?: string;
  readonly targetId?: string;
}

async function collect<T>(
  pages: AsyncIterable<T>,
  pick: (page: T) => string[] | undefined,
): Promise<string[]> {
  const values: string[] = [];
  for await (const page of pages) values.push(...(pick(page) ?? []));
  return values;
}

/**
 * Every assignment under the instance, narrowed by permission set and/or account: the permission sets
 * (ListPermissionSets, or ListPermissionSetsProvisionedToAccount when the account is known), the accounts
 * each is provisioned to (ListAccountsForProvisionedPermissionSet), then the assignments of each pair.
 * All pages of every call are read: the runtime lib never passes a nextToken back to LIST.
 */
export async function listAccountAssignments(
  client: SSOAdminClient,
  filter: ListFilter,
): Promise<AssignmentKey[]> {
  const { instanceArn } = filter;
  const paginatorConfig = { client, pageSize: PAGE_SIZE };
  let permissionSetArns: string[];
  if (filter.permissionSetArn) {
    permissionSetArns = [filter.permissionSetArn];
  } else if (filter.targetId) {
    permissionSetArns = await collect(
      paginateListPermissionSetsProvisionedToAccount(paginatorConfig, {
        InstanceArn: instanceArn,
        AccountId: filter.targetId,
      }),
      (page) => page.PermissionSets,
    );
  } else {
    permissionSetArns = await collect(
      paginateListPermissionSets(paginatorConfig, { InstanceArn: instanceArn }),
      (page) => page.PermissionSets,
    );
  }
  const keys: AssignmentKey[] = [];
  for (const permissionSetArn of permissionSetArns) {
    const accountIds = filter.targetId
      ? [filter.targetId]
      : await collect(
          paginateListAccountsForProvisionedPermissionSet(paginatorConfig, {
            InstanceArn: instanceArn,
            PermissionSetArn: permissionSetArn,
          }),
          (page) => page.AccountIds,
        );
    for (const accountId of accountIds) {
      const pages = paginateListAccountAssignments(paginatorConfig, {
        InstanceArn: instanceArn,
        AccountId: accountId,
        PermissionSetArn: permissionSetArn,
      });
      for await (const page of pages) {
        for (const assignment of page.AccountAssignments ?? []) {
          const key = keyFromAssignment(instanceArn, assignment);
          if (key) keys.push(key);
        }
      }
    }
  }
  return keys;
}

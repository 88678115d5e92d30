import {
  AccountAssignmentOperationStatus,
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  PrincipalType,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { RequestStatus } from './stabilizer';
import { SubmittedWrite } from './write-machine';

// SSO Admin's account-assignment writes, shared by every type that makes account assignments. They are
// asynchronous: each answers a RequestId and a first status, and Describe…Status follows it (the API reference).

/** The six properties that identify an account assignment. */
export interface AccountAssignmentKey {
  readonly instanceArn: string;
  readonly permissionSetArn: string;
  readonly principalId: string;
  readonly principalType: PrincipalType;
  readonly targetId: string;
  readonly targetType: 'AWS_ACCOUNT';
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

function submitted(
  status: { Status?: string; FailureReason?: string; RequestId?: string } | undefined,
  operation: string,
): SubmittedWrite {
  if (!status?.RequestId) throw new Error(`${operation} returned no RequestId`);
  return { requests: [status.RequestId], status: requestStatus(status) };
}

function writeInput(key: AccountAssignmentKey) {
  return {
    InstanceArn: key.instanceArn,
    PermissionSetArn: key.permissionSetArn,
    PrincipalId: key.principalId,
    PrincipalType: key.principalType,
    TargetId: key.targetId,
    TargetType: key.targetType,
  };
}

export async function requestCreation(
  client: SSOAdminClient,
  key: AccountAssignmentKey,
): Promise<SubmittedWrite> {
  const response = await client.send(new CreateAccountAssignmentCommand(writeInput(key)));
  return submitted(response.AccountAssignmentCreationStatus, 'CreateAccountAssignment');
}

export async function requestDeletion(
  client: SSOAdminClient,
  key: AccountAssignmentKey,
): Promise<SubmittedWrite> {
  const response = await client.send(new DeleteAccountAssignmentCommand(writeInput(key)));
  return submitted(response.AccountAssignmentDeletionStatus, 'DeleteAccountAssignment');
}

/** A creation or deletion request as Describe…Status reports it: its status and the assignment it writes. */
export async function describeWriteRequest(
  client: SSOAdminClient,
  instanceArn: string,
  requestId: string,
  write: 'create' | 'delete',
): Promise<AccountAssignmentOperationStatus | undefined> {
  if (write === 'create') {
    const response = await client.send(
      new DescribeAccountAssignmentCreationStatusCommand({
        InstanceArn: instanceArn,
        AccountAssignmentCreationRequestId: requestId,
      }),
    );
    return response.AccountAssignmentCreationStatus;
  }
  const response = await client.send(
    new DescribeAccountAssignmentDeletionStatusCommand({
      InstanceArn: instanceArn,
      AccountAssignmentDeletionRequestId: requestId,
    }),
  );
  return response.AccountAssignmentDeletionStatus;
}

export async function creationStatus(
  client: SSOAdminClient,
  instanceArn: string,
  requestId: string,
): Promise<RequestStatus> {
  return requestStatus(await describeWriteRequest(client, instanceArn, requestId, 'create'));
}

export async function deletionStatus(
  client: SSOAdminClient,
  instanceArn: string,
  requestId: string,
): Promise<RequestStatus> {
  return requestStatus(await describeWriteRequest(client, instanceArn, requestId, 'delete'));
}

// Handler permissions of account assignments: the SSO Admin answers and the request paths that make each
// handler send every command it can (the check itself: test/reliability/support/permissions.ts).
import {
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  ListAccountAssignmentsCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListPermissionSetsCommand,
  ListPermissionSetsProvisionedToAccountCommand,
} from '@aws-sdk/client-sso-admin';
import { resourceType } from '../../dev/types';
import {
  describeHandlerPermissions,
  GROUP_ID,
  type Handler,
  INSTANCE_ARN,
  sso,
  type Step,
  stubIdentityStore,
  USER_ID,
} from '../reliability/support/permissions';

const REQUEST_ID = 'a3c5e7f9-1b2d-4f6a-8c0e-123456789abc';
const MODEL = {
  InstanceArn: INSTANCE_ARN,
  PermissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-72230b9a8e8e8b7a/ps-b2c3d4e5f6071829',
  PrincipalId: GROUP_ID,
  PrincipalType: 'GROUP',
  TargetId: '222233334444',
  TargetType: 'AWS_ACCOUNT',
};
const USER_MODEL = { ...MODEL, PrincipalType: 'USER', PrincipalId: USER_ID };
const LISTED = {
  AccountId: MODEL.TargetId,
  PermissionSetArn: MODEL.PermissionSetArn,
  PrincipalId: MODEL.PrincipalId,
  PrincipalType: 'GROUP' as const,
};

function stubAccountAssignments(assignmentExists: boolean): void {
  sso.reset();
  stubIdentityStore();
  sso.on(ListAccountAssignmentsCommand).resolves({
    AccountAssignments: assignmentExists
      ? [LISTED, { ...LISTED, PrincipalType: 'USER', PrincipalId: USER_MODEL.PrincipalId }]
      : [],
  });
  sso.on(ListPermissionSetsCommand).resolves({ PermissionSets: [MODEL.PermissionSetArn] });
  sso
    .on(ListPermissionSetsProvisionedToAccountCommand)
    .resolves({ PermissionSets: [MODEL.PermissionSetArn] });
  sso.on(ListAccountsForProvisionedPermissionSetCommand).resolves({ AccountIds: [MODEL.TargetId] });
  sso.on(CreateAccountAssignmentCommand).resolves({
    AccountAssignmentCreationStatus: { Status: 'IN_PROGRESS', RequestId: REQUEST_ID },
  });
  sso.on(DescribeAccountAssignmentCreationStatusCommand).resolves({
    AccountAssignmentCreationStatus: { Status: 'SUCCEEDED', RequestId: REQUEST_ID },
  });
  sso.on(DeleteAccountAssignmentCommand).resolves({
    AccountAssignmentDeletionStatus: { Status: 'IN_PROGRESS', RequestId: REQUEST_ID },
  });
  sso.on(DescribeAccountAssignmentDeletionStatusCommand).resolves({
    AccountAssignmentDeletionStatus: { Status: 'FAILED', RequestId: REQUEST_ID, FailureReason: 'gone' },
  });
}

const ACCOUNT_ASSIGNMENT_PATHS: Record<Exclude<Handler, 'update'>, Step[]> = {
  create: [
    { properties: MODEL, exists: false },
    { properties: MODEL, exists: true },
    { properties: MODEL, context: { version: 1, phase: 'submit', startedAt: Date.now() }, exists: false },
    {
      properties: MODEL,
      context: { version: 1, requests: [REQUEST_ID], startedAt: Date.now(), phase: 'confirm', polls: 0 },
      exists: true,
    },
  ],
  read: [
    { properties: MODEL, exists: true },
    { properties: USER_MODEL, exists: true },
    { properties: MODEL, exists: false },
  ],
  delete: [
    { properties: MODEL, exists: true },
    { properties: MODEL, exists: false },
    {
      properties: MODEL,
      context: { version: 1, requests: [REQUEST_ID], startedAt: Date.now(), phase: 'confirm', polls: 0 },
      exists: false,
    },
    // The deletion FAILED and the assignment is still listed: is its principal still in the identity store?
    {
      properties: MODEL,
      context: { version: 1, requests: [REQUEST_ID], startedAt: Date.now(), phase: 'confirm', polls: 0 },
      exists: true,
    },
    {
      properties: USER_MODEL,
      context: { version: 1, requests: [REQUEST_ID], startedAt: Date.now(), phase: 'confirm', polls: 0 },
      exists: true,
    },
  ],
  list: [
    { properties: { InstanceArn: MODEL.InstanceArn }, exists: true },
    { properties: { InstanceArn: MODEL.InstanceArn, TargetId: MODEL.TargetId }, exists: true },
    {
      properties: { InstanceArn: MODEL.InstanceArn, PermissionSetArn: MODEL.PermissionSetArn },
      exists: true,
    },
  ],
};

describeHandlerPermissions(resourceType('assignment'), {
  stubWorld: stubAccountAssignments,
  paths: ACCOUNT_ASSIGNMENT_PATHS,
});

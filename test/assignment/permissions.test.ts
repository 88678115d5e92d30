// Handler permissions of account assignments: the SSO Admin answers and the request paths that make each
// handler send every command it can (the check itself: test/reliability/support/permissions.ts).
import {
  ListAccountAssignmentsCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListPermissionSetsCommand,
  ListPermissionSetsProvisionedToAccountCommand,
} from '@aws-sdk/client-sso-admin';
import { resourceType } from '../../dev/types';
import {
  ACCOUNT_ID,
  describeHandlerPermissions,
  GROUP_ID,
  type Handler,
  INSTANCE_ARN,
  PERMISSION_SET_ARN,
  REQUEST_ID,
  sso,
  type Step,
  stubAccountAssignmentWrites,
  stubIdentityStore,
  USER_ID,
} from '../reliability/support/permissions';

const MODEL = {
  InstanceArn: INSTANCE_ARN,
  PermissionSetArn: PERMISSION_SET_ARN,
  PrincipalId: GROUP_ID,
  PrincipalType: 'GROUP',
  TargetId: ACCOUNT_ID,
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
  stubAccountAssignmentWrites('gone');
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

import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  ListAccountAssignmentsCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListPermissionSetsCommand,
  ListPermissionSetsProvisionedToAccountCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { mockClient } from 'aws-sdk-client-mock';
import { entrypoint } from '../../src/assignment/handlers';
import { asProgress, handlerRequest, LAMBDA_CONTEXT } from '../support/handler-request';

/**
 * IAM actions the handlers never call themselves: IAM Identity Center performs them with the caller's
 * credentials (forward access) when the target is the Organizations management account. Source:
 * docs/permissions-research.md (IAM Identity Center user guide, identity-based policy example 2).
 */
const FORWARD_ACCESS = /^iam:/;

const ROOT = path.resolve(__dirname, '..', '..');
const schema = JSON.parse(readFileSync(path.join(ROOT, 'aws-sso-assignment.json'), 'utf8')) as {
  handlers: Record<string, { permissions: string[] }>;
};

const sso = mockClient(SSOAdminClient);
const REQUEST_ID = 'a3c5e7f9-1b2d-4f6a-8c0e-123456789abc';
const MODEL = {
  InstanceArn: 'arn:aws:sso:::instance/ssoins-72230b9a8e8e8b7a',
  PermissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-72230b9a8e8e8b7a/ps-b2c3d4e5f6071829',
  PrincipalId: 'e4b8a4f8-2031-70a5-6b7c-8d9e0f1a2b3c',
  PrincipalType: 'GROUP',
  TargetId: '222233334444',
  TargetType: 'AWS_ACCOUNT',
};
const LISTED = {
  AccountId: MODEL.TargetId,
  PermissionSetArn: MODEL.PermissionSetArn,
  PrincipalId: MODEL.PrincipalId,
  PrincipalType: 'GROUP' as const,
};

function stubWorld(assignmentExists: boolean): void {
  sso.reset();
  sso.on(ListAccountAssignmentsCommand).resolves({ AccountAssignments: assignmentExists ? [LISTED] : [] });
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

/** The IAM action for an SDK command: `sso:` plus the operation name. */
function actionsSent(): Set<string> {
  return new Set(sso.calls().map((call) => `sso:${call.args[0].constructor.name.replace(/Command$/, '')}`));
}

type Step = { properties: object; context?: Record<string, unknown>; exists: boolean };

/** Every path of every handler, so that every command a handler can send is sent at least once. */
const PATHS: Record<'create' | 'read' | 'delete' | 'list', Step[]> = {
  create: [
    { properties: MODEL, exists: false },
    { properties: MODEL, exists: true },
    { properties: MODEL, context: { phase: 'submit', startedAt: Date.now() }, exists: false },
    {
      properties: MODEL,
      context: { requestId: REQUEST_ID, startedAt: Date.now(), phase: 'confirm', polls: 0 },
      exists: true,
    },
  ],
  read: [
    { properties: MODEL, exists: true },
    { properties: MODEL, exists: false },
  ],
  delete: [
    { properties: MODEL, exists: true },
    { properties: MODEL, exists: false },
    {
      properties: MODEL,
      context: { requestId: REQUEST_ID, startedAt: Date.now(), phase: 'confirm', polls: 0 },
      exists: false,
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

beforeAll(() => jest.spyOn(console, 'log').mockImplementation(() => undefined));
afterAll(() => {
  jest.restoreAllMocks();
  sso.restore();
});

describe.each(Object.entries(PATHS))('AWS::SSO::Assignment %s handler', (handler, steps) => {
  test('sends only commands its permissions allow, and every sso: permission it declares is used', async () => {
    const sent = new Set<string>();
    for (const step of steps) {
      stubWorld(step.exists);
      const action = handler.toUpperCase() as 'CREATE' | 'READ' | 'DELETE' | 'LIST';
      const response = asProgress(
        await entrypoint(
          handlerRequest(action, step.properties, { callbackContext: step.context }),
          LAMBDA_CONTEXT,
        ),
      );
      expect(response.errorCode).not.toBe('InternalFailure');
      actionsSent().forEach((action) => sent.add(action));
    }
    const declared = schema.handlers[handler].permissions;
    expect([...sent].filter((action) => !declared.includes(action))).toEqual([]);
    expect(
      declared.filter((permission) => !FORWARD_ACCESS.test(permission) && !sent.has(permission)),
    ).toEqual([]);
    expect(declared.filter((permission) => permission.includes('*'))).toEqual([]);
  });
});

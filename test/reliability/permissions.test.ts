import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CreateAccountAssignmentCommand,
  CreateApplicationAssignmentCommand,
  DeleteApplicationAssignmentCommand,
  DescribeApplicationAssignmentCommand,
  ListApplicationAssignmentsCommand,
  ResourceNotFoundException,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribeInstanceCommand,
  ListAccountAssignmentsCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListPermissionSetsCommand,
  ListPermissionSetsProvisionedToAccountCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import {
  DescribeGroupCommand,
  DescribeUserCommand,
  IdentitystoreClient,
} from '@aws-sdk/client-identitystore';
import { mockClient } from 'aws-sdk-client-mock';
import { entrypoint as applicationAssignmentEntrypoint } from '../../src/application-assignment/handlers';
import { entrypoint as assignmentEntrypoint } from '../../src/assignment/handlers';
import { forgetIdentityStoreIds } from '../../src/core/principals';
import { asProgress, handlerRequest, LAMBDA_CONTEXT } from '../support/handler-request';

/**
 * IAM actions the handlers never call themselves: IAM Identity Center performs them with the caller's
 * credentials (forward access) when the target is the Organizations management account. Source:
 * docs/permissions-research.md (IAM Identity Center user guide, identity-based policy example 2).
 */
const FORWARD_ACCESS = /^iam:/;

const ROOT = path.resolve(__dirname, '..', '..');

function handlerPermissions(schemaFile: string): Record<string, { permissions: string[] }> {
  return (
    JSON.parse(readFileSync(path.join(ROOT, schemaFile), 'utf8')) as {
      handlers: Record<string, { permissions: string[] }>;
    }
  ).handlers;
}

const sso = mockClient(SSOAdminClient);
const identityStore = mockClient(IdentitystoreClient);
const REQUEST_ID = 'a3c5e7f9-1b2d-4f6a-8c0e-123456789abc';
const MODEL = {
  InstanceArn: 'arn:aws:sso:::instance/ssoins-72230b9a8e8e8b7a',
  PermissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-72230b9a8e8e8b7a/ps-b2c3d4e5f6071829',
  PrincipalId: 'e4b8a4f8-2031-70a5-6b7c-8d9e0f1a2b3c',
  PrincipalType: 'GROUP',
  TargetId: '222233334444',
  TargetType: 'AWS_ACCOUNT',
};
const USER_MODEL = { ...MODEL, PrincipalType: 'USER', PrincipalId: 'c4a8f4e8-70b1-70c3-5d2e-8f9a0b1c2d3e' };
const LISTED = {
  AccountId: MODEL.TargetId,
  PermissionSetArn: MODEL.PermissionSetArn,
  PrincipalId: MODEL.PrincipalId,
  PrincipalType: 'GROUP' as const,
};

/** The instance, its identity store and its principals exist; the process has learned no identity store ID yet. */
function stubIdentityStore(): void {
  forgetIdentityStoreIds();
  identityStore.reset();
  identityStore
    .on(DescribeUserCommand)
    .resolves({ IdentityStoreId: 'd-9067e5a4c1', UserId: USER_MODEL.PrincipalId });
  identityStore
    .on(DescribeGroupCommand)
    .resolves({ IdentityStoreId: 'd-9067e5a4c1', GroupId: MODEL.PrincipalId });
  sso
    .on(DescribeInstanceCommand)
    .resolves({ InstanceArn: MODEL.InstanceArn, IdentityStoreId: 'd-9067e5a4c1' });
}

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

/** The IAM action for an SDK command: the service's prefix (`sso:`, `identitystore:`) plus the operation name. */
function actionsSent(): Set<string> {
  const action = (prefix: string, command: object): string =>
    `${prefix}:${command.constructor.name.replace(/Command$/, '')}`;
  return new Set([
    ...sso.calls().map((call) => action('sso', call.args[0])),
    ...identityStore.calls().map((call) => action('identitystore', call.args[0])),
  ]);
}

type Step = { properties: object; context?: Record<string, unknown>; exists: boolean };
type Handler = 'create' | 'read' | 'delete' | 'list';

interface TypeUnderTest {
  readonly name: string;
  readonly schemaFile: string;
  readonly entrypoint: (event: unknown, context?: object) => Promise<unknown>;
  readonly stubWorld: (exists: boolean) => void;
  /** Every path of every handler, so that every command a handler can send is sent at least once. */
  readonly paths: Record<Handler, Step[]>;
}

const ACCOUNT_ASSIGNMENT_PATHS: Record<Handler, Step[]> = {
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

const APPLICATION = {
  ApplicationArn: 'arn:aws:sso::111122223333:application/ssoins-72230b9a8e8e8b7a/apl-1a2b3c4d5e6f7a8b',
  PrincipalId: MODEL.PrincipalId,
  PrincipalType: 'GROUP',
};

function stubApplicationAssignments(exists: boolean): void {
  sso.reset();
  stubIdentityStore();
  const described = { ...APPLICATION, PrincipalType: 'GROUP' as const };
  if (exists)
    sso
      .on(DescribeApplicationAssignmentCommand)
      .callsFake((input: { PrincipalType?: string; PrincipalId?: string }) => ({ ...described, ...input }));
  else
    sso
      .on(DescribeApplicationAssignmentCommand)
      .rejects(new ResourceNotFoundException({ message: 'no', $metadata: {} }));
  sso.on(CreateApplicationAssignmentCommand).resolves({});
  sso.on(DeleteApplicationAssignmentCommand).resolves({});
  sso.on(ListApplicationAssignmentsCommand).resolves({ ApplicationAssignments: [described] });
}

const TYPES: TypeUnderTest[] = [
  {
    name: 'AWS::SSO::Assignment',
    schemaFile: 'aws-sso-assignment.json',
    entrypoint: assignmentEntrypoint,
    stubWorld: stubAccountAssignments,
    paths: ACCOUNT_ASSIGNMENT_PATHS,
  },
  {
    name: 'AWS::SSO::ApplicationAssignment',
    schemaFile: 'application-assignment/aws-sso-applicationassignment.json',
    entrypoint: applicationAssignmentEntrypoint,
    stubWorld: stubApplicationAssignments,
    paths: {
      create: [
        { properties: APPLICATION, exists: false },
        { properties: APPLICATION, exists: true },
        {
          properties: APPLICATION,
          context: { version: 1, phase: 'submit', startedAt: Date.now() },
          exists: true,
        },
      ],
      read: [
        { properties: APPLICATION, exists: true },
        {
          properties: { ...APPLICATION, PrincipalType: 'USER', PrincipalId: USER_MODEL.PrincipalId },
          exists: true,
        },
        { properties: APPLICATION, exists: false },
      ],
      delete: [
        { properties: APPLICATION, exists: true },
        { properties: APPLICATION, exists: false },
        {
          properties: APPLICATION,
          context: { version: 1, phase: 'confirm', startedAt: Date.now(), polls: 0 },
          exists: false,
        },
        // Still described after the delete: is its principal still in the identity store?
        {
          properties: APPLICATION,
          context: { version: 1, phase: 'confirm', startedAt: Date.now(), polls: 0 },
          exists: true,
        },
        {
          properties: { ...APPLICATION, PrincipalType: 'USER', PrincipalId: USER_MODEL.PrincipalId },
          context: { version: 1, phase: 'confirm', startedAt: Date.now(), polls: 0 },
          exists: true,
        },
      ],
      list: [{ properties: { ApplicationArn: APPLICATION.ApplicationArn }, exists: true }],
    },
  },
];

beforeAll(() => jest.spyOn(console, 'log').mockImplementation(() => undefined));
afterAll(() => {
  jest.restoreAllMocks();
  sso.restore();
  identityStore.restore();
});

describe.each(TYPES)('$name', (type) => {
  test.each(Object.entries(type.paths))(
    '%s sends only commands its permissions allow, and uses every sso: and identitystore: permission it declares',
    async (handler, steps) => {
      const sent = new Set<string>();
      for (const step of steps) {
        type.stubWorld(step.exists);
        const action = handler.toUpperCase() as 'CREATE' | 'READ' | 'DELETE' | 'LIST';
        const request = handlerRequest(action, step.properties, {
          callbackContext: step.context,
          resourceType: type.name,
        });
        const response = asProgress(await type.entrypoint(request, LAMBDA_CONTEXT));
        expect(response.errorCode).not.toBe('InternalFailure');
        actionsSent().forEach((sentAction) => sent.add(sentAction));
      }
      const declared = handlerPermissions(type.schemaFile)[handler].permissions;
      expect([...sent].filter((sentAction) => !declared.includes(sentAction))).toEqual([]);
      expect(
        declared.filter((permission) => !FORWARD_ACCESS.test(permission) && !sent.has(permission)),
      ).toEqual([]);
      expect(declared.filter((permission) => permission.includes('*'))).toEqual([]);
    },
  );
});

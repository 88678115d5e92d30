// The handler-permission check every type runs (test/<key>/permissions.test.ts): each handler, driven down
// every path its type lists against mocked SSO Admin, Identity Store and DynamoDB (state table) clients, sends
// only commands its schema's permissions allow, and uses every sso:, identitystore:, dynamodb: and organizations: permission it
// declares.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribeInstanceCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import {
  DescribeGroupCommand,
  DescribeUserCommand,
  IdentitystoreClient,
} from '@aws-sdk/client-identitystore';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { mockClient } from 'aws-sdk-client-mock';
import { REPOSITORY_ROOT, type ResourceTypeEntry } from '../../../dev/types';
import { forgetIdentityStoreIds } from '../../../src/core/principals';
import { asProgress, handlerRequest, LAMBDA_CONTEXT } from '../../support/handler-request';

/**
 * IAM actions the handlers never call themselves: IAM Identity Center performs them with the caller's
 * credentials (forward access) when the target is the Organizations management account. Source:
 * docs/permissions-research.md (IAM Identity Center user guide, identity-based policy example 2).
 */
export const FORWARD_ACCESS = /^iam:/;

export const sso = mockClient(SSOAdminClient);
export const identityStore = mockClient(IdentitystoreClient);
/** The state table's client (a type that keeps state resets and stubs it in its stubWorld). */
export const dynamodb = mockClient(DynamoDBClient);
/** Organizations (a type that resolves organizational units stubs it in its stubWorld). */
export const organizations = mockClient(OrganizationsClient);

export const INSTANCE_ARN = 'arn:aws:sso:::instance/ssoins-72230b9a8e8e8b7a';
export const GROUP_ID = 'e4b8a4f8-2031-70a5-6b7c-8d9e0f1a2b3c';
export const USER_ID = 'c4a8f4e8-70b1-70c3-5d2e-8f9a0b1c2d3e';
const IDENTITY_STORE_ID = 'd-9067e5a4c1';
/** A permission set and a member account of the instance, for the types that assign one to the other. */
export const PERMISSION_SET_ARN = 'arn:aws:sso:::permissionSet/ssoins-72230b9a8e8e8b7a/ps-b2c3d4e5f6071829';
export const ACCOUNT_ID = '222233334444';
/** The RequestId SSO Admin answers an account assignment write with. */
export const REQUEST_ID = 'a3c5e7f9-1b2d-4f6a-8c0e-123456789abc';

/** The schema's handler permissions. */
export function handlerPermissions(entry: ResourceTypeEntry): Record<string, { permissions: string[] }> {
  return (
    JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, entry.schemaFile), 'utf8')) as {
      handlers: Record<string, { permissions: string[] }>;
    }
  ).handlers;
}

/** The instance, its identity store and its principals exist; the process has learned no identity store ID yet. */
export function stubIdentityStore(): void {
  forgetIdentityStoreIds();
  identityStore.reset();
  identityStore.on(DescribeUserCommand).resolves({ IdentityStoreId: IDENTITY_STORE_ID, UserId: USER_ID });
  identityStore.on(DescribeGroupCommand).resolves({ IdentityStoreId: IDENTITY_STORE_ID, GroupId: GROUP_ID });
  sso.on(DescribeInstanceCommand).resolves({ InstanceArn: INSTANCE_ARN, IdentityStoreId: IDENTITY_STORE_ID });
}

/**
 * SSO Admin accepts every account assignment write (IN_PROGRESS, REQUEST_ID); a creation then SUCCEEDS, a
 * deletion too, or, given `deletionFailureReason`, ends FAILED with it.
 */
export function stubAccountAssignmentWrites(deletionFailureReason?: string): void {
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
    AccountAssignmentDeletionStatus:
      deletionFailureReason === undefined
        ? { Status: 'SUCCEEDED', RequestId: REQUEST_ID }
        : { Status: 'FAILED', RequestId: REQUEST_ID, FailureReason: deletionFailureReason },
  });
}

/**
 * The IAM action for an SDK command: the service's prefix (`sso:`, `identitystore:`, `dynamodb:`) plus the
 * operation name.
 */
function actionsSent(): Set<string> {
  const action = (prefix: string, command: object): string =>
    `${prefix}:${command.constructor.name.replace(/Command$/, '')}`;
  return new Set([
    ...sso.calls().map((call) => action('sso', call.args[0])),
    ...identityStore.calls().map((call) => action('identitystore', call.args[0])),
    ...dynamodb.calls().map((call) => action('dynamodb', call.args[0])),
    ...organizations.calls().map((call) => action('organizations', call.args[0])),
  ]);
}

export type Step = {
  properties: object;
  context?: Record<string, unknown>;
  exists: boolean;
  /** The request's bearer token (the operation's token), when the stubbed world must know it; default random. */
  bearerToken?: string;
  /** UPDATE: the previous properties. */
  previous?: object;
};
export type Handler = 'create' | 'read' | 'update' | 'delete' | 'list';

export interface PermissionPaths {
  /** Resets the mocks to a world where the step's resource exists or not (the step, for its details). */
  readonly stubWorld: (exists: boolean, step: Step) => void;
  /**
   * Every path of every handler, so that every command a handler can send is sent at least once; `update` for a
   * type whose schema has an update handler.
   */
  readonly paths: Record<Exclude<Handler, 'update'>, Step[]> & { update?: Step[] };
}

/** Defines the handler-permission tests of one type. */
export function describeHandlerPermissions(
  entry: ResourceTypeEntry,
  { stubWorld, paths }: PermissionPaths,
): void {
  beforeAll(() => jest.spyOn(console, 'log').mockImplementation(() => undefined));
  afterAll(() => {
    jest.restoreAllMocks();
    sso.restore();
    identityStore.restore();
    dynamodb.restore();
    organizations.restore();
  });

  test('every handler the schema declares has its paths', () => {
    expect(Object.keys(paths).sort()).toEqual(Object.keys(handlerPermissions(entry)).sort());
  });

  describe(entry.typeName, () => {
    test.each(Object.entries(paths))(
      '%s sends only commands its permissions allow, and uses every sso:, identitystore:, dynamodb: and organizations: permission it declares',
      async (handler, steps) => {
        const { entrypoint } = await entry.loadHandlers();
        const sent = new Set<string>();
        for (const step of steps) {
          dynamodb.reset();
          organizations.reset();
          stubWorld(step.exists, step);
          const action = handler.toUpperCase() as 'CREATE' | 'READ' | 'UPDATE' | 'DELETE' | 'LIST';
          const request = handlerRequest(action, step.properties, {
            callbackContext: step.context,
            resourceType: entry.typeName,
            ...(step.bearerToken === undefined ? {} : { bearerToken: step.bearerToken }),
            ...(step.previous === undefined ? {} : { previousProperties: step.previous }),
          });
          const response = asProgress(await entrypoint(request, LAMBDA_CONTEXT));
          expect(response.errorCode).not.toBe('InternalFailure');
          actionsSent().forEach((sentAction) => sent.add(sentAction));
        }
        const declared = handlerPermissions(entry)[handler].permissions;
        expect([...sent].filter((sentAction) => !declared.includes(sentAction))).toEqual([]);
        expect(
          declared.filter((permission) => !FORWARD_ACCESS.test(permission) && !sent.has(permission)),
        ).toEqual([]);
        expect(declared.filter((permission) => permission.includes('*'))).toEqual([]);
      },
    );
  });
}

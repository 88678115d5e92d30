// Handler permissions of the assignment group: the SSO Admin and state-table answers and the request paths that
// make each handler send every command it can (the check itself: test/reliability/support/permissions.ts). The
// state table is mocked here (its items as the group writes them: Declared JSON, Owned and Operation gzipped).
import { gzipSync } from 'node:zlib';
import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import {
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  ListAccountAssignmentCreationStatusCommand,
  ListAccountAssignmentDeletionStatusCommand,
  ListAccountAssignmentsForPrincipalCommand,
} from '@aws-sdk/client-sso-admin';
import { resourceType } from '../../dev/types';
import { STATE_TABLE } from '../../src/assignment-group/state-table';
import {
  describeHandlerPermissions,
  dynamodb,
  GROUP_ID,
  type Handler,
  INSTANCE_ARN,
  sso,
  type Step,
  stubIdentityStore,
  USER_ID,
} from '../reliability/support/permissions';

const REQUEST_ID = 'a3c5e7f9-1b2d-4f6a-8c0e-123456789abc';
const TOKEN = '0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f';
const PERMISSION_SET = 'arn:aws:sso:::permissionSet/ssoins-72230b9a8e8e8b7a/ps-b2c3d4e5f6071829';
const ACCOUNT = '222233334444';
const MODEL = {
  Name: 'platform-team',
  InstanceArn: INSTANCE_ARN,
  Principals: [{ PrincipalType: 'GROUP', PrincipalId: GROUP_ID }],
  PermissionSets: [PERMISSION_SET],
  Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: [ACCOUNT] }],
};
/** The group moved from the group principal to the user: one creation, then one deletion. */
const MOVED = { ...MODEL, Principals: [{ PrincipalType: 'USER', PrincipalId: USER_ID }] };
const GROUP_KEY = `GROUP:${GROUP_ID}|${PERMISSION_SET}|${ACCOUNT}`;
const USER_KEY = `USER:${USER_ID}|${PERMISSION_SET}|${ACCOUNT}`;

function packed(value: unknown): Uint8Array {
  return gzipSync(Buffer.from(JSON.stringify(value)));
}

/** The group's item as the state store writes it; `operation` is the operation under way. */
function item(owned: string[], operation?: object): Record<string, AttributeValue> {
  return {
    [STATE_TABLE.partitionKey]: { S: MODEL.Name },
    Version: { N: '3' },
    InstanceArn: { S: INSTANCE_ARN },
    Declared: { S: JSON.stringify(MODEL) },
    Owned: { B: packed(owned) },
    ...(operation ? { Operation: { B: packed(operation) } } : {}),
  };
}

function operationOf(kind: 'create' | 'update', create: string[], remove: string[]) {
  return { kind, token: TOKEN, stage: 'create', create, remove, cursor: 0, inFlight: [], failures: [] };
}

/**
 * An operation whose process died after reserving (and maybe sending) the stage's one write without recording a
 * request: the next invocation looks for a request of that write still in progress before writing again.
 */
function crashedAfterReserving(
  kind: 'create' | 'update' | 'delete',
  stage: 'create' | 'remove',
  create: string[],
  remove: string[],
) {
  const reserved = stage === 'create' ? create : remove;
  return {
    kind,
    token: TOKEN,
    stage,
    create,
    remove,
    cursor: reserved.length,
    inFlight: [],
    reserved,
    failures: [],
  };
}

/** The item a step finds: the operation it resumes, or the group at rest. */
const ITEMS = new WeakMap<Step, Record<string, AttributeValue>>();

function stubGroup(exists: boolean, step: Step): void {
  sso.reset();
  stubIdentityStore();
  const found = exists ? (ITEMS.get(step) ?? item([GROUP_KEY])) : undefined;
  dynamodb.on(GetItemCommand).resolves(found ? { Item: found } : {});
  dynamodb.on(PutItemCommand).resolves({});
  dynamodb.on(DeleteItemCommand).resolves({});
  dynamodb.on(ScanCommand).resolves({ Items: found ? [found] : [] });
  // Only the group principal holds an assignment (the user's is what a step creates).
  sso.on(ListAccountAssignmentsForPrincipalCommand).resolves({ AccountAssignments: [] });
  sso.on(ListAccountAssignmentsForPrincipalCommand, { PrincipalId: GROUP_ID }).resolves({
    AccountAssignments: exists
      ? [
          {
            AccountId: ACCOUNT,
            PermissionSetArn: PERMISSION_SET,
            PrincipalId: GROUP_ID,
            PrincipalType: 'GROUP',
          },
        ]
      : [],
  });
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
    AccountAssignmentDeletionStatus: { Status: 'SUCCEEDED', RequestId: REQUEST_ID },
  });
  sso.on(ListAccountAssignmentCreationStatusCommand).resolves({
    AccountAssignmentsCreationStatus: [{ Status: 'IN_PROGRESS', RequestId: REQUEST_ID }],
  });
  sso.on(ListAccountAssignmentDeletionStatusCommand).resolves({
    AccountAssignmentsDeletionStatus: [{ Status: 'IN_PROGRESS', RequestId: REQUEST_ID }],
  });
}

/** A step resuming the operation `operation` records in the group's item (its token is the request's). */
function resuming(properties: object, owned: string[], operation: object, previous?: object): Step {
  const step: Step = {
    properties,
    exists: true,
    bearerToken: TOKEN,
    context: { version: 1, phase: 'submit', startedAt: Date.now() },
    ...(previous ? { previous } : {}),
  };
  ITEMS.set(step, item(owned, operation));
  return step;
}

const GROUP_PATHS: Record<Exclude<Handler, 'update'>, Step[]> & { update: Step[] } = {
  create: [
    // Absent: pre-check, write-ahead record; present: AlreadyExists.
    { properties: MODEL, exists: false },
    { properties: MODEL, exists: true },
    // The recorded creation carried on: create, confirm, record.
    resuming(MODEL, [], operationOf('create', [GROUP_KEY], [])),
    // After a crash, a reserved creation still absent: its request looked for among those in progress.
    resuming(MOVED, [], crashedAfterReserving('create', 'create', [USER_KEY], [])),
  ],
  read: [
    { properties: { Name: MODEL.Name }, exists: true },
    { properties: { Name: MODEL.Name }, exists: false },
  ],
  update: [
    // Planned and recorded; then carried on: the addition confirmed, then the removal.
    { properties: MOVED, previous: MODEL, exists: true },
    resuming(MOVED, [GROUP_KEY], operationOf('update', [USER_KEY], [GROUP_KEY]), MODEL),
    { properties: MOVED, previous: MODEL, exists: false },
    // After a crash in either stage: the reserved write's request looked for among those in progress.
    resuming(MOVED, [GROUP_KEY], crashedAfterReserving('update', 'create', [USER_KEY], [GROUP_KEY]), MODEL),
    resuming(MOVED, [GROUP_KEY], crashedAfterReserving('update', 'remove', [USER_KEY], [GROUP_KEY]), MODEL),
  ],
  delete: [
    // The group's assignments deleted and confirmed, then its record.
    { properties: { Name: MODEL.Name }, exists: true },
    { properties: { Name: MODEL.Name }, exists: false },
    // After a crash, a reserved deletion of an assignment still there: its request looked for first.
    resuming({ Name: MODEL.Name }, [GROUP_KEY], crashedAfterReserving('delete', 'remove', [], [GROUP_KEY])),
  ],
  list: [{ properties: {}, exists: true }],
};

describeHandlerPermissions(resourceType('assignment-group'), {
  stubWorld: stubGroup,
  paths: GROUP_PATHS,
});

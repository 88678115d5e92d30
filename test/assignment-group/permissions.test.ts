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
  ListAccountAssignmentCreationStatusCommand,
  ListAccountAssignmentDeletionStatusCommand,
  ListAccountAssignmentsForPrincipalCommand,
  ListPermissionSetsCommand,
  DescribePermissionSetCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-sso-admin';
import { GetGroupIdCommand, GetUserIdCommand } from '@aws-sdk/client-identitystore';
import {
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
} from '@aws-sdk/client-organizations';
import { resourceType } from '../../dev/types';
import { STATE_TABLE } from '../../src/assignment-group/state-table';
import {
  ACCOUNT_ID,
  describeHandlerPermissions,
  dynamodb,
  GROUP_ID,
  type Handler,
  identityStore,
  INSTANCE_ARN,
  organizations,
  PERMISSION_SET_ARN,
  sso,
  type Step,
  stubAccountAssignmentWrites,
  stubIdentityStore,
  USER_ID,
} from '../reliability/support/permissions';

const TOKEN = '0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f';
const MODEL = {
  Name: 'platform-team',
  InstanceArn: INSTANCE_ARN,
  Principals: [{ PrincipalType: 'GROUP', PrincipalId: GROUP_ID }],
  PermissionSets: [PERMISSION_SET_ARN],
  Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: [ACCOUNT_ID] }],
};
/** The group moved from the group principal to the user: one creation, then one deletion. */
const MOVED = { ...MODEL, Principals: [{ PrincipalType: 'USER', PrincipalId: USER_ID }] };
const UNIT = 'ou-abcd-12345678';
const NESTED_UNIT = 'ou-abcd-87654321';
/** By name, with an organizational unit (nested ones too) and one account: every resolution call but ListAccounts. */
const NAMED = {
  Name: MODEL.Name,
  InstanceArn: INSTANCE_ARN,
  Principals: [
    { PrincipalType: 'USER', PrincipalName: 'carol' },
    { PrincipalType: 'GROUP', PrincipalName: 'Developers' },
  ],
  PermissionSets: ['ReadOnlyAccess'],
  Targets: [
    { TargetType: 'AWS_OU', TargetIds: [UNIT], Recursive: true },
    { TargetType: 'AWS_ACCOUNT', TargetIds: [ACCOUNT_ID] },
  ],
};
/** What NAMED resolves to in the stubbed world. */
const NAMED_RESOLUTION = {
  principals: [
    { principalType: 'USER', principalId: USER_ID, principalName: 'carol' },
    { principalType: 'GROUP', principalId: GROUP_ID, principalName: 'Developers' },
  ],
  permissionSets: [{ arn: PERMISSION_SET_ARN, name: 'ReadOnlyAccess' }],
  accounts: [ACCOUNT_ID],
  inactive: [],
  units: { [UNIT]: [ACCOUNT_ID] },
};
/** More account targets than are described one by one: the organisation's accounts are listed instead. */
const MANY_ACCOUNTS = Array.from({ length: 21 }, (_, index) => String(300000000000 + index));
const MANY = { ...MODEL, Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: MANY_ACCOUNTS }] };
const ROOT = 'r-ab12';
/** The root with everything below it: the organisation's roots are listed, then its accounts. */
const EVERYWHERE = { ...MODEL, Targets: [{ TargetType: 'AWS_OU', TargetIds: [ROOT], Recursive: true }] };
const GROUP_KEY = `GROUP:${GROUP_ID}|${PERMISSION_SET_ARN}|${ACCOUNT_ID}`;
const USER_KEY = `USER:${USER_ID}|${PERMISSION_SET_ARN}|${ACCOUNT_ID}`;

function packed(value: unknown): Uint8Array {
  return gzipSync(Buffer.from(JSON.stringify(value)));
}

/** The group's item as the state store writes it; `operation` is the operation under way. */
function item(
  declared: object,
  owned: string[],
  operation?: object,
  resolved?: object,
): Record<string, AttributeValue> {
  return {
    ...(resolved ? { Resolved: { B: packed(resolved) } } : {}),
    [STATE_TABLE.partitionKey]: { S: MODEL.Name },
    Version: { N: '3' },
    InstanceArn: { S: INSTANCE_ARN },
    Declared: { S: JSON.stringify(declared) },
    Owned: { B: packed(owned) },
    ...(operation ? { Operation: { B: packed(operation) } } : {}),
  };
}

interface OperationShape {
  readonly kind: 'create' | 'update' | 'delete';
  readonly create?: string[];
  readonly remove?: string[];
  /** Reserved before a crash and never recorded as sent: looked up with ListAccountAssignment*Status. */
  readonly reserved?: string[];
}

function operationOf({ kind, create = [], remove = [], reserved }: OperationShape) {
  return {
    kind,
    token: TOKEN,
    stage: create.length > 0 ? 'create' : 'remove',
    create,
    remove,
    cursor: reserved ? reserved.length : 0,
    inFlight: [],
    ...(reserved ? { reserved } : {}),
    failures: [],
  };
}

/** What a step's world holds besides whether the group exists. */
interface StepWorld {
  /** The group's item (default: MODEL owning GROUP_KEY). */
  readonly item?: Record<string, AttributeValue>;
  /** The assignments SSO Admin lists (default: GROUP_KEY when the group exists). */
  readonly existing?: string[];
  /** Every deletion ends FAILED (the principal deprovisioned meanwhile), so the identity store is asked. */
  readonly deletionsFail?: boolean;
}

const WORLDS = new WeakMap<Step, StepWorld>();

function stubGroup(exists: boolean, step: Step): void {
  sso.reset();
  stubIdentityStore();
  const world = WORLDS.get(step) ?? {};
  const found = exists ? (world.item ?? item(MODEL, [GROUP_KEY])) : undefined;
  const existing = world.existing ?? (exists ? [GROUP_KEY] : []);
  dynamodb.on(GetItemCommand).resolves(found ? { Item: found } : {});
  dynamodb.on(PutItemCommand).resolves({});
  dynamodb.on(DeleteItemCommand).resolves({});
  dynamodb.on(ScanCommand).resolves({ Items: found ? [found] : [] });
  // Resolution: names in the identity store and the instance, the organisation's units and accounts.
  identityStore.on(GetUserIdCommand).resolves({ UserId: USER_ID, IdentityStoreId: 'd-9067e5a4c1' });
  identityStore.on(GetGroupIdCommand).resolves({ GroupId: GROUP_ID, IdentityStoreId: 'd-9067e5a4c1' });
  sso.on(ListPermissionSetsCommand).resolves({ PermissionSets: [PERMISSION_SET_ARN] });
  sso
    .on(DescribePermissionSetCommand)
    .rejects(new ResourceNotFoundException({ message: 'no such permission set', $metadata: {} }))
    .on(DescribePermissionSetCommand, { PermissionSetArn: PERMISSION_SET_ARN })
    .resolves({ PermissionSet: { Name: 'ReadOnlyAccess', PermissionSetArn: PERMISSION_SET_ARN } });
  organizations
    .on(DescribeOrganizationCommand)
    .resolves({ Organization: { MasterAccountId: '111122223333' } });
  organizations.on(ListOrganizationalUnitsForParentCommand).callsFake((input: { ParentId?: string }) => ({
    OrganizationalUnits: input.ParentId === UNIT ? [{ Id: NESTED_UNIT }] : [],
  }));
  organizations.on(ListAccountsForParentCommand).callsFake((input: { ParentId?: string }) => ({
    Accounts: input.ParentId === UNIT ? [{ Id: ACCOUNT_ID, State: 'ACTIVE', Status: 'ACTIVE' }] : [],
  }));
  organizations
    .on(DescribeAccountCommand)
    .callsFake((input: { AccountId?: string }) => ({ Account: { Id: input.AccountId, State: 'ACTIVE' } }));
  organizations.on(ListRootsCommand).resolves({ Roots: [{ Id: ROOT }] });
  organizations.on(ListAccountsCommand).resolves({
    Accounts: MANY_ACCOUNTS.map((Id) => ({ Id, State: 'ACTIVE', Status: 'ACTIVE' })),
  });
  sso.on(ListAccountAssignmentsForPrincipalCommand).callsFake((input: { PrincipalId?: string }) => ({
    AccountAssignments: existing
      .filter((key) => key.includes(`:${input.PrincipalId ?? ''}|`))
      .map(() => ({ AccountId: ACCOUNT_ID, PermissionSetArn: PERMISSION_SET_ARN })),
  }));
  // After a crash nothing of the reserved writes is under way: they are sent again.
  sso.on(ListAccountAssignmentCreationStatusCommand).resolves({ AccountAssignmentsCreationStatus: [] });
  sso.on(ListAccountAssignmentDeletionStatusCommand).resolves({ AccountAssignmentsDeletionStatus: [] });
  stubAccountAssignmentWrites(world.deletionsFail ? 'assignee not found in directory' : undefined);
}

/** A step in the world `world` (the group exists). */
function inWorld(step: Omit<Step, 'exists'>, world: StepWorld): Step {
  const inIt: Step = { ...step, exists: true };
  WORLDS.set(inIt, world);
  return inIt;
}

/** A step resuming an operation the group's item records (its token is the request's). */
function resuming(
  properties: object,
  declared: object,
  owned: string[],
  operation: OperationShape,
  world: Omit<StepWorld, 'item'> = {},
  previous?: object,
): Step {
  return inWorld(
    {
      properties,
      bearerToken: TOKEN,
      context: { version: 1, phase: 'submit', startedAt: Date.now() },
      ...(previous ? { previous } : {}),
    },
    { ...world, item: item(declared, owned, operationOf(operation)) },
  );
}

const GROUP_PATHS: Record<Exclude<Handler, 'update'>, Step[]> & { update: Step[] } = {
  create: [
    // Absent: pre-check, write-ahead record; present: AlreadyExists.
    { properties: MODEL, exists: false },
    // Names, organizational units and many accounts resolved before the write-ahead record.
    { properties: NAMED, exists: false },
    { properties: MANY, exists: false },
    { properties: EVERYWHERE, exists: false },
    { properties: MODEL, exists: true },
    // The recorded creation carried on: create, confirm, record.
    resuming(MODEL, MODEL, [], { kind: 'create', create: [GROUP_KEY] }, { existing: [] }),
    // After a crash with the creation reserved: the creation requests under way are looked up first.
    resuming(
      MODEL,
      MODEL,
      [],
      { kind: 'create', create: [GROUP_KEY], reserved: [GROUP_KEY] },
      { existing: [] },
    ),
  ],
  read: [
    // Listed assignments are checked against the identity store (a deprovisioned principal's grant nothing).
    { properties: { Name: MODEL.Name }, exists: true },
    inWorld({ properties: { Name: MODEL.Name } }, { item: item(MOVED, [USER_KEY]), existing: [USER_KEY] }),
    // Names and units resolved again to show drift; many accounts too.
    inWorld(
      { properties: { Name: MODEL.Name } },
      { item: item(NAMED, [USER_KEY], undefined, NAMED_RESOLUTION), existing: [USER_KEY] },
    ),
    // A permission set name pinned to an ARN that is gone: the instance's sets are listed to find the name.
    inWorld(
      { properties: { Name: MODEL.Name } },
      {
        item: item(NAMED, [USER_KEY], undefined, {
          ...NAMED_RESOLUTION,
          permissionSets: [{ arn: `${PERMISSION_SET_ARN}0`, name: 'ReadOnlyAccess' }],
        }),
        existing: [USER_KEY],
      },
    ),
    inWorld(
      { properties: { Name: MODEL.Name } },
      {
        item: item({ ...MANY, Principals: NAMED.Principals }, [], undefined, {
          ...NAMED_RESOLUTION,
          accounts: MANY_ACCOUNTS,
          units: {},
        }),
      },
    ),
    inWorld(
      { properties: { Name: MODEL.Name } },
      {
        item: item(EVERYWHERE, [], undefined, {
          ...NAMED_RESOLUTION,
          accounts: MANY_ACCOUNTS,
          units: { [ROOT]: MANY_ACCOUNTS },
        }),
      },
    ),
    { properties: { Name: MODEL.Name }, exists: false },
  ],
  update: [
    // Planned and recorded; then carried on: the addition confirmed, then the removal.
    { properties: MOVED, previous: MODEL, exists: true },
    { properties: NAMED, previous: MODEL, exists: true },
    { properties: MANY, previous: MODEL, exists: true },
    { properties: EVERYWHERE, previous: MODEL, exists: true },
    resuming(
      MOVED,
      MOVED,
      [GROUP_KEY],
      { kind: 'update', create: [USER_KEY], remove: [GROUP_KEY] },
      {},
      MODEL,
    ),
    // After a crash with the addition (then the removal) reserved; removals refused for a deprovisioned principal
    // (group, then user).
    resuming(
      MOVED,
      MOVED,
      [GROUP_KEY],
      { kind: 'update', create: [USER_KEY], remove: [GROUP_KEY], reserved: [USER_KEY] },
      { deletionsFail: true },
      MODEL,
    ),
    resuming(
      MODEL,
      MODEL,
      [USER_KEY],
      { kind: 'update', remove: [USER_KEY], reserved: [USER_KEY] },
      { existing: [USER_KEY], deletionsFail: true },
      MOVED,
    ),
    { properties: MOVED, previous: MODEL, exists: false },
  ],
  delete: [
    // The group's assignments deleted and confirmed, then its record.
    { properties: { Name: MODEL.Name }, exists: true },
    // After a crash with the deletion reserved (the deletion requests under way looked up), refused for a
    // deprovisioned group principal; and a user principal's refused deletion.
    resuming(
      { Name: MODEL.Name },
      MODEL,
      [GROUP_KEY],
      { kind: 'delete', remove: [GROUP_KEY], reserved: [GROUP_KEY] },
      { deletionsFail: true },
    ),
    resuming(
      { Name: MODEL.Name },
      MOVED,
      [USER_KEY],
      { kind: 'delete', remove: [USER_KEY] },
      { existing: [USER_KEY], deletionsFail: true },
    ),
    { properties: { Name: MODEL.Name }, exists: false },
  ],
  list: [{ properties: {}, exists: true }],
};

describeHandlerPermissions(resourceType('assignment-group'), {
  stubWorld: stubGroup,
  paths: GROUP_PATHS,
});

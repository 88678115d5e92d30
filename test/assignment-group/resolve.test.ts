// Names and organizational units, end to end through the driver: resolved when the group is applied (Identity
// Store, SSO Admin, Organizations in the emulator), pinned in its state, compared again by READ, applied anew by an
// UPDATE with another Revision.
import { type ResourceProperties } from '../../dev/driver';
import { setTimeout as delay } from 'node:timers/promises';
import {
  ACCOUNT_OUTSIDE_ORGANIZATION,
  DEFAULT_WORLD,
  stateTableClient,
  unitsBelow,
} from '../../dev/emulator';
import { StateStore } from '../../src/assignment-group/state-store';
import { accountNamed, groupDriver, unitNamed, useGroupEmulator } from './support';

jest.setTimeout(90_000);

const emulator = useGroupEmulator();

const world = DEFAULT_WORLD;
const { rootId } = world.organization;
const userNamed = (name: string) => world.users.find((user) => user.name === name)?.id ?? '';
const groupNamed = (name: string) => world.groups.find((group) => group.name === name)?.id ?? '';
const permissionSetNamed = (name: string) =>
  world.permissionSets.find((permissionSet) => permissionSet.name === name)?.arn ?? '';

/** The active accounts at and below `unitId` now, never the management account (what an OU target stands for). */
function activeAccountsBelow(unitId: string, recursive = true): string[] {
  const current = emulator().state.world();
  const units = recursive ? unitsBelow(current, unitId) : new Set([unitId]);
  return current.accounts
    .filter(
      (account) =>
        units.has(account.parentId) && account.state === 'ACTIVE' && account.id !== current.ownerAccountId,
    )
    .map((account) => account.id)
    .sort();
}

const WORKLOADS = unitNamed('Workloads');
const PROD = unitNamed('Prod');
const EXCLUDED = accountNamed('workload-prod');

const NAMED: ResourceProperties = {
  Name: 'developers-by-name',
  InstanceArn: world.instanceArn,
  Principals: [
    { PrincipalType: 'GROUP', PrincipalName: 'Developers' },
    { PrincipalType: 'USER', PrincipalName: 'carol' },
  ],
  PermissionSets: ['ReadOnlyAccess'],
  Targets: [{ TargetType: 'AWS_OU', TargetIds: [WORKLOADS], Recursive: true }],
  ExcludedAccountIds: [EXCLUDED],
};

const driver = groupDriver;

/** The emulator's assignments as `principal|permission set|account`, sorted. */
function assignments(): string[] {
  return emulator()
    .state.accountAssignments()
    .map((a) => `${a.principalId}|${a.permissionSetArn}|${a.targetId}`)
    .sort();
}

function expected(principalIds: string[], permissionSetArns: string[], accounts: string[]): string[] {
  return principalIds
    .flatMap((principal) =>
      permissionSetArns.flatMap((arn) => accounts.map((account) => `${principal}|${arn}|${account}`)),
    )
    .sort();
}

const writes = () =>
  emulator()
    .calls()
    .filter((call) => /^(Create|Delete)AccountAssignment$/.test(call.operation)).length;

test('CREATE resolves names and an OU (recursive, less the excluded account) and pins them; READ shows what they resolved to', async () => {
  const accounts = activeAccountsBelow(WORKLOADS).filter((account) => account !== EXCLUDED);
  const principals = [groupNamed('Developers'), userNamed('carol')];
  const created = await driver().create(NAMED);
  expect(created.final).toMatchObject({ status: 'SUCCESS' });
  expect(assignments()).toEqual(expected(principals, [permissionSetNamed('ReadOnlyAccess')], accounts));

  const read = await driver().read({ Name: NAMED.Name });
  expect(read.final.resourceModel).toEqual({
    ...NAMED,
    ResolvedPrincipals: [
      { PrincipalType: 'GROUP', PrincipalName: 'Developers', PrincipalId: groupNamed('Developers') },
      { PrincipalType: 'USER', PrincipalName: 'carol', PrincipalId: userNamed('carol') },
    ],
    ResolvedPermissionSets: [{ Name: 'ReadOnlyAccess', Arn: permissionSetNamed('ReadOnlyAccess') }],
    AccountCount: accounts.length,
    AssignmentCount: 2 * accounts.length,
    MissingAssignmentCount: 0,
  });
  await driver().del({ Name: NAMED.Name });
});

test('the root stands for every active account but the management account; a non-recursive OU for its own accounts', async () => {
  const everywhere: ResourceProperties = {
    Name: 'auditors-everywhere',
    InstanceArn: world.instanceArn,
    Principals: [{ PrincipalType: 'GROUP', PrincipalId: groupNamed('Auditors') }],
    PermissionSets: [permissionSetNamed('ReadOnlyAccess')],
    Targets: [
      { TargetType: 'AWS_OU', TargetIds: [rootId], Recursive: true },
      { TargetType: 'AWS_OU', TargetIds: [PROD] },
    ],
  };
  emulator().clearCalls();
  const created = await driver().create(everywhere);
  expect(created.final).toMatchObject({ status: 'SUCCESS' });
  // The root with everything below it is one ListAccounts walk, after ListRoots confirms the root; Prod, not
  // recursive, is its own accounts.
  const called = (operation: string) =>
    emulator()
      .calls()
      .filter((call) => call.operation === operation);
  expect(called('ListRoots')).toHaveLength(1);
  expect(called('ListAccounts').length).toBeGreaterThan(0);
  expect(called('ListOrganizationalUnitsForParent')).toEqual([]);
  expect(called('ListAccountsForParent').map((call) => call.input)).toEqual([{ ParentId: PROD }]);
  const all = activeAccountsBelow(rootId);
  expect(all).not.toContain(world.ownerAccountId);
  expect(
    assignments()
      .map((assignment) => assignment.split('|')[2])
      .sort(),
  ).toEqual(all);
  expect(created.final.resourceModel).toMatchObject({ AccountCount: all.length });
  await driver().del({ Name: 'auditors-everywhere' });

  const onlyProd = {
    ...everywhere,
    Name: 'prod-only',
    Targets: [{ TargetType: 'AWS_OU', TargetIds: [PROD] }],
  };
  expect((await driver().create(onlyProd)).final.status).toBe('SUCCESS');
  // Prod's own accounts, not those of Payments below it.
  expect(
    assignments()
      .map((assignment) => assignment.split('|')[2])
      .sort(),
  ).toEqual(activeAccountsBelow(PROD, false));
  await driver().del({ Name: 'prod-only' });
});

test.each([
  [
    'an unknown user name',
    { Principals: [{ PrincipalType: 'USER', PrincipalName: 'mallory' }] },
    "Principals.0: USER 'mallory' is not in identity store",
  ],
  [
    'an unknown permission set name',
    { PermissionSets: ['NoSuchAccess'] },
    "PermissionSets.0: no permission set named 'NoSuchAccess'",
  ],
  [
    'an OU that is not in the organization',
    { Targets: [{ TargetType: 'AWS_OU', TargetIds: ['ou-7q2x-zzzzzzzz'] }] },
    'Targets.0.TargetIds.0: ou-7q2x-zzzzzzzz is not an organizational unit or root',
  ],
  [
    'a root of another organization, recursively',
    { Targets: [{ TargetType: 'AWS_OU', TargetIds: ['r-zz99'], Recursive: true }] },
    'Targets.0.TargetIds.0: r-zz99 is not an organizational unit or root',
  ],
  [
    'an account that is not in the organization',
    { Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: [ACCOUNT_OUTSIDE_ORGANIZATION] }] },
    `account ${ACCOUNT_OUTSIDE_ORGANIZATION} is not in the organization`,
  ],
  [
    'an OU given as an account target',
    { Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: [PROD] }] },
    `Targets.0.TargetIds.0: '${PROD}' is not a 12-digit account ID`,
  ],
  [
    'Recursive on an account target',
    { Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: [EXCLUDED], Recursive: true }] },
    'Targets.0.Recursive: Recursive applies to AWS_OU targets only',
  ],
  [
    'an account both targeted and excluded',
    { Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: [EXCLUDED] }], ExcludedAccountIds: [EXCLUDED] },
    `ExcludedAccountIds.0: account ${EXCLUDED} is both a target (Targets.0.TargetIds.0) and excluded`,
  ],
  [
    'a principal by both ID and name',
    { Principals: [{ PrincipalType: 'USER', PrincipalId: userNamed('carol'), PrincipalName: 'carol' }] },
    'Principals.0: give PrincipalId or PrincipalName, exactly one of them',
  ],
  [
    'the same principal by ID and by name',
    {
      Principals: [
        { PrincipalType: 'USER', PrincipalId: userNamed('carol') },
        { PrincipalType: 'USER', PrincipalName: 'carol' },
      ],
    },
    'Principals.1: USER',
  ],
  [
    'the same permission set by ARN and by name',
    { PermissionSets: [permissionSetNamed('ReadOnlyAccess'), 'ReadOnlyAccess'] },
    'PermissionSets.1: ',
  ],
])('%s → InvalidRequest naming it, before any write', async (_case, change, message) => {
  const result = await driver().create({ ...NAMED, Name: 'refused', ...change });
  expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
  expect(result.final.message).toContain(message);
  expect(writes()).toBe(0);
  expect((await driver().read({ Name: 'refused' })).final).toMatchObject({ errorCode: 'NotFound' });
});

test('an account that joins the OU shows as drift on READ; an UPDATE with a new Revision assigns it', async () => {
  await driver().create(NAMED);
  const joining = accountNamed('sandbox-01');
  expect(emulator().state.moveAccount(joining, PROD)).toBe(true);

  const drifted = await driver().read({ Name: NAMED.Name });
  expect(drifted.final).toMatchObject({ status: 'SUCCESS' });
  // The OU's accounts changed since it was applied: the OU is dropped from its list, so the template differs.
  expect(drifted.final.resourceModel).toMatchObject({ Targets: [], MissingAssignmentCount: 0 });
  expect(assignments().some((assignment) => assignment.endsWith(joining))).toBe(false);

  const applied = await driver().update({ ...NAMED, Revision: '2' }, NAMED);
  expect(applied.final).toMatchObject({ status: 'SUCCESS' });
  expect(assignments().filter((assignment) => assignment.endsWith(joining))).toHaveLength(2);
  const read = await driver().read({ Name: NAMED.Name });
  expect(read.final.resourceModel).toMatchObject({ Targets: NAMED.Targets, Revision: '2' });
  await driver().del({ Name: NAMED.Name });
});

test('an account that leaves the OU loses the group’s assignments at the next UPDATE; a suspended one keeps them', async () => {
  await driver().create(NAMED);
  const leaving = accountNamed('dev-01');
  const suspended = accountNamed('dev-02');
  emulator().state.moveAccount(leaving, unitNamed('Sandbox'));
  emulator().state.setAccountState(suspended, 'SUSPENDED');
  const before = assignments().filter((assignment) => assignment.endsWith(suspended));
  expect(before).toHaveLength(2);

  const applied = await driver().update({ ...NAMED, Revision: 'moved' }, NAMED);
  expect(applied.final).toMatchObject({ status: 'SUCCESS' });
  expect(assignments().filter((assignment) => assignment.endsWith(leaving))).toEqual([]);
  expect(assignments().filter((assignment) => assignment.endsWith(suspended))).toEqual(before);
  await driver().del({ Name: NAMED.Name });
  // DELETE removes what the group owns, in the suspended account too.
  expect(assignments()).toEqual([]);
  emulator().state.setAccountState(suspended, 'ACTIVE');
  emulator().state.moveAccount(leaving, unitNamed('Dev'));
});

test('a name that resolves to another principal later: READ shows drift, access does not move until applied', async () => {
  await driver().create(NAMED);
  const carol = userNamed('carol');
  const carolAccess = assignments().filter((assignment) => assignment.startsWith(`${carol}|`));
  expect(carolAccess.length).toBeGreaterThan(0);
  // carol is renamed, and another user takes the name.
  expect(emulator().state.renamePrincipal('USER', carol, 'carol.old')).toBe(true);
  const impostor = '5e5e5e5e-6f6f-4a7a-8b8b-9c9c9c9c9c9c';
  emulator().state.addUser({ id: impostor, name: 'carol' });

  const read = await driver().read({ Name: NAMED.Name });
  expect(read.final.resourceModel).toMatchObject({
    Principals: [{ PrincipalType: 'GROUP', PrincipalName: 'Developers' }],
    MissingAssignmentCount: 0,
  });
  expect(assignments().filter((assignment) => assignment.startsWith(`${carol}|`))).toEqual(carolAccess);
  expect(assignments().some((assignment) => assignment.startsWith(`${impostor}|`))).toBe(false);

  // Applied again: the name now means the other user; access moves, additions first.
  expect((await driver().update({ ...NAMED, Revision: 'renamed' }, NAMED)).final.status).toBe('SUCCESS');
  expect(assignments().some((assignment) => assignment.startsWith(`${carol}|`))).toBe(false);
  expect(assignments().filter((assignment) => assignment.startsWith(`${impostor}|`))).toHaveLength(
    carolAccess.length,
  );
  await driver().del({ Name: NAMED.Name });
  emulator().state.renamePrincipal('USER', impostor, 'carol.impostor');
  emulator().state.renamePrincipal('USER', carol, 'carol');
});

test('Organizations throttling during resolution is retried: CREATE still succeeds with every account', async () => {
  emulator().faults.error({
    errorName: 'TooManyRequestsException',
    operation: 'ListAccountsForParent',
    count: 3,
  });
  const created = await driver().create(NAMED);
  expect(created.final).toMatchObject({ status: 'SUCCESS' });
  const accounts = activeAccountsBelow(WORKLOADS).filter((account) => account !== EXCLUDED);
  expect(created.final.resourceModel).toMatchObject({ AccountCount: accounts.length });
  await driver().del({ Name: NAMED.Name });
});

test('an account moved into the OU during a CREATE: the CREATE keeps the accounts it resolved, READ shows the move', async () => {
  const joining = accountNamed('sandbox-02');
  const creating = driver().create(NAMED);
  // The write-ahead record is written once resolution is done: the move comes after it, while assignments are made.
  const store = new StateStore(stateTableClient(emulator.stateTable().endpoint));
  while ((await store.get(String(NAMED.Name))) === undefined) await delay(10);
  emulator().state.moveAccount(joining, PROD);
  const rest = await creating;
  expect(rest.final.status).toBe('SUCCESS');
  expect(assignments().some((assignment) => assignment.endsWith(joining))).toBe(false);
  expect((await driver().read({ Name: NAMED.Name })).final.resourceModel).toMatchObject({ Targets: [] });
  await driver().del({ Name: NAMED.Name });
  emulator().state.moveAccount(joining, unitNamed('Sandbox'));
});

// The assignment group end to end through the driver (CloudFormation's stand-in, every response checked against
// the handler contract): SSO Admin from the emulator, the state table from dynalite, both over real HTTP.
import { type ResourceProperties } from '../../dev/driver';
import { DEFAULT_WORLD } from '../../dev/emulator';
import { useHandlerEmulator } from '../support/emulator';
import { assignmentsIn, expectedAssignments, groupDriver } from './support';

jest.setTimeout(60_000);

const emulator = useHandlerEmulator({ stateTable: true, provisioningMs: 50 });

const world = DEFAULT_WORLD;
// Every ACTIVE account of the seeded organisation (a suspended one cannot be assigned).
const accounts = world.accounts.filter((account) => account.state === 'ACTIVE').map((account) => account.id);
const [readOnly, powerUser] = world.permissionSets.map((set) => set.arn);
const users = world.users.slice(0, 3).map((user) => ({ PrincipalType: 'USER', PrincipalId: user.id }));

const driver = groupDriver;

const GROUP: ResourceProperties = {
  Name: 'platform-team',
  InstanceArn: world.instanceArn,
  Principals: users.slice(0, 2),
  PermissionSets: [readOnly, powerUser],
  Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: accounts.slice(0, 2) }],
};

/** The emulator's account assignments, as `principal|permission set|account`. */
const assignments = () => assignmentsIn(emulator());
const expected = expectedAssignments;

test('CREATE makes every assignment and answers the group with its count; READ answers the same', async () => {
  const created = await driver().create(GROUP);
  expect(created.final).toMatchObject({ status: 'SUCCESS' });
  expect(created.final.resourceModel).toMatchObject({
    ...GROUP,
    AssignmentCount: 8,
    MissingAssignmentCount: 0,
  });
  expect(assignments()).toEqual(expected(GROUP));

  const read = await driver().read({ Name: 'platform-team' });
  expect(read.final).toMatchObject({ status: 'SUCCESS', resourceModel: { ...GROUP, AssignmentCount: 8 } });
});

function tuple(principalId: string, permissionSetArn: string, targetId: string) {
  return { principalType: 'USER' as const, principalId, permissionSetArn, targetId };
}

function writes(): string[] {
  return emulator()
    .calls()
    .filter((call) => /^(Create|Delete)AccountAssignment$/.test(call.operation))
    .map((call) => call.operation);
}

test('UPDATE moves a principal and adds an account in place: additions first, then removals; READ follows', async () => {
  await driver().create(GROUP);
  const moved: ResourceProperties = {
    ...GROUP,
    Principals: [users[0], users[2]],
    // One account more than GROUP's two.
    Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: accounts.slice(0, 3) }],
  };
  emulator().clearCalls();
  const updated = await driver().update(moved, GROUP);
  expect(updated.final).toMatchObject({
    status: 'SUCCESS',
    resourceModel: { ...moved, AssignmentCount: 12 },
  });
  expect(assignments()).toEqual(expected(moved));
  // 2 sets x 3 accounts for the new principal and 2 x 1 for the new account: 8 creates; 2 x 2 deletes.
  const made = writes();
  expect(made.filter((op) => op === 'CreateAccountAssignment')).toHaveLength(8);
  expect(made.filter((op) => op === 'DeleteAccountAssignment')).toHaveLength(4);
  expect(made.lastIndexOf('CreateAccountAssignment')).toBeLessThan(made.indexOf('DeleteAccountAssignment'));

  const read = await driver().read({ Name: 'platform-team' });
  expect(read.final.resourceModel).toMatchObject({ ...moved, MissingAssignmentCount: 0 });
});

test('an UPDATE that changes nothing makes no write to SSO Admin', async () => {
  await driver().create(GROUP);
  emulator().clearCalls();
  const updated = await driver().update(GROUP, GROUP);
  expect(updated.final).toMatchObject({ status: 'SUCCESS' });
  expect(writes()).toEqual([]);
});

test('an assignment deleted out of band shows as drift on READ, and UPDATE repairs it', async () => {
  await driver().create(GROUP);
  const [first, second] = users;
  expect(emulator().state.removeAccountAssignment(tuple(second.PrincipalId, powerUser, accounts[1]))).toBe(
    true,
  );

  const read = await driver().read({ Name: 'platform-team' });
  expect(read.final.resourceModel).toMatchObject({
    Principals: [first],
    PermissionSets: [readOnly],
    Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: [accounts[0]] }],
    AssignmentCount: 8,
    MissingAssignmentCount: 1,
  });

  emulator().clearCalls();
  const repaired = await driver().update(GROUP, GROUP);
  expect(repaired.final).toMatchObject({ status: 'SUCCESS' });
  expect(writes()).toEqual(['CreateAccountAssignment']);
  expect(assignments()).toEqual(expected(GROUP));
});

test('an assignment that existed before the group is not owned: DELETE leaves it; with AdoptExisting it goes', async () => {
  const [first] = users;
  emulator().state.addAccountAssignment(tuple(first.PrincipalId, readOnly, accounts[0]));
  await driver().create(GROUP);
  const deleted = await driver().del({ Name: 'platform-team' });
  expect(deleted.final).toMatchObject({ status: 'SUCCESS' });
  expect(assignments()).toEqual([`${first.PrincipalId}|${readOnly}|${accounts[0]}`]);

  await driver().create({ ...GROUP, AdoptExisting: true });
  await driver().del({ Name: 'platform-team' });
  expect(assignments()).toEqual([]);
});

test('two groups declaring the same assignment: deleting one never removes what the other declares', async () => {
  const other: ResourceProperties = { ...GROUP, Name: 'security-team', PermissionSets: [readOnly] };
  await driver().create(GROUP);
  await driver().create(other);
  const deleted = await driver().del({ Name: 'platform-team' });
  expect(deleted.final).toMatchObject({ status: 'SUCCESS' });
  expect(assignments()).toEqual(expected(other));
  // What platform-team created and security-team declares is security-team's now: it goes with it.
  await driver().del({ Name: 'security-team' });
  expect(assignments()).toEqual([]);
});

test('AlreadyExists for a taken Name, NotFound for READ, UPDATE and DELETE of no such group', async () => {
  await driver().create(GROUP);
  const again = await driver().create(GROUP);
  expect(again.final).toMatchObject({ status: 'FAILED', errorCode: 'AlreadyExists' });
  for (const result of [
    await driver().read({ Name: 'nobody' }),
    await driver().update({ ...GROUP, Name: 'nobody' }, { ...GROUP, Name: 'nobody' }),
    await driver().del({ Name: 'nobody' }),
  ]) {
    expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
  }
});

test('without a Name, CREATE names the group from the logical ID; LIST pages every group', async () => {
  const { Name: _name, ...unnamed } = GROUP;
  const created = await driver().create(unnamed, { logicalResourceId: 'PlatformAccess' });
  expect(created.final.resourceModel?.Name).toMatch(/^PlatformAccess-[0-9A-F]{12}$/);
  await driver().create({ ...GROUP, Name: 'second' });
  const listed = await driver().listAll({});
  expect(listed.models.map((model) => model.Name).sort()).toEqual(
    [created.final.resourceModel?.Name, 'second'].sort(),
  );
});

test('a declaration the group cannot stand for is InvalidRequest naming the rule, with nothing written', async () => {
  const twice: ResourceProperties = {
    ...GROUP,
    Targets: [
      { TargetType: 'AWS_ACCOUNT', TargetIds: [accounts[0]] },
      { TargetType: 'AWS_ACCOUNT', TargetIds: [accounts[0], accounts[1]] },
    ],
  };
  emulator().clearCalls();
  const result = await driver().create(twice);
  expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
  expect(result.final.message).toContain(
    `Targets.1.TargetIds.0: ${accounts[0]} is listed twice (Targets.0.TargetIds.0 and Targets.1.TargetIds.0)`,
  );
  expect(emulator().calls()).toEqual([]);
});

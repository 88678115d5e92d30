// The registry's emulator binding for the group (dev/types.ts): what the demo and the shared suites count a group's
// assignments with. An OU or root target stands for accounts of the emulator's world as the handlers resolve them:
// ACTIVE ones, never the management account, nested OUs only with Recursive, less ExcludedAccountIds.
import type { ResourceProperties } from '../../dev/driver';
import { DEFAULT_WORLD, type World } from '../../dev/emulator';
import { groupAssignmentsOf, resourceType } from '../../dev/types';
import { groupDriver, useGroupEmulator } from './support';

jest.setTimeout(60_000);

const emulator = useGroupEmulator();
const binding = resourceType('assignment-group').emulator;
const world = DEFAULT_WORLD;
const { rootId } = world.organization;

const unitNamed = (name: string) => {
  const unit = world.organization.organizationalUnits.find((candidate) => candidate.name === name);
  if (!unit) throw new Error(`no OU ${name} in the seeded world`);
  return unit.id;
};
const accountNamed = (name: string) => {
  const account = world.accounts.find((candidate) => candidate.name === name);
  if (!account) throw new Error(`no account ${name} in the seeded world`);
  return account.id;
};
/** The ACTIVE accounts whose parent is one of `parents` in `current`. */
const activeIn = (current: World, ...parents: string[]) =>
  current.accounts
    .filter((account) => parents.includes(account.parentId) && account.state === 'ACTIVE')
    .map((account) => account.id);

/** One principal and one permission set, so a model's size is its account count. */
const groupOf = (targets: Record<string, unknown>[], excluded?: string[]): ResourceProperties => ({
  Name: 'binding-check',
  InstanceArn: world.instanceArn,
  Principals: [{ PrincipalType: 'GROUP', PrincipalId: world.groups[1]?.id }],
  PermissionSets: [world.permissionSets[1]?.arn],
  Targets: targets,
  ...(excluded === undefined ? {} : { ExcludedAccountIds: excluded }),
});
const accountsOf = (model: ResourceProperties, current: World = world) =>
  groupAssignmentsOf(model, current).map((assignment) => assignment.targetId);

describe('an OU or root target stands for', () => {
  test('the ACTIVE accounts directly in it; with Recursive, in every OU below it too', () => {
    const prod = unitNamed('Prod');
    const payments = unitNamed('Payments');
    expect(accountsOf(groupOf([{ TargetType: 'AWS_OU', TargetIds: [prod] }]))).toEqual(activeIn(world, prod));
    expect(
      accountsOf(groupOf([{ TargetType: 'AWS_OU', TargetIds: [prod], Recursive: true }])).sort(),
    ).toEqual(activeIn(world, prod, payments).sort());
  });

  test('never the management account nor a suspended account, even through the root', () => {
    const everyone = accountsOf(groupOf([{ TargetType: 'AWS_OU', TargetIds: [rootId], Recursive: true }]));
    const expected = world.accounts.filter(
      (account) => account.state === 'ACTIVE' && account.id !== world.ownerAccountId,
    );
    expect(everyone.sort()).toEqual(expected.map((account) => account.id).sort());
    expect(everyone).not.toContain(accountNamed('closed-sandbox'));
    // Directly under the root there is only the management account.
    expect(accountsOf(groupOf([{ TargetType: 'AWS_OU', TargetIds: [rootId] }]))).toEqual([]);
  });

  test('less ExcludedAccountIds, and an account also listed as a target once', () => {
    const security = unitNamed('Security');
    const logArchive = accountNamed('log-archive');
    const [excluded] = activeIn(world, security).filter((account) => account !== logArchive);
    const model = groupOf(
      [
        { TargetType: 'AWS_OU', TargetIds: [security] },
        { TargetType: 'AWS_ACCOUNT', TargetIds: [logArchive] },
      ],
      [excluded ?? ''],
    );
    const accounts = accountsOf(model);
    expect(accounts.sort()).toEqual(
      activeIn(world, security)
        .filter((account) => account !== excluded)
        .sort(),
    );
    expect(binding.size(model, world)).toBe(accounts.length);
  });

  test('accounts of a world only: without one, an OU target cannot be counted', () => {
    const model = groupOf([{ TargetType: 'AWS_OU', TargetIds: [unitNamed('Security')] }]);
    expect(() => binding.size(model)).toThrow(/AWS_OU/);
    expect(
      binding.size(groupOf([{ TargetType: 'AWS_ACCOUNT', TargetIds: [accountNamed('log-archive')] }])),
    ).toBe(1);
  });
});

test("in the emulator: the counts match the group's own resolution, and follow an account that joins the OU", async () => {
  const model = groupOf(
    [{ TargetType: 'AWS_OU', TargetIds: [unitNamed('Workloads')], Recursive: true }],
    [accountNamed('workload-prod')],
  );
  const created = await groupDriver().create(model);
  expect(created.final).toMatchObject({
    status: 'SUCCESS',
    resourceModel: { AssignmentCount: binding.size(model, emulator().state.world()) },
  });
  expect(binding.exists(emulator(), model)).toBe(true);
  expect(binding.present(emulator(), model)).toBe(binding.size(model, emulator().state.world()));

  // An account joins a nested OU: the model stands for its assignment too, which does not exist yet.
  const before = binding.size(model, emulator().state.world());
  expect(emulator().state.moveAccount(accountNamed('sandbox-01'), unitNamed('Payments'))).toBe(true);
  expect(binding.size(model, emulator().state.world())).toBe(before + 1);
  expect(binding.exists(emulator(), model)).toBe(false);
  expect(binding.present(emulator(), model)).toBe(before);

  await groupDriver().del({ Name: model.Name });
  expect(binding.present(emulator(), model)).toBe(0);
});

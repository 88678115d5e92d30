// Organizations failing while a group resolves its OU targets (issue 13's fault cells): each cell injects one
// Organizations error into the emulator and checks what CloudFormation is told, that nothing was written before
// resolution ended, and that nothing is left behind (no assignment, no state record) when the CREATE fails.
import { type ResourceProperties } from '../../dev/driver';
import { DEFAULT_WORLD, stateTableClient, type OrganizationsErrorName } from '../../dev/emulator';
import { entrypoint } from '../../src/assignment-group/handlers';
import { StateStore } from '../../src/assignment-group/state-store';
import { assignmentsIn, groupDriver, useGroupEmulator } from './support';

jest.setTimeout(90_000);

const emulator = useGroupEmulator();
const driver = groupDriver;

const world = DEFAULT_WORLD;

const unitNamed = (name: string): string => {
  const unit = world.organization.organizationalUnits.find((candidate) => candidate.name === name);
  if (!unit) throw new Error(`no OU ${name} in the seeded world`);
  return unit.id;
};
const developers = world.groups.find((group) => group.name === 'Developers')?.id ?? '';
const readOnly =
  world.permissionSets.find((permissionSet) => permissionSet.name === 'ReadOnlyAccess')?.arn ?? '';

/** The active accounts directly in `unitId` (what a non-recursive OU target stands for). */
function activeAccountsIn(unitId: string): string[] {
  return emulator()
    .state.world()
    .accounts.filter((account) => account.parentId === unitId && account.state === 'ACTIVE')
    .map((account) => account.id)
    .sort();
}

const PROD = unitNamed('Prod');
const GROUP: ResourceProperties = {
  Name: 'prod-readers',
  InstanceArn: world.instanceArn,
  Principals: [{ PrincipalType: 'GROUP', PrincipalId: developers }],
  PermissionSets: [readOnly],
  Targets: [{ TargetType: 'AWS_OU', TargetIds: [PROD], Recursive: false }],
};

const writesMade = (since: number): number =>
  emulator()
    .calls()
    .slice(since)
    .filter((call) => /^(Create|Delete)AccountAssignment$/.test(call.operation)).length;

async function recordOf(name: string): Promise<unknown> {
  const client = stateTableClient(emulator.stateTable().endpoint);
  try {
    return await new StateStore(client).get(name);
  } finally {
    client.destroy();
  }
}

/** Injects `count` of `errorName` on `operation`. */
function inject(errorName: OrganizationsErrorName, operation: string, count: number): void {
  emulator().faults.error({ errorName, operation, count });
}

afterEach(async () => {
  emulator().faults.clear();
  if ((await recordOf(String(GROUP.Name))) !== undefined) {
    expect((await driver().del({ Name: GROUP.Name })).final.status).toBe('SUCCESS');
  }
  expect(assignmentsIn(emulator())).toEqual([]);
});

describe('CREATE while Organizations fails', () => {
  test('throttled past the SDK’s retries: CREATE waits for a callback, writes nothing meanwhile, then succeeds', async () => {
    // More TooManyRequestsException answers in a row than the SDK's three attempts absorb.
    inject('TooManyRequestsException', 'ListAccountsForParent', 4);
    const since = emulator().calls().length;
    const writesAfterEach: number[] = [];
    const created = await driver(async (request, context) => {
      const response = await entrypoint(request, context);
      writesAfterEach.push(writesMade(since));
      return response;
    }).create(GROUP);
    expect(created.final).toMatchObject({
      status: 'SUCCESS',
      resourceModel: { AccountCount: activeAccountsIn(PROD).length },
    });
    const [first] = created.invocations;
    expect(first?.response).toMatchObject({ status: 'IN_PROGRESS' });
    expect(writesAfterEach[0]).toBe(0);
    expect(assignmentsIn(emulator())).toHaveLength(activeAccountsIn(PROD).length);
  });

  test('an internal error past the SDK’s retries: CREATE waits for a callback, then succeeds', async () => {
    inject('ServiceException', 'ListAccountsForParent', 4);
    const created = await driver().create(GROUP);
    expect(created.final.status).toBe('SUCCESS');
    expect(created.invocations[0]?.response).toMatchObject({ status: 'IN_PROGRESS' });
    expect(assignmentsIn(emulator())).toHaveLength(activeAccountsIn(PROD).length);
  });

  test('the account is in no organization: InvalidRequest saying OU targets need one, nothing written or kept', async () => {
    inject('AWSOrganizationsNotInUseException', 'DescribeOrganization', 1);
    const since = emulator().calls().length;
    const created = await driver().create(GROUP);
    expect(created.final).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
    expect(created.final.message).toMatch(/AWS_OU/);
    expect(created.final.message).toMatch(/organization/i);
    expect(writesMade(since)).toBe(0);
    expect(await recordOf(String(GROUP.Name))).toBeUndefined();
  });

  test('the role may not list the OU: AccessDenied naming the action, nothing written or kept', async () => {
    inject('AccessDeniedException', 'ListAccountsForParent', 1);
    const since = emulator().calls().length;
    const created = await driver().create(GROUP);
    expect(created.final).toMatchObject({ status: 'FAILED', errorCode: 'AccessDenied' });
    expect(created.final.message).toMatch(/execution role needs organizations:ListAccountsForParent/);
    expect(writesMade(since)).toBe(0);
    expect(await recordOf(String(GROUP.Name))).toBeUndefined();
  });

  test('empty pages that carry a NextToken are followed: every account is found', async () => {
    emulator().faults.emptyPage({ operation: 'ListAccountsForParent', count: 3 });
    const created = await driver().create(GROUP);
    expect(created.final).toMatchObject({
      status: 'SUCCESS',
      resourceModel: { AccountCount: activeAccountsIn(PROD).length },
    });
    expect(assignmentsIn(emulator())).toHaveLength(activeAccountsIn(PROD).length);
  });
});

describe('READ while Organizations fails', () => {
  test('throttled past the SDK’s retries: READ answers FAILED Throttling at once (never IN_PROGRESS), and the group is untouched', async () => {
    expect((await driver().create(GROUP)).final.status).toBe('SUCCESS');
    const before = assignmentsIn(emulator());
    inject('TooManyRequestsException', 'ListAccountsForParent', 4);
    const read = await driver().read({ Name: GROUP.Name });
    expect(read.invocations).toHaveLength(1);
    expect(read.final).toMatchObject({ status: 'FAILED', errorCode: 'Throttling' });
    expect(assignmentsIn(emulator())).toEqual(before);
    emulator().faults.clear();
    expect((await driver().read({ Name: GROUP.Name })).final).toMatchObject({
      status: 'SUCCESS',
      resourceModel: GROUP,
    });
  });
});

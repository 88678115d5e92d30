// LIST paging of AWS::SSO::Assignment against the SSO Admin emulator, driven as CloudFormation drives it (the
// driver follows nextToken and checks every page against the handler contract). The page budget is lowered with
// the documented environment variables (src/core/list-pages.ts LIST_PAGE_ENV).
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { adaptTestEntrypoint, Driver, type ResourceProperties } from '../../dev/driver';
import { DEFAULT_WORLD } from '../../dev/emulator';
import { useHandlerEmulator } from '../support/emulator';
import { entrypoint, testEntrypoint } from '../../src/assignment/handlers';
import { resourceType } from '../../dev/types';

const { schema: RESOURCE_SCHEMA } = resourceType('assignment');
import { listAccountAssignments } from '../../src/assignment/account-assignments';
import { LIST_PAGE_ENV, PageBudget, sealPageToken } from '../../src/core/list-pages';

const INSTANCE = DEFAULT_WORLD.instanceArn;
const INSTANCE_ID = INSTANCE.split('/')[1];
/** More accounts than one SSO Admin page (MaxResults 100), so the walk crosses account pages. */
const ACCOUNTS = Array.from({ length: 103 }, (_, index) => `7000000${String(index).padStart(5, '0')}`);
const GROUPS = ['b0000000-0000-4000-8000-000000000001', 'b0000000-0000-4000-8000-000000000002'];

const emulator = useHandlerEmulator({ requestsPerSecond: Infinity });
let permissionSets: string[];

function driver(options: { viaTestEntrypoint?: boolean } = {}): Driver {
  return new Driver({
    entrypoint: options.viaTestEntrypoint
      ? adaptTestEntrypoint((event, context) => testEntrypoint(event, context))
      : entrypoint,
    typeName: RESOURCE_SCHEMA.typeName,
    primaryIdentifier: RESOURCE_SCHEMA.primaryIdentifier,
    timeScale: 0,
    log: () => undefined,
  });
}

/**
 * Permission set 0 in every account (one group each), 1 in every third account (both groups), 2 in none; plus
 * the default world's own assignments.
 */
function seed(): void {
  for (const [index, id] of ACCOUNTS.entries()) {
    emulator().state.addAccount({ id, name: `paging-${index}`, status: 'ACTIVE' });
  }
  for (const [index, id] of GROUPS.entries())
    emulator().state.addGroup({ id, name: `paging-group-${index}` });
  permissionSets = [0, 1, 2].map(
    (index) => emulator().state.addPermissionSet({ name: `Paging${index}` }).arn,
  );
  for (const [index, account] of ACCOUNTS.entries()) {
    const tuple = { targetId: account, principalType: 'GROUP' as const };
    emulator().state.addAccountAssignment({
      ...tuple,
      permissionSetArn: permissionSets[0],
      principalId: GROUPS[0],
    });
    if (index % 3 === 0) {
      for (const group of GROUPS) {
        emulator().state.addAccountAssignment({
          ...tuple,
          permissionSetArn: permissionSets[1],
          principalId: group,
        });
      }
    }
  }
}

/** What SSO Admin holds, as LIST models, narrowed like a LIST filter. */
function expected(filter: { permissionSetArn?: string; targetId?: string } = {}): ResourceProperties[] {
  return emulator()
    .state.accountAssignments()
    .filter(
      (assignment) =>
        (filter.permissionSetArn === undefined || assignment.permissionSetArn === filter.permissionSetArn) &&
        (filter.targetId === undefined || assignment.targetId === filter.targetId),
    )
    .map((assignment) => ({
      InstanceArn: INSTANCE,
      PermissionSetArn: assignment.permissionSetArn,
      PrincipalId: assignment.principalId,
      PrincipalType: assignment.principalType,
      TargetId: assignment.targetId,
      TargetType: 'AWS_ACCOUNT',
    }));
}

const identity = (model: ResourceProperties): string => JSON.stringify(model);

function expectExactly(models: ResourceProperties[], wanted: ResourceProperties[]): void {
  const listed = models.map(identity);
  expect(new Set(listed).size).toBe(listed.length);
  expect([...listed].sort()).toEqual(wanted.map(identity).sort());
}

function setBudget(workMs: string | undefined, maxModels: string | undefined): void {
  for (const [name, value] of [
    [LIST_PAGE_ENV.workMs, workMs],
    [LIST_PAGE_ENV.maxModels, maxModels],
  ] as const) {
    if (value === undefined) Reflect.deleteProperty(process.env, name);
    else process.env[name] = value;
  }
}

beforeEach(() => {
  seed();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => {
  setBudget(undefined, undefined);
  jest.restoreAllMocks();
});

test('with the default budget, a small organisation is one page holding every assignment, with no nextToken', async () => {
  const listed = await driver().listAll({ InstanceArn: INSTANCE });
  expect(listed.pages).toHaveLength(1);
  expect(listed.final).toMatchObject({ status: 'SUCCESS' });
  expect(listed.final.nextToken).toBeUndefined();
  expectExactly(listed.models, expected());
});

test('one SSO Admin call per page: every page resumes where the last stopped, and together they list each assignment once', async () => {
  setBudget('0', undefined);
  const listed = await driver().listAll({ InstanceArn: INSTANCE }, { maxPages: 1_000 });
  expect(listed.final.status).toBe('SUCCESS');
  expectExactly(listed.models, expected());
  // Every SSO Admin call of the walk made its own page.
  const ssoCalls = emulator()
    .calls()
    .filter((call) => call.service === 'sso-admin');
  expect(listed.pages.length).toBeGreaterThanOrEqual(ACCOUNTS.length + 1);
  expect(ssoCalls).toHaveLength(listed.pages.length);
  expect(listed.pages.slice(0, -1).every((page) => page.final.nextToken !== undefined)).toBe(true);
});

test('a page holds at most the model budget, and the assignments of one pair are split across pages', async () => {
  setBudget(undefined, '1');
  const filter = { InstanceArn: INSTANCE, PermissionSetArn: permissionSets[1], TargetId: ACCOUNTS[0] };
  const listed = await driver().listAll(filter);
  expect(listed.pages.map((page) => page.final.resourceModels?.length)).toEqual([1, 1]);
  expectExactly(listed.models, expected({ permissionSetArn: permissionSets[1], targetId: ACCOUNTS[0] }));
  // The second page resumed from SSO Admin's own NextToken for that pair.
  const pairCalls = emulator()
    .calls()
    .filter((call) => call.operation === 'ListAccountAssignments');
  expect(pairCalls.map((call) => (call.input as { NextToken?: string }).NextToken !== undefined)).toEqual([
    false,
    true,
  ]);
});

type Narrowing = () => { permissionSetArn?: string; targetId?: string };

test.each<[string, Narrowing]>([
  ['PermissionSetArn', () => ({ permissionSetArn: permissionSets[1] })],
  ['TargetId', () => ({ targetId: ACCOUNTS[3] })],
  ['PermissionSetArn and TargetId', () => ({ permissionSetArn: permissionSets[0], targetId: ACCOUNTS[5] })],
])('narrowed by %s, small pages list exactly the matching assignments', async (_name, narrowing) => {
  setBudget('0', '2');
  const { permissionSetArn, targetId } = narrowing();
  const properties = {
    InstanceArn: INSTANCE,
    ...(permissionSetArn ? { PermissionSetArn: permissionSetArn } : {}),
    ...(targetId ? { TargetId: targetId } : {}),
  };
  const listed = await driver().listAll(properties, { maxPages: 1_000 });
  expect(listed.final.status).toBe('SUCCESS');
  expect(expected({ permissionSetArn, targetId }).length).toBeGreaterThan(0);
  expectExactly(listed.models, expected({ permissionSetArn, targetId }));
});

test("the TestEntrypoint (SAM, cfn test) carries the request's nextToken too", async () => {
  setBudget('0', undefined);
  const listed = await driver({ viaTestEntrypoint: true }).listAll(
    { InstanceArn: INSTANCE, PermissionSetArn: permissionSets[1] },
    { maxPages: 1_000 },
  );
  expect(listed.pages.length).toBeGreaterThan(1);
  expectExactly(listed.models, expected({ permissionSetArn: permissionSets[1] }));
});

test.each([
  [
    'a permission set that does not exist',
    { PermissionSetArn: `arn:aws:sso:::permissionSet/${INSTANCE_ID}/ps-ffffffffffffffff` },
  ],
  ['a permission set without assignments', {}],
  ['an instance that does not exist', { InstanceArn: 'arn:aws:sso:::instance/ssoins-ffffffffffffffff' }],
])('LIST filtered by %s answers SUCCESS with [] and no nextToken', async (name, narrowing) => {
  const properties = {
    InstanceArn: INSTANCE,
    ...(name === 'a permission set without assignments' ? { PermissionSetArn: permissionSets[2] } : {}),
    ...narrowing,
  };
  const listed = await driver().listAll(properties);
  expect(listed.pages).toHaveLength(1);
  expect(listed.final).toMatchObject({ status: 'SUCCESS', resourceModels: [] });
  expect(listed.final.nextToken).toBeUndefined();
});

test('a NextToken whose SSO Admin position the service refuses is InvalidRequest naming NextToken', async () => {
  const filter = { InstanceArn: INSTANCE, PermissionSetArn: permissionSets[0], TargetId: ACCOUNTS[0] };
  const token = sealPageToken(
    'account-assignments',
    [
      ['InstanceArn', filter.InstanceArn],
      ['PermissionSetArn', filter.PermissionSetArn],
      ['TargetId', filter.TargetId],
    ],
    {
      at: 'assignments',
      permissionSet: { index: 0, value: filter.PermissionSetArn },
      account: { index: 0, value: filter.TargetId },
      next: 'not-a-token-sso-admin-issued',
    },
  );
  const page = await driver().list(filter, { nextToken: token });
  expect(page.final).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
  expect(page.final.message).toMatch(
    /^NextToken is stale: SSO Admin no longer accepts the position it holds/,
  );
  expect(
    emulator()
      .calls()
      .map((call) => `${call.operation}:${call.outcome}`),
  ).toEqual(['ListAccountAssignments:ValidationException']);
});

test("the SDK abandons a call in flight when the page's cut-off comes (abort signal honoured)", async () => {
  emulator().faults.setLatency(2_000);
  const client = new SSOAdminClient({
    region: DEFAULT_WORLD.region,
    credentials: { accessKeyId: 'ASIAEXAMPLEPAGING000', secretAccessKey: 'pagingSecretForLoopbackOnly' },
    maxAttempts: 1,
  });
  try {
    // 50 ms of Lambda time left: the page's first call is cut off long before the emulator answers.
    const budget = new PageBudget({ workMs: 20_000, maxModels: 10 }, Date.now, Date.now(), 50);
    await expect(
      listAccountAssignments(client, { instanceArn: INSTANCE }, undefined, budget),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
  } finally {
    emulator().faults.setLatency(0);
    client.destroy();
  }
});

// LIST paging of AWS::SSO::ApplicationAssignment against the SSO Admin emulator, driven as CloudFormation drives
// it (the driver follows nextToken and checks every page against the handler contract).
import { Driver, type ResourceProperties } from '../../dev/driver';
import { DEFAULT_WORLD } from '../../dev/emulator';
import { useHandlerEmulator } from '../support/emulator';
import { entrypoint } from '../../src/application-assignment/handlers';
import { resourceType } from '../../dev/types';

const { schema: RESOURCE_SCHEMA } = resourceType('application-assignment');
import { LIST_PAGE_ENV, sealPageToken } from '../../src/core/list-pages';

const [GRAFANA, OTHER_APPLICATION] = DEFAULT_WORLD.applications;
/** More assignments than one SSO Admin page (MaxResults 100). */
const PRINCIPALS = Array.from(
  { length: 230 },
  (_, index) => `c0000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
);

const emulator = useHandlerEmulator({ requestsPerSecond: Infinity });

const driver = (): Driver =>
  new Driver({
    entrypoint,
    typeName: RESOURCE_SCHEMA.typeName,
    primaryIdentifier: RESOURCE_SCHEMA.primaryIdentifier,
    timeScale: 0,
    log: () => undefined,
  });

function expected(applicationArn: string): string[] {
  return emulator()
    .state.applicationAssignments()
    .filter((assignment) => assignment.applicationArn === applicationArn)
    .map((assignment) =>
      JSON.stringify({
        ApplicationArn: assignment.applicationArn,
        PrincipalId: assignment.principalId,
        PrincipalType: assignment.principalType,
      }),
    )
    .sort();
}

function expectExactly(models: ResourceProperties[], wanted: string[]): void {
  const listed = models.map((model) => JSON.stringify(model));
  expect(new Set(listed).size).toBe(listed.length);
  expect([...listed].sort()).toEqual(wanted);
}

beforeEach(() => {
  for (const principalId of PRINCIPALS) {
    emulator().state.addApplicationAssignment({
      applicationArn: GRAFANA.arn,
      principalType: 'USER',
      principalId,
    });
  }
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => {
  delete process.env.SSO_LIST_PAGE_WORK_MS;
  delete process.env.SSO_LIST_PAGE_MAX_MODELS;
  jest.restoreAllMocks();
});

test('with the default budget, every assignment comes in one page with no nextToken', async () => {
  const listed = await driver().listAll({ ApplicationArn: GRAFANA.arn });
  expect(listed.pages).toHaveLength(1);
  expect(listed.final.nextToken).toBeUndefined();
  expectExactly(listed.models, expected(GRAFANA.arn));
});

test('pages of at most 7 models list every assignment exactly once, each resuming from the last', async () => {
  process.env[LIST_PAGE_ENV.maxModels] = '7';
  const listed = await driver().listAll({ ApplicationArn: GRAFANA.arn }, { maxPages: 1_000 });
  expect(listed.final.status).toBe('SUCCESS');
  expect(listed.pages.every((page) => (page.final.resourceModels?.length ?? 0) <= 7)).toBe(true);
  expect(listed.pages.length).toBe(Math.ceil(expected(GRAFANA.arn).length / 7));
  expectExactly(listed.models, expected(GRAFANA.arn));
});

test('one SSO Admin call per page (time budget 0) lists every assignment exactly once', async () => {
  process.env[LIST_PAGE_ENV.workMs] = '0';
  const listed = await driver().listAll({ ApplicationArn: GRAFANA.arn }, { maxPages: 1_000 });
  expect(listed.pages.length).toBe(emulator().calls().length);
  expect(listed.pages.length).toBeGreaterThan(1);
  expectExactly(listed.models, expected(GRAFANA.arn));
});

test.each([
  [
    'an application that does not exist',
    'arn:aws:sso::111122223333:application/ssoins-72230b9a8e8e8b7a/apl-ffffffffffffffff',
  ],
  ['an application without assignments', OTHER_APPLICATION.arn],
])('LIST of %s answers SUCCESS with [] and no nextToken', async (_name, applicationArn) => {
  const listed = await driver().listAll({ ApplicationArn: applicationArn });
  expect(listed.pages).toHaveLength(1);
  expect(listed.final).toMatchObject({ status: 'SUCCESS', resourceModels: [] });
  expect(listed.final.nextToken).toBeUndefined();
});

test('a NextToken whose SSO Admin position the service refuses is InvalidRequest naming NextToken', async () => {
  const token = sealPageToken('application-assignments', [['ApplicationArn', GRAFANA.arn]], {
    next: 'not-a-token-sso-admin-issued',
  });
  const page = await driver().list({ ApplicationArn: GRAFANA.arn }, { nextToken: token });
  expect(page.final).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
  expect(page.final.message).toMatch(
    /^NextToken is stale: SSO Admin no longer accepts the position it holds/,
  );
});

// Section 9: resolution read from the emulator's call log, its limit at the quotas, and its report rows, on made-up
// figures. Speed is measured by `npm run bench`, never asserted in a test.
import type { ApiCallRecord, EmulatedService } from '../../dev/emulator';
import { resolutionProblems } from '../../bench/lib/problems';
import { renderMarkdown } from '../../bench/lib/report';
import { resolutionLimit, resolutionWindow } from '../../bench/lib/resolution';
import type {
  BenchResults,
  GroupOperationResult,
  ResolutionCaseResult,
  ResolutionResult,
  ScaleRun,
} from '../../bench/lib/results';

const call = (
  service: EmulatedService,
  operation: string,
  at: number,
  outcome: ApiCallRecord['outcome'] = 'ok',
): ApiCallRecord => ({ service, operation, input: {}, at, outcome });

describe('resolutionWindow', () => {
  const log = [
    call('sso-admin', 'ListAccountAssignmentsForPrincipal', 50), // an earlier operation's
    call('organizations', 'DescribeOrganization', 100),
    call('organizations', 'ListAccountsForParent', 200, 'TooManyRequestsException'),
    call('organizations', 'ListAccountsForParent', 400),
    call('sso-admin', 'DescribeInstance', 500),
    call('identitystore', 'GetGroupId', 500),
    call('sso-admin', 'ListPermissionSets', 550),
    call('sso-admin', 'DescribePermissionSet', 600, 'ThrottlingException'),
    call('sso-admin', 'ListAccountAssignmentsForPrincipal', 1_400),
    // After resolution: a later call of a resolution operation is not resolution's.
    call('identitystore', 'DescribeGroup', 1_450),
    call('organizations', 'DescribeAccount', 1_500),
  ];

  test("counts resolution's calls per service, its throttles, and the time to the first call after it", () => {
    expect(resolutionWindow(log, 100)).toEqual({
      calls: { organizations: 3, identityStore: 1, ssoAdmin: 3 },
      throttled: 2,
      ms: 1_300,
      complete: true,
    });
  });

  test('a group of IDs and nothing to check: no call, no time', () => {
    expect(resolutionWindow([call('sso-admin', 'ListAccountAssignmentsForPrincipal', 3_000)], 3_000)).toEqual(
      {
        calls: { organizations: 0, identityStore: 0, ssoAdmin: 0 },
        throttled: 0,
        ms: 0,
        complete: true,
      },
    );
  });

  test('an operation that stopped in resolution: incomplete, timed to its last call', () => {
    expect(resolutionWindow(log.slice(0, 5), 100)).toEqual({
      calls: { organizations: 3, identityStore: 0, ssoAdmin: 1 },
      throttled: 1,
      ms: 400,
      complete: false,
    });
  });
});

describe('resolutionLimit', () => {
  const rates = { organizations: 10, ssoAdmin: 20 };

  test('per service (fewest - R) / R; the slowest service binds; an unlimited service costs no time', () => {
    expect(resolutionLimit({ organizations: 102, identityStore: 5, ssoAdmin: 0 }, rates)).toEqual({
      boundsMs: { organizations: 9_200, identityStore: 0, ssoAdmin: 0 },
      limitMs: 9_200,
      binding: 'organizations',
    });
    // 3 names among 500 permission sets: DescribeInstance, 5 pages, 500 descriptions at 20/s.
    const names = resolutionLimit({ organizations: 1, identityStore: 5, ssoAdmin: 506 }, rates);
    expect(names.binding).toBe('ssoAdmin');
    expect(names.limitMs).toBe(24_300);
  });

  test("calls within a second's burst cost nothing", () => {
    expect(resolutionLimit({ organizations: 10, identityStore: 0, ssoAdmin: 20 }, rates).limitMs).toBe(0);
  });
});

const resolutionCase = (label: string, exact = true): ResolutionCaseResult => ({
  label,
  declaration: 'made up',
  resolution: {
    calls: { organizations: 184, identityStore: 0, ssoAdmin: 0 },
    throttled: 0,
    ms: 18_300,
    complete: true,
  },
  fewest: { organizations: 102, identityStore: 0, ssoAdmin: 0 },
  fewestMethod: 'one ListAccounts walk',
  limitBoundsMs: { organizations: 9_200, identityStore: 0, ssoAdmin: 0 },
  limitMs: 9_200,
  ratioToLimit: 18_300 / 9_200,
  lambdaShare: 18_300 / 60_000,
  accounts: { expected: 1_000, resolved: exact ? 1_000 : 1_001, exact },
  create: {
    succeeded: exact,
    ...(exact ? {} : { failure: 'resolved 1001 accounts (expected 1000)' }),
    totalMs: 190_000,
    invocations: 6,
    writes: 1_000,
    apiCalls: 2_200,
  },
  wallMs: 8_000,
});

function resolution(cases: ResolutionCaseResult[]): ResolutionResult {
  return {
    typeName: 'Example::Made::Up',
    organization: {
      activeAccounts: 1_000,
      organizationalUnits: 50,
      suspendedAccounts: 5,
      accounts: 1_006,
      maxDepth: 4,
    },
    permissionSets: 500,
    rates: { organizations: 10, ssoAdmin: 20 },
    organizationsPageSize: 10,
    lambdaTimeoutMs: 60_000,
    cases,
  };
}

const accountCheck = {
  calls: { organizations: 11, identityStore: 0, ssoAdmin: 0 },
  throttled: 0,
  ms: 1_000,
  complete: true,
};

function results(section: ResolutionResult): BenchResults {
  const groupRun: ScaleRun = {
    strategy: 'group',
    seed: 1,
    assignments: 500,
    resources: 1,
    succeeded: 1,
    failures: 0,
    failureCodes: {},
    totalMs: 88_000,
    ratioToLimit: 1.8,
    p50Ms: 88_000,
    p95Ms: 88_000,
    apiCalls: 1_051,
    throttles: 0,
    invocations: 4,
    assignmentsInEmulator: 500,
    resolution: accountCheck,
    wallMs: 3_000,
  };
  const limit = {
    writesBoundMs: 0,
    callsBoundMs: 1,
    limitMs: 1,
    binding: 'calls',
    minCalls: 1,
    definition: '',
  };
  const create: GroupOperationResult = {
    operation: 'CREATE',
    writes: 2_000,
    succeeded: true,
    totalMs: 346_000,
    limit,
    ratioToLimit: 1.7,
    apiCalls: 4_136,
    throttles: 0,
    invocations: 10,
    stateTable: { calls: 1, clockMoved: 0, largestItemBytes: 1 },
    peakRssMb: 1,
    assignmentsInEmulator: 2_000,
    expectedInEmulator: 2_000,
    resolution: { ...accountCheck, calls: { ...accountCheck.calls, organizations: 10 }, ms: 906 },
    wallMs: 1,
  };
  return {
    date: '2026-01-01T00:00:00.000Z',
    commit: 'abc1234',
    machine: { cpu: 'test', cores: 2, node: 'v20', platform: 'linux x64' },
    model: {},
    scale: {
      limit,
      group: {
        typeName: 'Example::Made::Up',
        shape: { principals: 5, permissionSets: 2, accounts: 50 },
        limit,
        organizationAccounts: 110,
      },
      runs: [groupRun],
    },
    groupScale: {
      typeName: 'Example::Made::Up',
      shape: { principals: 10, permissionSets: 5, accounts: 40, replacedPrincipals: 2 },
      assignments: 2_000,
      mode: 'quick',
      operations: [create],
      lambdaMemoryMb: 256,
      itemLimitBytes: 409_600,
      workerMaxRssMb: 1,
      organizationAccounts: 100,
    },
    resolution: section,
    notes: [],
    wallSeconds: 1,
  };
}

function section9(markdown: string): string[] {
  const start = markdown.indexOf('## 9.');
  expect(start).toBeGreaterThanOrEqual(0);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown
    .slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('| '));
}

const firstCell = (row: string): string => row.split('|')[1].trim();

test('section 9: one row per case with calls against the fewest, then the account checks of sections 4 and 8', () => {
  const markdown = renderMarkdown(
    results(resolution([resolutionCase('root, recursive'), resolutionCase('50 OUs')])),
  );
  expect(markdown).toContain('## 9. Resolution in an organisation of 1000 accounts');
  const rows = section9(markdown);
  expect(rows[0]).toContain('Organizations calls (fewest)');
  expect(rows[0]).toContain('÷ Lambda 60.0 s');
  expect(rows.slice(2, 4).map(firstCell)).toEqual(['root, recursive', '50 OUs']);
  expect(rows[2]).toContain('184 (102)');
  expect(rows[2]).toContain('1000 (1000)');
  expect(rows[2]).toContain('1.99x');
  // The account checks: the listed accounts against the organisation, the fewest calls, and the time added.
  const checks = rows.filter((row) => firstCell(row).startsWith('section '));
  expect(checks.map(firstCell)).toEqual([
    'section 4, one group of 500, CREATE (median run)',
    'section 8, one group of 2000, CREATE',
  ]);
  expect(checks[0]).toContain('11 (11: one ListAccounts walk of the organisation)');
  expect(checks[0]).toContain('1.1%');
  expect(checks[1]).toContain('906 ms');
  // A resolution is a measure against its limit.
  expect(markdown).toMatch(/\| resolution in 1000 accounts: root, recursive \| +18\.3 s \|/);
});

test('section 9 exits non-zero when a CREATE resolves another number of accounts, and shows it', () => {
  expect(resolutionProblems(resolution([resolutionCase('root, recursive')]))).toEqual([]);
  const wrong = resolution([resolutionCase('root, recursive', false)]);
  expect(resolutionProblems(wrong)).toEqual([
    "Section 9's root, recursive CREATE failed: resolved 1001 accounts (expected 1000): a handler bug to fix.",
  ]);
  const rows = section9(renderMarkdown(results(wrong)));
  expect(rows[2]).toContain('**1001 (1000)**');
  expect(rows[2]).toContain('**failed**');
});

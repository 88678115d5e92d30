// The group's rows in the bench report (sections 4 and 8) and what makes the run exit non-zero, on made-up
// figures: structure only. Speed is measured by `npm run bench`, never asserted in a test.
import { GROUP_OPERATIONS, groupScaleProblems } from '../../bench/lib/problems';
import { renderMarkdown } from '../../bench/lib/report';
import type {
  BenchResults,
  GroupOperationResult,
  GroupScaleResult,
  LimitFigures,
  ScaleRun,
  ScaleStrategy,
} from '../../bench/lib/results';

const limit = (limitMs: number, minCalls: number): LimitFigures => ({
  writesBoundMs: limitMs / 2,
  callsBoundMs: limitMs,
  limitMs,
  binding: 'calls',
  minCalls,
  definition: 'made up',
});

const scaleRun = (strategy: ScaleStrategy, seed: number): ScaleRun => ({
  strategy,
  seed,
  assignments: 500,
  resources: strategy === 'group' ? 1 : 500,
  succeeded: strategy === 'group' ? 1 : 500,
  failures: 0,
  failureCodes: {},
  totalMs: 100_000 + seed,
  ratioToLimit: 1.5,
  p50Ms: 50_000,
  p95Ms: 90_000,
  apiCalls: 1_000,
  throttles: 0,
  invocations: strategy === 'group' ? 3 : 1_000,
  assignmentsInEmulator: 500,
  wallMs: 1_000,
});

const operation = (name: GroupOperationResult['operation'], succeeded = true): GroupOperationResult => ({
  operation: name,
  writes: name === 'READ' ? 0 : 10_000,
  succeeded,
  ...(succeeded ? {} : { failure: 'FAILED GeneralServiceException 3 of 10000 assignments failed' }),
  totalMs: 1_500_000,
  limit: limit(1_000_000, 20_010),
  ratioToLimit: 1.5,
  apiCalls: 20_500,
  throttles: 0,
  invocations: 40,
  stateTable: { calls: 800, clockMoved: 0, largestItemBytes: 70_000 },
  peakRssMb: 250,
  assignmentsInEmulator: 10_000,
  expectedInEmulator: 10_000,
  wallMs: 90_000,
});

function groupScale(operations: GroupOperationResult[]): GroupScaleResult {
  return {
    typeName: 'Example::Made::Up',
    shape: { principals: 10, permissionSets: 5, accounts: 200, replacedPrincipals: 2 },
    assignments: 10_000,
    mode: 'full',
    operations,
    lambdaMemoryMb: 256,
    itemLimitBytes: 409_600,
    workerMaxRssMb: 300,
  };
}

function results(group: GroupScaleResult): BenchResults {
  const seeds = [1, 2, 3];
  return {
    date: '2026-01-01T00:00:00.000Z',
    commit: 'abc1234',
    machine: { cpu: 'test', cores: 2, node: 'v20', platform: 'linux x64' },
    model: {},
    scale: {
      limit: limit(74_000, 1_500),
      group: {
        typeName: 'Example::Made::Up',
        shape: { principals: 5, permissionSets: 2, accounts: 50 },
        limit: limit(49_250, 1_005),
      },
      runs: (['ours', 'native', 'group'] as const).flatMap((strategy) =>
        seeds.map((seed) => scaleRun(strategy, seed)),
      ),
    },
    groupScale: group,
    notes: [],
    wallSeconds: 1,
  };
}

/** The Markdown table rows (lines starting with '|') between `heading` and the next heading. */
function rowsOf(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(heading);
  expect(start).toBeGreaterThanOrEqual(0);
  const end = markdown.indexOf('\n## ', start + heading.length);
  return markdown
    .slice(start, end === -1 ? undefined : end)
    .split('\n')
    .filter((line) => line.startsWith('| '));
}

const firstCell = (row: string): string => row.split('|')[1].trim();

test('section 4: the group row next to the separate resources, and both physical limits', () => {
  const rows = rowsOf(
    renderMarkdown(results(groupScale(GROUP_OPERATIONS.map((name) => operation(name))))),
    '## 4.',
  );
  expect(rows[0]).toContain('÷ limit');
  expect(rows.slice(2).map(firstCell)).toEqual([
    'ours',
    'native-like',
    'ours, one group',
    'physical limit',
    'physical limit',
  ]);
  const group = rows.find((row) => firstCell(row) === 'ours, one group') ?? '';
  // One CREATE per seed, divided by the group's own limit.
  expect(group).toContain('1 (5 x 2 x 50)');
  expect(group).toContain('0 of 3');
  expect(group).toContain('49.3 s');
});

test('section 8: one row per operation of the large group, with memory and item size against their limits', () => {
  const markdown = renderMarkdown(results(groupScale(GROUP_OPERATIONS.map((name) => operation(name)))));
  expect(markdown).toContain('## 8. One group of 10000 assignments');
  const rows = rowsOf(markdown, '## 8.');
  expect(rows.slice(2).map(firstCell)).toEqual([...GROUP_OPERATIONS]);
  expect(rows[0]).toContain('peak RSS (÷ 256 MB)');
  expect(rows[2]).toContain('68.4 KiB (0.17x)');
});

test('section 8 exits non-zero on a failed operation or one that did not run', () => {
  const ok = groupScale(GROUP_OPERATIONS.map((name) => operation(name)));
  expect(groupScaleProblems(ok)).toEqual([]);

  const failed = groupScale([operation('CREATE', false)]);
  const problems = groupScaleProblems(failed);
  expect(problems).toHaveLength(2);
  expect(problems[0]).toMatch(/CREATE failed: FAILED GeneralServiceException/);
  expect(problems[1]).toMatch(/UPDATE, READ, DELETE did not run/);
  expect(renderMarkdown(results(failed))).toContain('**CREATE failed:**');
});

/** Renders bench results as the Markdown the run prints and writes to bench/results/latest.md. */
import { GROUP_GOALS, GROUP_SCALE, MODEL, RESOLUTION, SCALE } from './model';
import { fewestAccountCheckCalls } from './organization';
import type { ResolutionFigures } from './resolution';
import type {
  BenchResults,
  ConvergenceCase,
  GroupScaleResult,
  ListScaleResult,
  OperationFigures,
  ResolutionResult,
  ScaleResult,
  ScaleRun,
  ScaleStrategy,
} from './results';
import { formatBytes, formatDuration, formatRatio, markdownTable } from './table';

const LIB_FIXED_WAIT_MS = 1_000;

function timeWithRange(figures: OperationFigures): string {
  const time = formatDuration(figures.totalMs);
  return figures.totalMinMs === figures.totalMaxMs
    ? time
    : `${time} (${formatDuration(figures.totalMinMs)}-${formatDuration(figures.totalMaxMs)})`;
}

function operationCells(figures: OperationFigures): string[] {
  return [
    timeWithRange(figures),
    formatRatio(figures.ratio),
    String(figures.apiCalls),
    String(figures.invocations),
    figures.failures === 0 ? '0' : `**${figures.failures}**`,
  ];
}

function convergenceTable(cases: readonly ConvergenceCase[]): string {
  const rows = cases.map((entry) => [
    formatDuration(entry.provisioningMs),
    entry.strategy === 'ours' ? 'ours' : 'native-like',
    ...operationCells(entry.create),
    ...operationCells(entry.delete),
  ]);
  return markdownTable(
    [
      'provisioning',
      'strategy',
      'CREATE time (range)',
      '÷ provisioning',
      'SSO calls',
      'invocations',
      'failed',
      'DELETE time (range)',
      '÷ provisioning',
      'SSO calls',
      'invocations',
      'failed',
    ],
    rows,
    ['left', 'left'],
  );
}

export interface ScaleSummary {
  strategy: ScaleStrategy;
  /** The run with the median total time. */
  median: ScaleRun;
  runs: number;
  failures: number;
  operations: number;
  minTotalMs: number;
  maxTotalMs: number;
}

/** Per strategy: the median run (by total time), the range, and the failures over all runs. */
export function summarizeScale(runs: readonly ScaleRun[]): ScaleSummary[] {
  const strategies = [...new Set(runs.map((run) => run.strategy))];
  return strategies.map((strategy) => {
    const mine = runs.filter((run) => run.strategy === strategy);
    const byTotal = [...mine].sort((left, right) => left.totalMs - right.totalMs);
    return {
      strategy,
      median: byTotal[(byTotal.length - 1) >> 1],
      runs: mine.length,
      failures: mine.reduce((sum, run) => sum + run.failures, 0),
      operations: mine.reduce((sum, run) => sum + run.resources, 0),
      minTotalMs: byTotal[0].totalMs,
      maxTotalMs: byTotal[byTotal.length - 1].totalMs,
    };
  });
}

interface Gap {
  measure: string;
  ours: number;
  limit: number;
  limitLabel: string;
}

/** Our figures against their limits, largest ratio first. */
function gapsTable(results: BenchResults): string | undefined {
  const gaps: Gap[] = [];
  for (const entry of results.convergence ?? []) {
    if (entry.strategy !== 'ours') continue;
    for (const [action, figures] of [
      ['CREATE', entry.create],
      ['DELETE', entry.delete],
    ] as const) {
      gaps.push({
        measure: `${action}, provisioning ${formatDuration(entry.provisioningMs)}`,
        ours: figures.totalMs,
        limit: entry.provisioningMs,
        limitLabel: 'the provisioning time',
      });
    }
  }
  const scale = summarizeScale(results.scale?.runs ?? []).find((summary) => summary.strategy === 'ours');
  if (results.scale && scale) {
    gaps.push({
      measure: `${scale.median.assignments} CREATEs at once (median run)`,
      ours: scale.median.totalMs,
      limit: results.scale.limit.limitMs,
      limitLabel: "the quotas' physical limit",
    });
  }
  const group = summarizeScale(results.scale?.runs ?? []).find((summary) => summary.strategy === 'group');
  if (results.scale?.group && group) {
    gaps.push({
      measure: `one group of ${group.median.assignments}, CREATE (median run)`,
      ours: group.median.totalMs,
      limit: results.scale.group.limit.limitMs,
      limitLabel: "the quotas' physical limit",
    });
  }
  for (const operation of results.groupScale?.operations ?? []) {
    if (!operation.succeeded) continue;
    gaps.push({
      measure: `one group of ${results.groupScale?.assignments ?? 0}, ${operation.operation}`,
      ours: operation.totalMs,
      limit: operation.limit.limitMs,
      limitLabel: operation.writes === 0 ? 'the call rate limit' : "the quotas' physical limit",
    });
  }
  for (const entry of results.resolution?.cases ?? []) {
    if (!entry.create.succeeded) continue;
    gaps.push({
      measure: `resolution in ${results.resolution?.organization.activeAccounts ?? 0} accounts: ${entry.label}`,
      ours: entry.resolution.ms,
      limit: entry.limitMs,
      limitLabel: 'the call rate limit',
    });
  }
  const list = results.listScale;
  if (list && !list.failure) {
    gaps.push({
      measure: `LIST of ${list.assignments} assignments, all pages`,
      ours: list.totalMs,
      limit: list.limitMs,
      limitLabel: 'the call rate limit',
    });
  }
  if (gaps.length === 0) return undefined;
  gaps.sort((left, right) => right.ours / right.limit - left.ours / left.limit);
  return markdownTable(
    ['measure', 'ours', 'limit', 'ratio', 'gap'],
    gaps.map((gap) => [
      gap.measure,
      formatDuration(gap.ours),
      `${formatDuration(gap.limit)} (${gap.limitLabel})`,
      formatRatio(gap.ours / gap.limit),
      formatDuration(gap.ours - gap.limit),
    ]),
  );
}

/** What the original lib's fixed wait would add to our operations: exactly 1 s per invocation. */
function fixedWaitEffect(cases: readonly ConvergenceCase[]): string {
  const rows = cases
    .filter((entry) => entry.strategy === 'ours')
    .map((entry) => {
      const withWait = (figures: OperationFigures): number =>
        figures.totalMs + figures.invocations * LIB_FIXED_WAIT_MS;
      return [
        formatDuration(entry.provisioningMs),
        formatRatio(entry.create.ratio),
        formatRatio(withWait(entry.create) / entry.provisioningMs),
        formatRatio(entry.delete.ratio),
        formatRatio(withWait(entry.delete) / entry.provisioningMs),
      ];
    });
  return markdownTable(
    [
      'provisioning',
      'CREATE ÷ P, patched',
      'CREATE ÷ P, original lib',
      'DELETE ÷ P, patched',
      'DELETE ÷ P, original lib',
    ],
    rows,
  );
}

const met = (ok: boolean): string => (ok ? 'met' : '**not met**');

const STRATEGY_LABELS: Record<ScaleStrategy, string> = {
  ours: 'ours',
  native: 'native-like',
  group: 'ours, one group',
};

/** The Lambda environments of each strategy's median run of separate resources, e.g. `ours 500, native-like 500`. */
function environmentsOf(scale: ScaleResult): string {
  return summarizeScale(scale.runs.filter((run) => run.environments !== undefined))
    .map((summary) => `${STRATEGY_LABELS[summary.strategy]} ${summary.median.environments ?? 0}`)
    .join(', ');
}

/** Section 4: each strategy's median run, then the physical limits they are divided by. */
export function scaleSection(scale: ScaleResult): string[] {
  const out: string[] = [];
  const { limit, group } = scale;
  const shape = group
    ? `${group.shape.principals} x ${group.shape.permissionSets} x ${group.shape.accounts}`
    : '';
  out.push(
    `Emulator at ${SCALE.requestsPerSecond} requests/s and ${SCALE.maxOutstandingAsyncWrites} outstanding writes, ` +
      `provisioning ${formatDuration(SCALE.provisioningMs)}. ${SCALE.assignments} separate resources (ours, ` +
      'native-like), each its own CREATE, all at once' +
      (group
        ? `; and ours as one ${group.typeName} of ${SCALE.assignments} (${shape}: principals x permission sets x ` +
          'accounts), one CREATE'
        : '') +
      '.',
  );
  out.push('');
  const limitRow = (what: string, figures: ScaleResult['limit']): string[] => [
    'physical limit',
    what,
    '',
    formatDuration(figures.limitMs),
    formatDuration(figures.limitMs),
    formatRatio(1),
    '',
    '',
    String(figures.minCalls),
    '',
    '',
    '',
  ];
  out.push(
    markdownTable(
      [
        'strategy',
        'resources',
        'failed CREATEs',
        'total time (range)',
        'limit',
        '÷ limit',
        'p50 done',
        'p95 done',
        'SSO calls',
        'throttled',
        'invocations',
        'wall time',
      ],
      [
        ...summarizeScale(scale.runs).map((summary) => {
          const run = summary.median;
          const failures = `${summary.failures} of ${summary.operations}`;
          const oneGroup = summary.strategy === 'group';
          const runLimit = oneGroup && group ? group.limit : limit;
          return [
            STRATEGY_LABELS[summary.strategy],
            oneGroup ? `1 (${shape})` : String(run.resources),
            summary.failures === 0 ? failures : `**${failures}**`,
            `${formatDuration(run.totalMs)} (${formatDuration(summary.minTotalMs)}-${formatDuration(summary.maxTotalMs)})`,
            formatDuration(runLimit.limitMs),
            formatRatio(run.totalMs / runLimit.limitMs),
            // One resource: its completion is the total.
            oneGroup ? '-' : formatDuration(run.p50Ms),
            oneGroup ? '-' : formatDuration(run.p95Ms),
            String(run.apiCalls),
            `${run.throttles} (${((run.throttles / run.apiCalls) * 100).toFixed(0)}%)`,
            String(run.invocations),
            formatDuration(run.wallMs),
          ];
        }),
        limitRow(`${SCALE.assignments} resources`, limit),
        ...(group ? [limitRow(`1 group (${shape})`, group.limit)] : []),
      ],
      ['left', 'left'],
    ),
  );
  out.push('');
  out.push(
    `${scale.runs.filter((run) => run.strategy === 'ours').length} runs per strategy with the same seeds; ` +
      'the row is the median run (failures: all runs). ' +
      "Throttles are counted from the emulator's call log (outcome ThrottlingException). Each invocation runs in a " +
      'Lambda execution environment of its own while the others are busy, reusing an idle one otherwise (a fresh ' +
      'instance of the handler modules each: its own SDK clients, retry quota and pace; lib/lambda-environments.ts), ' +
      `as Lambda runs concurrent invocations; CloudFormation is assumed to start all ${SCALE.assignments} CREATEs at ` +
      `once (it documents no per-stack limit). Environments per run (median run): ${environmentsOf(scale)}.`,
  );
  out.push('');
  out.push(
    `Physical limit of the separate resources: ${formatDuration(limit.limitMs)} (${limit.binding} bound; writes ` +
      `bound ${formatDuration(limit.writesBoundMs)}, calls bound ${formatDuration(limit.callsBoundMs)}): ` +
      `${limit.definition}.`,
  );
  const groupRun = summarizeScale(scale.runs).find((summary) => summary.strategy === 'group');
  if (group) {
    out.push('');
    out.push(
      `Physical limit of the group: ${formatDuration(group.limit.limitMs)} (${group.limit.binding} bound; writes ` +
        `bound ${formatDuration(group.limit.writesBoundMs)}, calls bound ` +
        `${formatDuration(group.limit.callsBoundMs)}): ${group.limit.definition}. The group needs no ` +
        "per-assignment pre-check, so its limit is lower than the separate resources'; the writes bound is the " +
        'floor for any strategy.' +
        (groupRun
          ? ` Goal: ÷ limit ≤ ${formatRatio(GROUP_GOALS.ratioToLimit)} (median run ` +
            `${formatRatio(groupRun.median.totalMs / group.limit.limitMs)}, ` +
            `${met(groupRun.median.totalMs <= GROUP_GOALS.ratioToLimit * group.limit.limitMs)}).`
          : ''),
    );
  }
  return out;
}

/** "69.8 KiB (0.17x)": a size and its ratio to a limit. */
function againstLimit(text: string, value: number, limit: number): string {
  return `${text} (${formatRatio(value / limit)})`;
}

/** The group's goals (GROUP_GOALS) against section 8's figures. */
function goalsLine(group: GroupScaleResult): string {
  const writing = group.operations.filter((operation) => operation.writes > 0);
  const worstRatio = Math.max(...writing.map((operation) => operation.ratioToLimit));
  const peakMb = Math.max(...group.operations.map((operation) => operation.peakRssMb));
  const read = group.operations.find((operation) => operation.operation === 'READ');
  const readOk =
    read !== undefined &&
    read.totalMs <= GROUP_GOALS.readMs &&
    read.invocations <= GROUP_GOALS.readInvocations;
  return (
    `Goals: ÷ limit ≤ ${formatRatio(GROUP_GOALS.ratioToLimit)} (worst ${formatRatio(worstRatio)}, ` +
    `${met(worstRatio <= GROUP_GOALS.ratioToLimit)}); handler peak RSS ≤ ${group.lambdaMemoryMb} MB (worst ` +
    `${peakMb.toFixed(0)} MB, ${met(peakMb <= group.lambdaMemoryMb)}); READ in ${GROUP_GOALS.readInvocations} ` +
    `invocation within ${formatDuration(GROUP_GOALS.readMs)} (` +
    (read ? `${formatDuration(read.totalMs)}, ${read.invocations}` : 'not run') +
    `, ${met(readOk)}).`
  );
}

/** Section 8: the large group's operations, one after the other. */
export function groupScaleSection(group: GroupScaleResult): string[] {
  const out: string[] = [];
  const { shape } = group;
  const replaced = shape.replacedPrincipals * shape.permissionSets * shape.accounts;
  out.push(
    `One ${group.typeName} of ${shape.principals} principals x ${shape.permissionSets} permission sets x ` +
      `${shape.accounts} accounts = ${group.assignments} assignments, against the emulator at section 4's quotas ` +
      `(${SCALE.requestsPerSecond} requests/s, ${SCALE.maxOutstandingAsyncWrites} outstanding writes, provisioning ` +
      `${formatDuration(SCALE.provisioningMs)}), its state in dynalite: CREATE; UPDATE replacing ` +
      `${shape.replacedPrincipals} of the principals (${replaced} assignments deleted, ${replaced} created); READ ` +
      '(from the Name alone); DELETE.' +
      (group.mode === 'quick'
        ? ' **Quick run** (`npm run bench`): a smaller group than the committed figures (`npm run bench -- --full`).'
        : ''),
  );
  out.push('');
  out.push(
    markdownTable(
      [
        'operation',
        'writes',
        'failed',
        'time',
        'limit',
        '÷ limit',
        'SSO calls (fewest)',
        'throttled',
        'invocations',
        'table calls',
        'largest item (÷ 400 KB)',
        `handler peak RSS (÷ ${group.lambdaMemoryMb} MB)`,
        'wall time',
      ],
      group.operations.map((operation) => [
        operation.operation,
        String(operation.writes),
        operation.succeeded ? '0' : '**1**',
        formatDuration(operation.totalMs),
        formatDuration(operation.limit.limitMs),
        formatRatio(operation.ratioToLimit),
        `${operation.apiCalls} (${operation.limit.minCalls})`,
        String(operation.throttles),
        String(operation.invocations),
        String(operation.stateTable.calls),
        operation.stateTable.largestItemBytes === 0
          ? '-'
          : againstLimit(
              formatBytes(operation.stateTable.largestItemBytes),
              operation.stateTable.largestItemBytes,
              group.itemLimitBytes,
            ),
        againstLimit(`${operation.peakRssMb.toFixed(0)} MB`, operation.peakRssMb, group.lambdaMemoryMb),
        formatDuration(operation.wallMs),
      ]),
      ['left'],
    ),
  );
  out.push('');
  out.push(goalsLine(group), '');
  const failed = group.operations.filter((operation) => !operation.succeeded);
  const clockMoved = group.operations.reduce((sum, operation) => sum + operation.stateTable.clockMoved, 0);
  for (const operation of failed)
    out.push(`**${operation.operation} failed:** ${operation.failure ?? ''}`, '');
  out.push(
    "Limit = max(ceil(N / W) x P, (N x 2 + F - R) / R) (lib/limits.ts) with N the operation's writes, W = " +
      `${SCALE.maxOutstandingAsyncWrites}, P = ${formatDuration(SCALE.provisioningMs)}, R = ${SCALE.requestsPerSecond} ` +
      'requests/s, 2 calls per write (the write, one status read) and F the ListAccountAssignmentsForPrincipal ' +
      'pages that read what exists first (100 assignments a page, at least one per principal); READ is F alone. ' +
      'Fewest calls = N x 2 + F; SSO calls counts every request to the emulator, the Identity Store and ' +
      'Organizations included (the group checks its principals and its accounts; section 9 shows the account ' +
      "check's share). Table calls: the state table (DynamoDB, dynalite in a process of its own); " +
      (clockMoved === 0 ? 'none' : `**${clockMoved}**`) +
      " saw virtual time move. Largest item: DynamoDB's size of the biggest item written (its limit is 400 KB). " +
      "Handler peak RSS: maxRSS of the process that served the operation's invocations, one plain `node` process " +
      "per operation with the group's handler bundle alone and Lambda's heap flags for " +
      `${group.lambdaMemoryMb} MB (virtual/handler-process.ts); the emulator and the driver run in the worker ` +
      `(its maxRSS over its life: ${group.workerMaxRssMb.toFixed(0)} MB).`,
  );
  return out;
}

/** Section 7: the LIST walk of a large instance, page by page. */
export function listScaleSection(list: ListScaleResult): string[] {
  const out: string[] = [];
  const { pageBudget } = list;
  out.push(
    `Every assignment of an instance with ${list.accounts} accounts x ${list.permissionSets} permission sets (one ` +
      `assignment per pair, ${list.assignments} in all), emulator at ${list.requestsPerSecond} requests/s, pages ` +
      `requested back to back, each with the previous page's nextToken. Page budget: no call starts after ` +
      `${formatDuration(pageBudget.workMs)}, a call in flight at ${formatDuration(pageBudget.answerMs)} is cut, ` +
      `at most ${pageBudget.maxModels} models (src/core/list-pages.ts).`,
  );
  out.push('');
  const failures = list.duplicates + list.missing;
  out.push(
    markdownTable(
      [
        'pages',
        'models (duplicates, missing)',
        'SSO calls (throttled)',
        'fewest calls',
        'total time',
        '÷ limit',
        'slowest page',
        'median page',
        'largest page',
        'all pages',
        'wall time',
      ],
      [
        [
          String(list.pages),
          `${list.models} (${failures === 0 ? `${list.duplicates}, ${list.missing}` : `**${list.duplicates}, ${list.missing}**`})`,
          `${list.apiCalls} (${list.throttles})`,
          String(list.minCalls),
          formatDuration(list.totalMs),
          formatRatio(list.ratioToLimit),
          formatDuration(list.slowestPageMs),
          formatDuration(list.medianPageMs),
          formatBytes(list.largestPageBytes),
          formatBytes(list.totalBytes),
          formatDuration(list.wallMs),
        ],
      ],
    ),
  );
  out.push('');
  out.push(
    `Limit = (fewest calls - R) / R with R = ${list.requestsPerSecond} requests/s (one second of burst): ` +
      `${formatDuration(list.limitMs)}. Fewest calls = the permission set pages, ${list.permissionSets} x the ` +
      `account pages (100 accounts a page), and one ListAccountAssignments per pair; the calls above it re-read ` +
      `the page a position sits on (${list.answeredCalls - list.minCalls} answered calls) or were throttled. Unpaged, ` +
      `the same LIST was one invocation of at least ${formatDuration(list.limitMs)} answering ` +
      `${formatBytes(list.totalBytes)} (Lambda's response limit is 6 MB).` +
      (list.failure ? ` **The walk failed at ${list.failure}.**` : '') +
      (list.measuredSeparately
        ? ` Measured on its own (npm run bench -- --only list) on ${list.measuredSeparately.date}, commit ${list.measuredSeparately.commit}.`
        : ''),
  );
  return out;
}

/** "184 (102)": calls made and the fewest a correct resolution needs. */
function callsCell(made: number, fewest: number): string {
  return made === 0 && fewest === 0 ? '-' : `${made} (${fewest})`;
}

/** A group of sections 4 and 8 whose accounts are listed by ID: what checking them cost. */
interface AccountCheck {
  group: string;
  listed: number;
  organizationAccounts: number;
  resolution: ResolutionFigures;
  operationMs: number;
}

function accountChecks(results: BenchResults): AccountCheck[] {
  const checks: AccountCheck[] = [];
  const scaleGroup = summarizeScale(results.scale?.runs ?? []).find(
    (summary) => summary.strategy === 'group',
  );
  const scaleShape = results.scale?.group;
  if (scaleGroup?.median.resolution && scaleShape?.organizationAccounts !== undefined) {
    checks.push({
      group: `section 4, one group of ${scaleGroup.median.assignments}, CREATE (median run)`,
      listed: scaleShape.shape.accounts,
      organizationAccounts: scaleShape.organizationAccounts,
      resolution: scaleGroup.median.resolution,
      operationMs: scaleGroup.median.totalMs,
    });
  }
  const group = results.groupScale;
  for (const operation of group?.operations ?? []) {
    if (!group || !operation.resolution || group.organizationAccounts === undefined) continue;
    checks.push({
      group: `section 8, one group of ${group.assignments}, ${operation.operation}`,
      listed: group.shape.accounts,
      organizationAccounts: group.organizationAccounts,
      resolution: operation.resolution,
      operationMs: operation.totalMs,
    });
  }
  return checks;
}

/** Section 9: resolution in the large organisation, then the account checks of sections 4 and 8's groups. */
export function resolutionSection(resolution: ResolutionResult, results: BenchResults): string[] {
  const out: string[] = [];
  const { organization } = resolution;
  const pageSize = resolution.organizationsPageSize;
  out.push(
    `One ${resolution.typeName} CREATE per row whose declaration must be resolved, in a generated organisation of ` +
      `${organization.activeAccounts} active accounts in ${organization.organizationalUnits} OUs up to ` +
      `${organization.maxDepth} levels deep, plus the management account at the root and ` +
      `${organization.suspendedAccounts} suspended accounts (${organization.accounts} in all; lib/organization.ts), ` +
      `and an instance of ${resolution.permissionSets} permission sets. SSO Admin at ` +
      `${resolution.rates.ssoAdmin ?? 0} requests/s (section 4's quota), Organizations at ` +
      `${resolution.rates.organizations ?? 0} requests/s (an assumption: AWS publishes no rate; the emulator's ` +
      `default and the handler's pace), ${pageSize} items a List page; the Identity Store is not rate-limited by ` +
      'the emulator. Each CREATE runs on a fresh emulator.',
  );
  out.push('');
  const lambda = formatDuration(resolution.lambdaTimeoutMs);
  out.push(
    markdownTable(
      [
        'case',
        'accounts (expected)',
        'Organizations calls (fewest)',
        'Identity Store calls (fewest)',
        'SSO Admin calls (fewest)',
        'throttled',
        'resolution time',
        'limit',
        '÷ limit',
        `÷ Lambda ${lambda}`,
        'CREATE time',
        'invocations',
        'wall time',
      ],
      resolution.cases.map((entry) => {
        const { calls } = entry.resolution;
        const accounts = `${Number.isNaN(entry.accounts.resolved) ? '-' : entry.accounts.resolved} (${entry.accounts.expected})`;
        return [
          entry.label,
          entry.accounts.exact ? accounts : `**${accounts}**`,
          callsCell(calls.organizations, entry.fewest.organizations),
          callsCell(calls.identityStore, entry.fewest.identityStore),
          callsCell(calls.ssoAdmin, entry.fewest.ssoAdmin),
          String(entry.resolution.throttled),
          entry.resolution.complete
            ? formatDuration(entry.resolution.ms)
            : `**> ${formatDuration(entry.resolution.ms)}**`,
          formatDuration(entry.limitMs),
          formatRatio(entry.ratioToLimit),
          formatRatio(entry.lambdaShare),
          entry.create.succeeded ? formatDuration(entry.create.totalMs) : '**failed**',
          String(entry.create.invocations),
          formatDuration(entry.wallMs),
        ];
      }),
      ['left'],
    ),
  );
  out.push('');
  for (const entry of resolution.cases) {
    out.push(
      `- ${entry.label}: ${entry.declaration}; ${entry.create.writes} writes. Fewest: ${entry.fewestMethod}.` +
        (entry.create.failure ? ` **Failed: ${entry.create.failure}.**` : ''),
    );
  }
  out.push('');
  out.push(
    "Resolution time: from the CREATE's start to its first call that resolution never makes (the group reading what " +
      'exists, ListAccountAssignmentsForPrincipal); resolution runs first, in the first invocation, and cannot ' +
      `carry on in another, so it must end within the Lambda timeout (÷ Lambda ${lambda}). Calls: every request ` +
      'resolution made, throttled ones included. Limit = per service (fewest calls - R) / R at its rate R (one ' +
      'second of burst), the largest of the three: no resolution can be faster. CREATE time: the whole CREATE, ' +
      'the writes of one principal and one permission set per account included. Accounts: AccountCount as ' +
      "answered; the run fails unless it and the emulator's assignments are exactly the targets' active accounts.",
  );
  const checks = accountChecks(results);
  if (checks.length > 0) {
    out.push('');
    out.push(
      'The account check of the groups that list accounts by ID (sections 4 and 8, measured there; before the ' +
        'check existed such a group made no call before reading what exists):',
    );
    out.push('');
    out.push(
      markdownTable(
        [
          'group',
          'accounts listed',
          'in the organisation',
          'Organizations calls (fewest)',
          'throttled',
          'time added',
          "share of the operation's time",
        ],
        checks.map((check) => {
          const fewest = fewestAccountCheckCalls(check.listed, check.organizationAccounts, pageSize);
          return [
            check.group,
            String(check.listed),
            String(check.organizationAccounts),
            `${check.resolution.calls.organizations} (${fewest.calls}: ${fewest.method})`,
            String(check.resolution.throttled),
            formatDuration(check.resolution.ms),
            `${((check.resolution.ms / check.operationMs) * 100).toFixed(1)}%`,
          ];
        }),
        ['left'],
      ),
    );
  }
  return out;
}

export function renderMarkdown(results: BenchResults): string {
  const out: string[] = [];
  const { machine } = results;
  out.push('# Benchmarks (`npm run bench`)');
  out.push('');
  out.push(
    `${results.date}, commit ${results.commit}, on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, ${machine.platform}; ` +
      `the whole run took ${results.wallSeconds.toFixed(0)} s.`,
  );
  out.push('');
  out.push(
    'Figures are ratios measured in one run: against `node -e 0` in the same run, against the provisioning time, ' +
      "against the quotas' physical limit, or before/after. Sections 3, 4, 7, 8 and 9 run on virtual time (exact, " +
      'independent of the machine): the real handler code talks real HTTP to the emulator; only waits are virtual.',
  );

  out.push('');
  out.push('## 1. Cold start');
  out.push('');
  if (results.coldStart && results.coldStart.length > 0) {
    out.push(
      markdownTable(
        [
          'type',
          '`node -e 0`',
          'new process → bundle loaded → first READ',
          'ratio',
          'node start',
          'require',
          'first READ',
          'answer',
        ],
        results.coldStart.map((entry) => [
          entry.type,
          formatDuration(entry.bareNodeMedianMs),
          formatDuration(entry.handlerMedianMs),
          formatRatio(entry.ratio),
          formatDuration(entry.bootMedianMs),
          formatDuration(entry.requireMedianMs),
          formatDuration(entry.firstReadMedianMs),
          entry.status,
        ]),
      ),
    );
    out.push('');
    out.push(
      `Medians of ${results.coldStart[0].runs} runs of each, alternating, after one warm-up of each; the handler ` +
        'process is plain `node` requiring the bundled handler file of the package (dev/package measureColdStart).',
    );
  } else {
    out.push('n/a (package step missing)');
  }

  out.push('');
  out.push('## 2. Package size');
  out.push('');
  if (results.packages && results.packages.length > 0) {
    out.push(
      markdownTable(
        ['type', 'ResourceProvider.zip', 'handler bundle (uncompressed)', 'package zip'],
        results.packages.map((entry) => [
          entry.type,
          formatBytes(entry.resourceProviderBytes),
          formatBytes(entry.bundleBytes),
          formatBytes(entry.packageBytes),
        ]),
      ),
    );
  } else {
    out.push('n/a (package step missing)');
  }

  out.push('');
  out.push('## 3. Convergence of one CREATE and one DELETE');
  out.push('');
  if (results.convergence) {
    out.push(convergenceTable(results.convergence));
    out.push('');
    out.push(
      `Model: CloudFormation re-invokes ${formatDuration(MODEL.reinvocationOverheadMs)} after callbackDelaySeconds ` +
        `(a stated constant, not a measurement); handler execution takes no virtual time; Lambda timeout ` +
        `${formatDuration(MODEL.lambdaTimeoutMs)}. Medians of ${results.convergence[0]?.repetitions ?? 0} repetitions ` +
        `(seeded jitter; range = fastest-slowest). native-like = the native handler's strategy (constant 5 s stabilization poll waited ` +
        'in-process, random 60-299 s callback on throttling or conflict; bench/native/native-like.ts).',
    );
  } else {
    out.push('n/a (section failed)');
  }

  out.push('');
  out.push(`## 4. Scale: ${SCALE.assignments} assignments created at once`);
  out.push('');
  if (results.scale) {
    out.push(...scaleSection(results.scale));
  } else {
    out.push('n/a (section failed)');
  }

  out.push('');
  out.push('## 5. Peak memory of a handler process');
  out.push('');
  const memory = results.memory === undefined ? [] : [results.memory].flat();
  if (memory.length > 0) {
    const [{ lambdaMemoryMb, bareNodeRssMb }] = memory;
    out.push(
      markdownTable(
        ['process', 'peak RSS', `÷ Lambda ${lambdaMemoryMb} MB`],
        [
          ['`node -e 0`', `${bareNodeRssMb.toFixed(1)} MB`, formatRatio(bareNodeRssMb / lambdaMemoryMb)],
          ...memory.map((measured) => [
            `${measured.bundle}, ${measured.invocations} invocations`,
            `${measured.peakRssMb.toFixed(1)} MB`,
            formatRatio(measured.ratio),
          ]),
        ],
      ),
    );
    out.push('');
    out.push('Each bundle serving CREATE / READ / LIST / DELETE cycles from the driver over IPC; maxRSS.');
  } else {
    out.push('n/a (section failed)');
  }

  out.push('');
  out.push("## 6. Per-invocation overhead (entrypoint time minus the handler's own work)");
  out.push('');
  if (results.overhead) {
    const overhead = results.overhead;
    out.push(
      markdownTable(
        ['runtime lib', 'invocations', 'entrypoint', "handler's own work", 'overhead'],
        overhead.variants.map((variant) => [
          variant.variant,
          String(variant.invocations),
          formatDuration(variant.totalMedianMs),
          formatDuration(variant.handlerMedianMs),
          formatDuration(variant.overheadMedianMs),
        ]),
      ),
    );
    out.push('');
    out.push(
      `Log delivery without the fixed wait, with an asynchronous log sink that takes ${overhead.logDelivery[0]?.sinkDelayMs ?? 0} ms per line:`,
    );
    out.push('');
    out.push(
      markdownTable(
        [
          'runtime lib',
          'lines logged before the lib waits',
          'delivered before the invocation returned',
          'overhead',
        ],
        overhead.logDelivery.map((check) => [
          check.variant,
          String(check.linesBeforeWait),
          `${check.deliveredBeforeReturn} (${((check.deliveredBeforeReturn / check.linesBeforeWait) * 100).toFixed(0)}%)`,
          formatDuration(check.overheadMedianMs),
        ]),
      ),
    );
    if (results.convergence) {
      out.push('');
      out.push('What the fixed wait costs a stack (our strategy, section 3 model; +1 s per invocation):');
      out.push('');
      out.push(fixedWaitEffect(results.convergence));
    }
    out.push('');
    out.push(overhead.method);
  } else {
    out.push('n/a (section failed)');
  }

  out.push('');
  out.push('## 7. LIST at scale');
  out.push('');
  if (results.listScale) {
    out.push(...listScaleSection(results.listScale));
  } else {
    out.push('n/a (section failed)');
  }

  out.push('');
  out.push(
    `## 8. One group of ${results.groupScale?.assignments ?? GROUP_SCALE.large.principals * GROUP_SCALE.large.permissionSets * GROUP_SCALE.large.accounts} assignments`,
  );
  out.push('');
  if (results.groupScale) {
    out.push(...groupScaleSection(results.groupScale));
  } else {
    out.push('n/a (section failed)');
  }

  out.push('');
  out.push(
    `## 9. Resolution in an organisation of ${results.resolution?.organization.activeAccounts ?? RESOLUTION.activeAccounts} accounts`,
  );
  out.push('');
  if (results.resolution) {
    out.push(...resolutionSection(results.resolution, results));
  } else {
    out.push('n/a (section failed)');
  }

  const gaps = gapsTable(results);
  if (gaps) {
    out.push('');
    out.push('## Distance to the limits (ours, largest ratio first)');
    out.push('');
    out.push(gaps);
  }

  if (results.notes.length > 0) {
    out.push('');
    out.push('## Notes');
    out.push('');
    for (const note of results.notes) out.push(`- ${note}`);
  }
  out.push('');
  return out.join('\n');
}

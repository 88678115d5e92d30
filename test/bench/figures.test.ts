import { physicalLimit } from '../../bench/lib/limits';
import { summarizeScale } from '../../bench/lib/report';
import type { ScaleRun, ScaleStrategy } from '../../bench/lib/results';
import { median, percentile, ratio } from '../../bench/lib/stats';
import { formatDuration, formatRatio, markdownTable } from '../../bench/lib/table';
import { fewestListCalls } from '../../bench/virtual/list-scale';

describe('physicalLimit', () => {
  test('500 creates at 20 requests/s, 15 outstanding writes, 1 s provisioning: the call rate binds', () => {
    const limit = physicalLimit({
      assignments: 500,
      maxOutstandingWrites: 15,
      provisioningMs: 1_000,
      requestsPerSecond: 20,
      minCallsPerAssignment: 3,
    });
    // ceil(500 / 15) = 34 rounds of 1 s; (1500 - 20) / 20 = 74 s.
    expect(limit).toEqual({ writesBoundMs: 34_000, callsBoundMs: 74_000, limitMs: 74_000, binding: 'calls' });
  });

  test('long provisioning makes the outstanding-writes quota bind', () => {
    const limit = physicalLimit({
      assignments: 30,
      maxOutstandingWrites: 15,
      provisioningMs: 60_000,
      requestsPerSecond: 20,
      minCallsPerAssignment: 3,
    });
    expect(limit.binding).toBe('writes');
    expect(limit.limitMs).toBe(120_000);
  });

  test("a group's listing pages count once per operation, not per assignment", () => {
    const inputs = {
      assignments: 500,
      maxOutstandingWrites: 15,
      provisioningMs: 1_000,
      requestsPerSecond: 20,
      minCallsPerAssignment: 2,
    };
    // (500 x 2 + 5 - 20) / 20 = 49.25 s; without the listing, (1000 - 20) / 20 = 49 s.
    expect(physicalLimit({ ...inputs, fixedCalls: 5 }).callsBoundMs).toBe(49_250);
    expect(physicalLimit(inputs).callsBoundMs).toBe(49_000);
    // A READ writes nothing: the listing alone.
    expect(physicalLimit({ ...inputs, assignments: 0, fixedCalls: 100 })).toEqual({
      writesBoundMs: 0,
      callsBoundMs: 4_000,
      limitMs: 4_000,
      binding: 'calls',
    });
  });

  test('calls within the first second of burst cost nothing', () => {
    const limit = physicalLimit({
      assignments: 5,
      maxOutstandingWrites: 15,
      provisioningMs: 1_000,
      requestsPerSecond: 20,
      minCallsPerAssignment: 3,
    });
    expect(limit.callsBoundMs).toBe(0);
    expect(limit.limitMs).toBe(1_000);
  });
});

describe('stats', () => {
  test('median of odd and even counts, unsorted input untouched', () => {
    const values = [5, 1, 3];
    expect(median(values)).toBe(3);
    expect(values).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  test('nearest-rank percentiles', () => {
    const values = Array.from({ length: 20 }, (_, index) => index + 1);
    expect(percentile(values, 50)).toBe(10);
    expect(percentile(values, 95)).toBe(19);
    expect(percentile(values, 100)).toBe(20);
  });

  test('empty input is an error, a zero denominator an infinite ratio', () => {
    expect(() => median([])).toThrow(RangeError);
    expect(ratio(1, 0)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('table', () => {
  test('columns are padded to the widest cell; numbers align right', () => {
    const table = markdownTable(
      ['case', 'time'],
      [
        ['a', '1.0 s'],
        ['longer case', '12 ms'],
      ],
    );
    expect(table.split('\n')).toEqual([
      '| case        |  time |',
      '| ----------- | ----: |',
      '| a           | 1.0 s |',
      '| longer case | 12 ms |',
    ]);
  });

  test('durations and ratios', () => {
    expect(formatDuration(1.234)).toBe('1.23 ms');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(64_000)).toBe('64.0 s');
    expect(formatDuration(308_985)).toBe('309 s');
    expect(formatDuration(Number.NaN)).toBe('n/a');
    expect(formatDuration(0)).toBe('0 s');
    expect(formatRatio(1.5301)).toBe('1.53x');
    expect(formatRatio(12)).toBe('12.0x');
  });
});

describe('summarizeScale', () => {
  const run = (strategy: ScaleStrategy, seed: number, totalMs: number, failures = 0): ScaleRun => ({
    strategy,
    seed,
    assignments: 500,
    resources: strategy === 'group' ? 1 : 500,
    succeeded: (strategy === 'group' ? 1 : 500) - failures,
    failures,
    failureCodes: failures > 0 ? { Throttling: failures } : {},
    totalMs,
    ratioToLimit: totalMs / 74_000,
    p50Ms: totalMs / 2,
    p95Ms: totalMs,
    apiCalls: 6_000,
    throttles: 4_000,
    invocations: 4_000,
    assignmentsInEmulator: 500 - failures,
    wallMs: 9_000,
  });

  test('per strategy: the median run by total time, the range, failures over all runs', () => {
    const summaries = summarizeScale([
      run('ours', 1, 119_000),
      run('ours', 2, 113_000, 2),
      run('ours', 3, 125_000),
      run('native', 1, 309_000),
    ]);
    expect(summaries.map((summary) => summary.strategy)).toEqual(['ours', 'native']);
    const [ours, native] = summaries;
    expect(ours.median.seed).toBe(1);
    expect([ours.minTotalMs, ours.maxTotalMs]).toEqual([113_000, 125_000]);
    expect([ours.failures, ours.operations, ours.runs]).toEqual([2, 1_500, 3]);
    expect(native.median.totalMs).toBe(309_000);
  });

  test('a group run counts as one CREATE, whatever the assignments it stands for', () => {
    const [group] = summarizeScale([
      run('group', 1, 90_000),
      run('group', 2, 80_000, 1),
      run('group', 3, 85_000),
    ]);
    expect(group.strategy).toBe('group');
    expect([group.failures, group.operations, group.runs]).toEqual([1, 3, 3]);
    expect(group.median.seed).toBe(3);
  });
});

describe('fewestListCalls', () => {
  test("500 accounts x 50 permission sets: the issue's 25,251 calls (1 + 50 x 5 account pages + 25,000 pairs)", () => {
    expect(fewestListCalls(500, 50)).toBe(1 + 50 * 5 + 500 * 50);
  });

  test('101 accounts need a second page of accounts per permission set', () => {
    expect(fewestListCalls(101, 1) - fewestListCalls(100, 1)).toBe(2);
  });
});

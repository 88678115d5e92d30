// A group's resolution read from the emulator's call log, and its limit at the quotas, on made-up figures.
import type { ApiCallRecord, EmulatedService } from '../../dev/emulator';
import { resolutionLimit, resolutionWindow } from '../../bench/lib/resolution';

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

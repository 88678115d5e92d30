/**
 * What a group's resolution cost, read from the emulator's call log, and the least it could cost at the quotas.
 * Resolution (src/assignment-group/resolve.ts) runs first in a CREATE's or UPDATE's first invocation, before the
 * group reads what exists: so its calls are those from the operation's start up to the first call that resolution
 * never makes, and its time is that call's arrival.
 */
import type { ApiCallRecord, EmulatedService } from '../../dev/emulator';

/** A figure per service resolution calls. */
export interface ServiceCounts {
  organizations: number;
  identityStore: number;
  ssoAdmin: number;
}

export const SERVICE_KEYS = {
  organizations: 'organizations',
  identitystore: 'identityStore',
  'sso-admin': 'ssoAdmin',
} as const satisfies Record<EmulatedService, keyof ServiceCounts>;

/**
 * The operations resolution calls: every Organizations read, the Identity Store's name lookups, and SSO Admin's
 * instance (its identity store ID) and permission sets (their names).
 */
const RESOLUTION_OPERATIONS: Readonly<Record<EmulatedService, ReadonlySet<string> | 'all'>> = {
  organizations: 'all',
  identitystore: new Set(['GetUserId', 'GetGroupId']),
  'sso-admin': new Set(['DescribeInstance', 'ListPermissionSets', 'DescribePermissionSet']),
};

/** The throttling errors of the three services (Organizations names its own). */
const THROTTLES: ReadonlySet<string> = new Set(['ThrottlingException', 'TooManyRequestsException']);

export function isThrottle(call: Pick<ApiCallRecord, 'outcome'>): boolean {
  return THROTTLES.has(call.outcome);
}

export function isResolutionCall(call: Pick<ApiCallRecord, 'service' | 'operation'>): boolean {
  const operations = RESOLUTION_OPERATIONS[call.service];
  return operations === 'all' || operations.has(call.operation);
}

/** The services, in the order tables show them. */
export const SERVICES = [
  'organizations',
  'identityStore',
  'ssoAdmin',
] as const satisfies readonly (keyof ServiceCounts)[];

export function noCalls(): ServiceCounts {
  return { organizations: 0, identityStore: 0, ssoAdmin: 0 };
}

export function totalOf(counts: ServiceCounts): number {
  return counts.organizations + counts.identityStore + counts.ssoAdmin;
}

export interface ResolutionFigures {
  /** Every request resolution made (throttled attempts included), per service. */
  calls: ServiceCounts;
  /** Of them, answered with a throttling error. */
  throttled: number;
  /** Virtual ms from the operation's start to the first call after resolution. */
  ms: number;
  /** False when no call followed resolution (the operation stopped in it): `ms` is then its last call's arrival. */
  complete: boolean;
}

/** Resolution's share of `calls` (one operation's log, in arrival order) for an operation that started at `startedAt`. */
export function resolutionWindow(calls: readonly ApiCallRecord[], startedAt: number): ResolutionFigures {
  const counted = noCalls();
  let throttled = 0;
  for (const call of calls) {
    if (call.at < startedAt) continue;
    if (!isResolutionCall(call)) {
      return { calls: counted, throttled, ms: call.at - startedAt, complete: true };
    }
    counted[SERVICE_KEYS[call.service]] += 1;
    if (isThrottle(call)) throttled += 1;
  }
  const last = calls.at(-1);
  return {
    calls: counted,
    throttled,
    ms: last === undefined ? 0 : Math.max(0, last.at - startedAt),
    complete: false,
  };
}

/** Requests per second per service; a service absent is not limited (its calls cost no time in the limit). */
export type ServiceRates = Partial<ServiceCounts>;

export interface ResolutionLimit {
  /** Per service: (fewest calls - R) / R, R its rate (a token bucket starts with one second of burst). */
  boundsMs: ServiceCounts;
  /** The largest bound: the services could be asked at once, so no resolution is faster than its slowest. */
  limitMs: number;
  binding: keyof ServiceCounts;
}

export function resolutionLimit(fewest: ServiceCounts, rates: ServiceRates): ResolutionLimit {
  const bound = (service: keyof ServiceCounts): number => {
    const rate = rates[service];
    if (rate === undefined || !Number.isFinite(rate) || rate <= 0) return 0;
    return (Math.max(0, fewest[service] - rate) / rate) * 1000;
  };
  const boundsMs: ServiceCounts = {
    organizations: bound('organizations'),
    identityStore: bound('identityStore'),
    ssoAdmin: bound('ssoAdmin'),
  };
  const binding = SERVICES.reduce<keyof ServiceCounts>(
    (worst, service) => (boundsMs[service] > boundsMs[worst] ? service : worst),
    'organizations',
  );
  return { boundsMs, limitMs: boundsMs[binding], binding };
}

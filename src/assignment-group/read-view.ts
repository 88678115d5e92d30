import { expand, GroupProperties, Resolution, tupleOfKey } from './declaration';

/** What READ found resolving the declaration again: the elements whose answer changed since it was pinned. */
export interface ResolutionDrift {
  /** Indexes of declared principals whose name now resolves to another ID, or to none. */
  readonly principals?: ReadonlySet<number>;
  /** Indexes of declared permission sets whose name now resolves to another ARN, or to none. */
  readonly permissionSets?: ReadonlySet<number>;
  /** Organizational unit and root targets whose active accounts changed (joined, left, or the unit is gone). */
  readonly units?: ReadonlySet<string>;
}

/** The read-only properties of a group's model: what it resolved to and how many assignments it stands for. */
export function resolvedProperties(resolution: Resolution, missing: number): Record<string, unknown> {
  const principals = resolution.principals
    .filter((principal) => principal.principalName !== undefined)
    .map((principal) => ({
      PrincipalType: principal.principalType,
      PrincipalName: principal.principalName,
      PrincipalId: principal.principalId,
    }));
  const permissionSets = resolution.permissionSets
    .filter((permissionSet) => permissionSet.name !== undefined)
    .map((permissionSet) => ({ Name: permissionSet.name, Arn: permissionSet.arn }));
  return {
    // Only when something was given by name: a group of IDs and ARNs has nothing to pin.
    ...(principals.length > 0 ? { ResolvedPrincipals: principals } : {}),
    ...(permissionSets.length > 0 ? { ResolvedPermissionSets: permissionSets } : {}),
    AccountCount: resolution.accounts.length,
    AssignmentCount: expand(resolution).length,
    MissingAssignmentCount: missing,
  };
}

const principalKey = (tuple: { principalType: string; principalId: string }) =>
  `${tuple.principalType}:${tuple.principalId}`;

/**
 * What READ answers for a group: its declaration with what is not true any more taken out of the lists, and the
 * counts, so drift shows on the elements concerned and applying the stack again mends it.
 * - A principal, permission set or account all of whose assignments are missing is dropped from its list, and only
 *   it (a deprovisioned principal, a deleted account's assignments).
 * - Any other missing assignment drops its principal, its permission set and its account (an organizational unit
 *   target drops when one of its accounts does): no list then claims an element whose access is incomplete.
 * - A name that resolves to another ID now, an organizational unit whose accounts changed, and an account target
 *   that is not active (nothing assigned there) are dropped too.
 * - Nothing there at all: every list is empty.
 * `pinned` is the resolution the group applied: one element per declared principal and permission set, in order.
 */
export function readView(
  declared: GroupProperties,
  pinned: Resolution,
  existing: ReadonlySet<string>,
  changed: ResolutionDrift = {},
): Record<string, unknown> {
  const desired = expand(pinned);
  const missing = desired.filter((key) => !existing.has(key)).map(tupleOfKey);
  const counts = resolvedProperties(pinned, missing.length);
  if (missing.length > 0 && missing.length === desired.length) {
    return { ...declared, Principals: [], PermissionSets: [], Targets: [], ...counts };
  }
  const missingBy = (of: (tuple: (typeof missing)[number]) => string) => {
    const tally = new Map<string, number>();
    for (const tuple of missing) tally.set(of(tuple), (tally.get(of(tuple)) ?? 0) + 1);
    return tally;
  };
  const whole = (tally: Map<string, number>, each: number) =>
    new Set([...tally].filter(([, count]) => count === each).map(([element]) => element));
  const { principals: resolvedPrincipals, permissionSets: resolvedSets, accounts } = pinned;
  const principals = whole(missingBy(principalKey), resolvedSets.length * accounts.length);
  const permissionSets = whole(
    missingBy((tuple) => tuple.permissionSetArn),
    resolvedPrincipals.length * accounts.length,
  );
  const accountIds = whole(
    missingBy((tuple) => tuple.accountId),
    resolvedPrincipals.length * resolvedSets.length,
  );
  const scattered = missing.filter(
    (tuple) =>
      !principals.has(principalKey(tuple)) &&
      !permissionSets.has(tuple.permissionSetArn) &&
      !accountIds.has(tuple.accountId),
  );
  for (const tuple of scattered) {
    principals.add(principalKey(tuple));
    permissionSets.add(tuple.permissionSetArn);
    accountIds.add(tuple.accountId);
  }
  const assigned = new Set(accounts);
  const keepTarget = (targetType: string, targetId: string): boolean => {
    if (targetType === 'AWS_ACCOUNT') return assigned.has(targetId) && !accountIds.has(targetId);
    if (changed.units?.has(targetId)) return false;
    return !(pinned.units[targetId] ?? []).some((accountId) => accountIds.has(accountId));
  };
  return {
    ...declared,
    Principals: declared.Principals.filter((_, index) => {
      const resolved = resolvedPrincipals[index];
      return (
        resolved !== undefined && !changed.principals?.has(index) && !principals.has(principalKey(resolved))
      );
    }),
    PermissionSets: declared.PermissionSets.filter((_, index) => {
      const resolved = resolvedSets[index];
      return (
        resolved !== undefined && !changed.permissionSets?.has(index) && !permissionSets.has(resolved.arn)
      );
    }),
    Targets: declared.Targets.map((target) => ({
      ...target,
      TargetIds: target.TargetIds.filter((targetId) => keepTarget(target.TargetType, targetId)),
    })).filter((target) => target.TargetIds.length > 0),
    ...counts,
  };
}

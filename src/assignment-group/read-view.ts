import { expand, GroupProperties, tupleOfKey } from './declaration';

/**
 * What READ answers for a group: its declaration with what is missing taken out of the lists, and the counts, so a
 * missing assignment shows as drift a user can act on (applying the stack again creates it).
 * - A principal, permission set or account all of whose assignments are missing is dropped from its list, and
 *   only it (a deprovisioned principal, a deleted account's assignments).
 * - Any other missing assignment drops its principal, its permission set and its account: no list then claims an
 *   element whose access is incomplete.
 * - Nothing there at all: every list is empty.
 * With nothing missing, the answer is the declaration itself (plus the counts).
 */
export function readView(declared: GroupProperties, existing: ReadonlySet<string>): Record<string, unknown> {
  const desired = expand(declared);
  const missing = desired.filter((key) => !existing.has(key)).map(tupleOfKey);
  const counts = { AssignmentCount: desired.length, MissingAssignmentCount: missing.length };
  if (missing.length > 0 && missing.length === desired.length) {
    return { ...declared, Principals: [], PermissionSets: [], Targets: [], ...counts };
  }
  const principalOf = (tuple: { principalType: string; principalId: string }) =>
    `${tuple.principalType}:${tuple.principalId}`;
  const accounts = declared.Targets.flatMap((target) => target.TargetIds);
  const missingBy = (of: (tuple: (typeof missing)[number]) => string) => {
    const tally = new Map<string, number>();
    for (const tuple of missing) tally.set(of(tuple), (tally.get(of(tuple)) ?? 0) + 1);
    return tally;
  };
  const whole = (tally: Map<string, number>, each: number) =>
    new Set([...tally].filter(([, count]) => count === each).map(([element]) => element));
  const principals = whole(missingBy(principalOf), declared.PermissionSets.length * accounts.length);
  const permissionSets = whole(
    missingBy((tuple) => tuple.permissionSetArn),
    declared.Principals.length * accounts.length,
  );
  const accountIds = whole(
    missingBy((tuple) => tuple.accountId),
    declared.Principals.length * declared.PermissionSets.length,
  );
  const scattered = missing.filter(
    (tuple) =>
      !principals.has(principalOf(tuple)) &&
      !permissionSets.has(tuple.permissionSetArn) &&
      !accountIds.has(tuple.accountId),
  );
  for (const tuple of scattered) {
    principals.add(principalOf(tuple));
    permissionSets.add(tuple.permissionSetArn);
    accountIds.add(tuple.accountId);
  }
  return {
    ...declared,
    Principals: declared.Principals.filter(
      (principal) => !principals.has(`${principal.PrincipalType}:${principal.PrincipalId}`),
    ),
    PermissionSets: declared.PermissionSets.filter((arn) => !permissionSets.has(arn)),
    Targets: declared.Targets.map((target) => ({
      ...target,
      TargetIds: target.TargetIds.filter((accountId) => !accountIds.has(accountId)),
    })).filter((target) => target.TargetIds.length > 0),
    ...counts,
  };
}

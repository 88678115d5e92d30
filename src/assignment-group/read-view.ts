import { expand, GroupProperties, tupleOfKey } from './declaration';

/**
 * What READ answers for a group: its declaration, where each list keeps only the elements all of whose
 * assignments exist, and the counts. A missing assignment thus shows as drift on its principal, its permission set
 * and its account (the lists differ from the template), and MissingAssignmentCount says how many are missing.
 * With nothing missing, the answer is the declaration itself (plus the counts).
 */
export function readView(declared: GroupProperties, existing: ReadonlySet<string>): Record<string, unknown> {
  const desired = expand(declared);
  const missing = desired.filter((key) => !existing.has(key));
  const incompletePrincipals = new Set<string>();
  const incompletePermissionSets = new Set<string>();
  const incompleteAccounts = new Set<string>();
  for (const key of missing) {
    const tuple = tupleOfKey(key);
    incompletePrincipals.add(`${tuple.principalType}:${tuple.principalId}`);
    incompletePermissionSets.add(tuple.permissionSetArn);
    incompleteAccounts.add(tuple.accountId);
  }
  const targets = declared.Targets.map((target) => ({
    ...target,
    TargetIds: target.TargetIds.filter((accountId) => !incompleteAccounts.has(accountId)),
  })).filter((target) => target.TargetIds.length > 0);
  return {
    ...declared,
    Principals: declared.Principals.filter(
      (principal) => !incompletePrincipals.has(`${principal.PrincipalType}:${principal.PrincipalId}`),
    ),
    PermissionSets: declared.PermissionSets.filter((arn) => !incompletePermissionSets.has(arn)),
    Targets: targets,
    AssignmentCount: desired.length,
    MissingAssignmentCount: missing.length,
  };
}

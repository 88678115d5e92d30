// What the group's tests compare: account assignments as `principal|permission set|account` strings.
import type { ResourceProperties } from '../../dev/driver';
import type { RunningEmulator } from '../../dev/emulator';

/** The emulator's account assignments, sorted. */
export function assignmentsIn(emulator: RunningEmulator): string[] {
  return emulator.state
    .accountAssignments()
    .map((a) => `${a.principalId}|${a.permissionSetArn}|${a.targetId}`)
    .sort();
}

/** The assignments a group's properties stand for, sorted (Principals x PermissionSets x accounts). */
export function expectedAssignments(properties: ResourceProperties): string[] {
  const principals = properties.Principals as { PrincipalId: string }[];
  const sets = properties.PermissionSets as string[];
  const targets = properties.Targets as { TargetIds: string[] }[];
  return principals
    .flatMap((p) =>
      sets.flatMap((s) => targets.flatMap((t) => t.TargetIds.map((a) => `${p.PrincipalId}|${s}|${a}`))),
    )
    .sort();
}

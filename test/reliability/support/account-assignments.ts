// What the reliability profiles of the types built on account assignments share (test/assignment/ and
// test/assignment-group/reliability-profile.ts): how a conflict is injected, and the distinct assignments the
// seeded world allows.
import type { ResourceProperties } from '../../../dev/driver';
import { type AssignmentTuple, DEFAULT_WORLD } from '../../../dev/emulator';
import type { ReliabilityProfile } from './profile';

/**
 * A profile's injectConflict for a type whose model stands for account assignments: ConflictException on the
 * next `count` calls of the write `operation` for the assignment `assignmentOf(model)`.
 */
export function conflictOnWrite(
  assignmentOf: (model: ResourceProperties) => AssignmentTuple,
): ReliabilityProfile['injectConflict'] {
  return (emulator, model, operation, count) => {
    if (operation !== 'CreateAccountAssignment' && operation !== 'DeleteAccountAssignment') {
      throw new Error(`not a write: ${operation}`);
    }
    emulator.faults.conflict({ assignment: assignmentOf(model), count, operation });
  };
}

/** One account assignment of the seeded world: a principal, a permission set and an account. */
export interface SeededAssignment {
  readonly principal: { PrincipalId: string; PrincipalType: string };
  readonly permissionSetArn: string;
  readonly accountId: string;
}

/**
 * `count` distinct account assignments in the seeded world: active accounts x permission sets x principals
 * (users, then groups).
 */
export function seededAssignments(count: number): SeededAssignment[] {
  const principals = [
    ...DEFAULT_WORLD.users.map((user) => ({ PrincipalId: user.id, PrincipalType: 'USER' })),
    ...DEFAULT_WORLD.groups.map((group) => ({ PrincipalId: group.id, PrincipalType: 'GROUP' })),
  ];
  const accounts = DEFAULT_WORLD.accounts.filter((account) => account.state === 'ACTIVE');
  const assignments = accounts.flatMap((account) =>
    DEFAULT_WORLD.permissionSets.flatMap((permissionSet) =>
      principals.map((principal) => ({
        principal,
        permissionSetArn: permissionSet.arn,
        accountId: account.id,
      })),
    ),
  );
  if (assignments.length < count)
    throw new Error(`The seeded world holds only ${assignments.length} account assignments`);
  return assignments.slice(0, count);
}

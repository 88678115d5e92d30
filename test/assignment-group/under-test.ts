// The assignment group as the reliability harness drives it, and the emulator tuples of its assignments (its
// own cells and its profile inject faults by them).
import type { ResourceProperties } from '../../dev/driver';
import type { AssignmentTuple } from '../../dev/emulator';
import { groupAssignmentsOf } from '../../dev/types';
import { underTest } from '../reliability/support/harness';

export const ASSIGNMENT_GROUP = underTest('assignment-group');
export const GROUP_MODEL = ASSIGNMENT_GROUP.model;

/** Every account assignment the group model stands for (Principals x PermissionSets x accounts), in order. */
export function tuplesOf(model: ResourceProperties): AssignmentTuple[] {
  return groupAssignmentsOf(model);
}

/** The group's first assignment: the one a single-assignment fault is injected into. */
export function firstTupleOf(model: ResourceProperties): AssignmentTuple {
  const [first] = tuplesOf(model);
  if (!first) throw new Error('a group model stands for at least one assignment');
  return first;
}

// How the every-type reliability suites inject faults into account assignments (asynchronous writes, whose
// conflicts and failures the emulator keys by the assignment tuple) and read their state back
// (test/reliability/support/profile.ts).
import type { ResourceProperties } from '../../dev/driver';
import { DEFAULT_WORLD, FAILURE_REASONS } from '../../dev/emulator';
import { conflictOnWrite, seededAssignments } from '../reliability/support/account-assignments';
import { SERVICE_RESOURCE_ANSWERS, type ReliabilityProfile } from '../reliability/support/profile';
import { ACCOUNT_ASSIGNMENT, tupleOf } from './under-test';

/** Distinct account assignments in the seeded world. */
function accountModels(count: number): ResourceProperties[] {
  return seededAssignments(count).map(({ principal, permissionSetArn, accountId }) => ({
    InstanceArn: DEFAULT_WORLD.instanceArn,
    PermissionSetArn: permissionSetArn,
    TargetId: accountId,
    TargetType: 'AWS_ACCOUNT',
    ...principal,
  }));
}

export const profile: ReliabilityProfile = {
  createLogLine: 'CreateAccountAssignment accepted, RequestId',
  injectConflict: conflictOnWrite(tupleOf),
  failNextCreate: (emulator, model) => {
    emulator.faults.failNextWrite({
      assignment: tupleOf(model),
      reason: FAILURE_REASONS.internal(),
      operation: 'CreateAccountAssignment',
    });
    return 'ServiceInternalError';
  },
  expectExactlyOne: (emulator, model) => {
    expect(ACCOUNT_ASSIGNMENT.copies(emulator, model)).toBe(1);
    expect(emulator.state.outstandingAsyncWrites()).toBe(0);
  },
  expectNone: (emulator, model) => {
    expect(ACCOUNT_ASSIGNMENT.copies(emulator, model)).toBe(0);
    expect(emulator.state.outstandingAsyncWrites()).toBe(0);
  },
  // The deletion request FAILS with the service's "assignee … not found in directory" reason.
  expectDeleteRefusedForMissingPrincipal: (emulator, principal) => {
    expect(emulator.state.deletionStatuses()).toMatchObject([
      {
        status: 'FAILED',
        failureReason: FAILURE_REASONS.assigneeNotInDirectory(
          principal,
          emulator.state.world().identityStoreId,
        ),
      },
    ]);
  },
  parallelModels: (_emulator, count) => accountModels(count),
  principalOf: (model) => tupleOf(model),
  ...SERVICE_RESOURCE_ANSWERS,
  knownHandlerBugs: {},
};

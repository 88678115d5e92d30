// How the every-type reliability suites inject faults into account assignments (asynchronous writes, whose
// conflicts and failures the emulator keys by the assignment tuple) and read their state back
// (test/reliability/support/profile.ts).
import type { ResourceProperties } from '../../dev/driver';
import { DEFAULT_WORLD, FAILURE_REASONS, type AccountAssignmentWriteOperation } from '../../dev/emulator';
import { SERVICE_RESOURCE_ANSWERS, type ReliabilityProfile } from '../reliability/support/profile';
import { ACCOUNT_ASSIGNMENT, tupleOf } from './under-test';

function writeOperation(operation: string): AccountAssignmentWriteOperation {
  if (operation !== 'CreateAccountAssignment' && operation !== 'DeleteAccountAssignment') {
    throw new Error(`not a write: ${operation}`);
  }
  return operation;
}

/** Distinct account assignments in the seeded world: active accounts x permission sets x principals. */
function accountModels(count: number): ResourceProperties[] {
  const principals = [
    ...DEFAULT_WORLD.users.map((user) => ({ PrincipalId: user.id, PrincipalType: 'USER' })),
    ...DEFAULT_WORLD.groups.map((group) => ({ PrincipalId: group.id, PrincipalType: 'GROUP' })),
  ];
  const accounts = DEFAULT_WORLD.accounts.filter((account) => account.status === 'ACTIVE');
  const models = accounts.flatMap((account) =>
    DEFAULT_WORLD.permissionSets.flatMap((permissionSet) =>
      principals.map((principal) => ({
        InstanceArn: DEFAULT_WORLD.instanceArn,
        PermissionSetArn: permissionSet.arn,
        TargetId: account.id,
        TargetType: 'AWS_ACCOUNT',
        ...principal,
      })),
    ),
  );
  if (models.length < count)
    throw new Error(`The seeded world holds only ${models.length} account assignments`);
  return models.slice(0, count);
}

export const profile: ReliabilityProfile = {
  createLogLine: 'CreateAccountAssignment accepted, RequestId',
  injectConflict: (emulator, model, operation, count) =>
    emulator.faults.conflict({ assignment: tupleOf(model), count, operation: writeOperation(operation) }),
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

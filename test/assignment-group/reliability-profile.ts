// How the every-type reliability suites inject faults into an assignment group and read its state back
// (test/reliability/support/profile.ts). A group's service resources are the account assignments it stands
// for (Principals x PermissionSets x accounts); what each hook means for it:
// - createLogLine: the line the group should log once its creates are sent, in the words the single-assignment
//   type uses for the same write. The group's handlers log no line of their own yet (handler gap, see issue 12
//   note); in the secrets suite's shared capture the single-assignment type's identical line satisfies it, so
//   that check proves nothing for the group until it logs its own.
// - injectConflict: ConflictException on the next `count` calls of the write for the group's first assignment
//   (one assignment of the batch; the others go through).
// - failNextCreate: the creation of the group's first assignment turns FAILED with a lasting reason (the
//   account unreachable; an internal one the group retries); the
//   group answers GeneralServiceException with how many failed and the reason (its other creations succeed
//   and stay owned, so the rollback's DELETE removes them).
// - expectExactlyOne: every assignment of the group exists exactly once, and no write is left in flight.
// - expectNone: no assignment of the group exists (not one of them), and no write is left in flight.
// - expectDeleteRefusedForMissingPrincipal: after a DELETE of a group one of whose principals was deleted
//   from the identity store: the deletions of that principal's assignments were sent and FAILED with the
//   service's "assignee … not found in directory" reason; the others SUCCEEDED.
// - parallelModels: `count` distinct groups of one assignment each (one principal, one permission set, one
//   ACTIVE account), so 30 groups make 30 assignments, as 30 single-assignment resources would.
// - principalOf: the group's first principal.
// - expectReadAfterOutOfBandDelete: the group keeps its own record, so it is not gone: READ answers SUCCESS
//   with drift (every list emptied of what is missing, MissingAssignmentCount = every assignment).
// - expectDeleteAfterOutOfBandDelete: DELETE of the group succeeds (its record goes; nothing left to delete).
// - knownHandlerBugs: the cells the group fails by a handler bug (issue 12 note).
import type { ResourceProperties } from '../../dev/driver';
import { cloneJson } from '../../dev/driver';
import {
  DEFAULT_WORLD,
  FAILURE_REASONS,
  type AccountAssignmentWriteOperation,
  type RunningEmulator,
} from '../../dev/emulator';
import type { ReliabilityProfile } from '../reliability/support/profile';
import { firstTupleOf, tuplesOf } from './under-test';

function writeOperation(operation: string): AccountAssignmentWriteOperation {
  if (operation !== 'CreateAccountAssignment' && operation !== 'DeleteAccountAssignment') {
    throw new Error(`not a write: ${operation}`);
  }
  return operation;
}

function copiesOfEach(emulator: RunningEmulator, model: ResourceProperties): number[] {
  const existing = emulator.state.accountAssignments();
  return tuplesOf(model).map(
    (wanted) =>
      existing.filter(
        (candidate) =>
          candidate.principalType === wanted.principalType &&
          candidate.principalId === wanted.principalId &&
          candidate.permissionSetArn === wanted.permissionSetArn &&
          candidate.targetId === wanted.targetId,
      ).length,
  );
}

/** Distinct one-assignment groups in the seeded world: active accounts x permission sets x principals. */
function groupModels(count: number): ResourceProperties[] {
  const principals = [
    ...DEFAULT_WORLD.users.map((user) => ({ PrincipalId: user.id, PrincipalType: 'USER' })),
    ...DEFAULT_WORLD.groups.map((group) => ({ PrincipalId: group.id, PrincipalType: 'GROUP' })),
  ];
  const accounts = DEFAULT_WORLD.accounts.filter((account) => account.status === 'ACTIVE');
  const models = accounts.flatMap((account) =>
    DEFAULT_WORLD.permissionSets.flatMap((permissionSet) =>
      principals.map((principal) => ({
        InstanceArn: DEFAULT_WORLD.instanceArn,
        Principals: [principal],
        PermissionSets: [permissionSet.arn],
        Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: [account.id] }],
      })),
    ),
  );
  if (models.length < count) throw new Error(`The seeded world holds only ${models.length} assignments`);
  return models.slice(0, count).map((model, index) => ({ Name: `parallel-group-${index}`, ...model }));
}

export const profile: ReliabilityProfile = {
  createLogLine: 'CreateAccountAssignment accepted, RequestId',
  injectConflict: (emulator, model, operation, count) =>
    emulator.faults.conflict({
      assignment: firstTupleOf(model),
      count,
      operation: writeOperation(operation),
    }),
  failNextCreate: (emulator, model) => {
    // An assignment the group will create: one that does not exist yet (an existing one is not the group's).
    const existing = emulator.state.accountAssignments();
    const tuple = tuplesOf(model).find(
      (wanted) =>
        !existing.some(
          (candidate) =>
            candidate.principalId === wanted.principalId &&
            candidate.permissionSetArn === wanted.permissionSetArn &&
            candidate.targetId === wanted.targetId,
        ),
    );
    if (!tuple) throw new Error('every assignment of the group exists already: nothing to fail');
    emulator.faults.failNextWrite({
      assignment: tuple,
      // A lasting reason: the group writes an assignment whose creation FAILED for an internal reason again.
      reason: FAILURE_REASONS.accountUnreachable(tuple.targetId),
      operation: 'CreateAccountAssignment',
    });
    return 'GeneralServiceException';
  },
  expectExactlyOne: (emulator, model) => {
    expect(copiesOfEach(emulator, model)).toEqual(tuplesOf(model).map(() => 1));
    expect(emulator.state.outstandingAsyncWrites()).toBe(0);
  },
  expectNone: (emulator, model) => {
    expect(copiesOfEach(emulator, model)).toEqual(tuplesOf(model).map(() => 0));
    expect(emulator.state.outstandingAsyncWrites()).toBe(0);
  },
  expectDeleteRefusedForMissingPrincipal: (emulator, principal) => {
    const reason = FAILURE_REASONS.assigneeNotInDirectory(principal, emulator.state.world().identityStoreId);
    const failed = emulator.state.deletionStatuses().filter((record) => record.status === 'FAILED');
    expect(failed.length).toBeGreaterThan(0);
    for (const record of failed) expect(record.failureReason).toBe(reason);
  },
  parallelModels: (_emulator, count) => groupModels(count),
  principalOf: (model) => {
    const { principalType, principalId } = firstTupleOf(model);
    return { principalType, principalId };
  },
  expectReadAfterOutOfBandDelete: (result, model) => {
    expect(result.final).toMatchObject({
      status: 'SUCCESS',
      resourceModel: {
        ...cloneJson(model),
        Principals: [],
        PermissionSets: [],
        Targets: [],
        AssignmentCount: tuplesOf(model).length,
        MissingAssignmentCount: tuplesOf(model).length,
      },
    });
  },
  expectDeleteAfterOutOfBandDelete: (result) => expect(result.final.status).toBe('SUCCESS'),
  knownHandlerBugs: {
    'faults-out-of-band: while a DELETE waits to retry a throttled delete → as the type answers a resource gone, on the next pre-check':
      'skip: not a bug, a difference: the group resumes the DELETE it recorded and sends its deletes without a ' +
      'new pre-check (harmless: the requests of vanished assignments FAIL and count as deleted), so "no delete ' +
      'accepted" does not hold for it',
    'secrets: the re-send of a CREATE whose write finished answers SUCCESS':
      'handler bug, see issue 12 note: once an invocation has finished the creation, the group drops its ' +
      "operation's token, so CloudFormation's re-send of that invocation's request (its response lost) " +
      'answers FAILED AlreadyExists for the group it created itself',
    'faults-kms-and-principals: READ FAILED NotFound: still listed, but it grants nothing':
      'skip: handler bug, see issue 12 note: the group READ does not ask the identity store, so a deprovisioned ' +
      "principal's assignments (which grant nothing) show no drift; NotFound is not the group's answer either",
    'faults-kms-and-principals: DELETE SUCCESS although the service refuses to delete it: the stack is not wedged':
      "handler bug, see issue 12 note: the deletions of a deprovisioned principal's assignments FAIL " +
      '("assignee … not found in directory") and the group DELETE answers FAILED GeneralServiceException: wedged',
  },
};

import { FAILURE_REASONS } from '../../dev/emulator';
import type { ResourceProperties } from '../../dev/driver';
import { callsOf } from '../../dev/types';
import { describeContract } from '../contract/contract-suite';

function tupleOf(model: ResourceProperties) {
  return {
    targetId: String(model.TargetId),
    permissionSetArn: String(model.PermissionSetArn),
    principalType: model.PrincipalType === 'USER' ? ('USER' as const) : ('GROUP' as const),
    principalId: String(model.PrincipalId),
  };
}

describeContract({
  key: 'assignment',
  // Account-assignment writes are asynchronous: a stuck status keeps them IN_PROGRESS, so the handler polls.
  holdWrite: (emulator, model, action) => {
    const assignment = tupleOf(model);
    const statusOperation =
      action === 'CREATE'
        ? 'DescribeAccountAssignmentCreationStatus'
        : 'DescribeAccountAssignmentDeletionStatus';
    emulator.faults.stuck(assignment);
    return {
      release: () => emulator.faults.release(assignment),
      assertHeld: () => {
        // At least one poll while stuck (IN_PROGRESS) and one after the release.
        expect(callsOf(emulator, statusOperation).length).toBeGreaterThanOrEqual(2);
        const statuses =
          action === 'CREATE' ? emulator.state.creationStatuses() : emulator.state.deletionStatuses();
        expect(statuses.map((record) => record.status)).toEqual(['SUCCEEDED']);
      },
    };
  },
  // Other groups on the same permission set and account: a LIST filtered by the model returns them too.
  seedListNeighbours: (emulator, model, count) => {
    const pair = tupleOf(model);
    for (let index = 0; index < count; index++) {
      emulator.state.addAccountAssignment({
        ...pair,
        principalType: 'GROUP',
        principalId: `d0000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      });
    }
  },
  // The write is accepted, then its status turns FAILED with this reason (no pattern of the reason table
  // matches it, so the handler reports GeneralServiceException with the reason).
  failCreate: (emulator, model) => {
    const reason = FAILURE_REASONS.accountUnreachable(String(model.TargetId));
    emulator.faults.failNextWrite({
      assignment: tupleOf(model),
      reason,
      operation: 'CreateAccountAssignment',
    });
    return { errorCode: 'GeneralServiceException', messageContains: reason };
  },
});

import { FAILURE_REASONS } from '../../dev/emulator';
import { callsOf, resourceType } from '../../dev/types';
import { describeContract } from '../contract/contract-suite';
import { firstTupleOf, tuplesOf } from './under-test';

describeContract({
  key: 'assignment-group',
  // The group polls its batch inside one invocation while its work time lasts (40 s, or the Lambda's time
  // left minus 5 s): an 8 s Lambda answers IN_PROGRESS every 3 s or so.
  heldWriteLambdaTimeoutMs: 8_000,
  // The group's writes are account-assignment writes: every assignment of the model is kept IN_PROGRESS, so
  // the handler polls the statuses of its whole batch until they are released.
  holdWrite: (emulator, model, action) => {
    const statusOperation =
      action === 'CREATE'
        ? 'DescribeAccountAssignmentCreationStatus'
        : 'DescribeAccountAssignmentDeletionStatus';
    const tuples = tuplesOf(model);
    for (const tuple of tuples) emulator.faults.stuck(tuple);
    return {
      release: () => tuples.forEach((tuple) => emulator.faults.release(tuple)),
      assertHeld: () => {
        // Polled while stuck (IN_PROGRESS) and again after the release; every write ended SUCCEEDED.
        expect(callsOf(emulator, statusOperation).length).toBeGreaterThan(tuples.length);
        const statuses =
          action === 'CREATE' ? emulator.state.creationStatuses() : emulator.state.deletionStatuses();
        expect(statuses.map((record) => record.status)).toEqual(tuples.map(() => 'SUCCEEDED'));
      },
    };
  },
  // LIST walks the state table (it has no filter properties): other groups' records there are listed too.
  seedListNeighbours: async (_emulator, model, count, stateTableEndpoint) => {
    const { state } = resourceType('assignment-group');
    if (!state || stateTableEndpoint === undefined)
      throw new Error('the group keeps state in the state table');
    for (let index = 0; index < count; index++) {
      await state.record(stateTableEndpoint, { ...model, Name: `neighbour-${index}` });
    }
  },
  // One assignment's creation turns FAILED with this reason (no pattern of the reason table matches it): the
  // group answers GeneralServiceException with how many failed and the reason.
  failCreate: (emulator, model) => {
    const tuple = firstTupleOf(model);
    const reason = FAILURE_REASONS.accountUnreachable(tuple.targetId);
    emulator.faults.failNextWrite({ assignment: tuple, reason, operation: 'CreateAccountAssignment' });
    return { errorCode: 'GeneralServiceException', messageContains: reason };
  },
});

import { RETRY_POLICY } from '../../src/core/retry-policy';
import { callsOf } from '../../dev/types';
import { describeContract } from '../contract/contract-suite';

describeContract({
  key: 'application-assignment',
  // Application-assignment writes are synchronous (no status to poll): ConflictException on every SDK attempt
  // of one invocation makes the handler call back later (IN_PROGRESS) rather than fail.
  holdWrite: (emulator, _model, action) => {
    const operation = action === 'CREATE' ? 'CreateApplicationAssignment' : 'DeleteApplicationAssignment';
    emulator.faults.error({ count: RETRY_POLICY.sdkMaxAttempts, operation, errorName: 'ConflictException' });
    return {
      // The fault is used up by one invocation's attempts.
      release: () => undefined,
      assertHeld: () => {
        const outcomes = callsOf(emulator, operation).map((call) => call.outcome);
        expect(outcomes).toEqual([
          ...Array<string>(RETRY_POLICY.sdkMaxAttempts).fill('ConflictException'),
          'ok',
        ]);
      },
    };
  },
  // Other users of the same application: a LIST filtered by the model returns them too.
  seedListNeighbours: (emulator, model, count) => {
    for (let index = 0; index < count; index++) {
      emulator.state.addApplicationAssignment({
        applicationArn: String(model.ApplicationArn),
        principalType: 'USER',
        principalId: `d0000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
      });
    }
  },
  failCreate: (emulator) => {
    const message = 'User is not authorized to perform sso:CreateApplicationAssignment (injected)';
    emulator.faults.error({
      count: 1,
      operation: 'CreateApplicationAssignment',
      errorName: 'AccessDeniedException',
      message,
    });
    return { errorCode: 'AccessDenied', messageContains: message };
  },
});

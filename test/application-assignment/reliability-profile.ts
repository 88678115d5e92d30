// How the every-type reliability suites inject faults into application assignments (synchronous writes: a
// fault is an error answer to the write itself) and read their state back
// (test/reliability/support/profile.ts).
import type { ResourceProperties } from '../../dev/driver';
import type { RunningEmulator } from '../../dev/emulator';
import { countCalls, GRAFANA } from '../reliability/support/harness';
import { SERVICE_RESOURCE_ANSWERS, type ReliabilityProfile } from '../reliability/support/profile';
import { APPLICATION_ASSIGNMENT } from './under-test';

/** Application assignments to one application: the seeded world has 6 principals, so `count` users are added. */
function applicationModels(emulator: RunningEmulator, count: number): ResourceProperties[] {
  return Array.from({ length: count }, (_, index) => {
    const id = `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
    emulator.state.addUser({ id, name: `parallel-user-${index}` });
    return { ApplicationArn: GRAFANA.arn, PrincipalId: id, PrincipalType: 'USER' };
  });
}

export const profile: ReliabilityProfile = {
  createLogLine: 'CreateApplicationAssignment succeeded',
  injectConflict: (emulator, _model, operation, count) =>
    emulator.faults.error({ errorName: 'ConflictException', operation, count }),
  failNextCreate: (emulator) => {
    emulator.faults.error({
      errorName: 'ServiceQuotaExceededException',
      operation: APPLICATION_ASSIGNMENT.createOperation,
      count: 1,
    });
    return 'ServiceLimitExceeded';
  },
  // Synchronous writes leave nothing in flight; no other application assignment may exist either.
  expectExactlyOne: (emulator, model) => {
    expect(APPLICATION_ASSIGNMENT.copies(emulator, model)).toBe(1);
    expect(emulator.state.applicationAssignments()).toHaveLength(1);
  },
  expectNone: (emulator) => {
    expect(emulator.state.applicationAssignments()).toEqual([]);
  },
  // The emulator's assumption: DeleteApplicationAssignment answers ResourceNotFoundException.
  expectDeleteRefusedForMissingPrincipal: (emulator) => {
    expect(countCalls(emulator, APPLICATION_ASSIGNMENT.deleteOperation, 'ResourceNotFoundException')).toBe(1);
  },
  parallelModels: applicationModels,
  principalOf: (model) => ({
    principalType: model.PrincipalType === 'USER' ? 'USER' : 'GROUP',
    principalId: String(model.PrincipalId),
  }),
  ...SERVICE_RESOURCE_ANSWERS,
  knownHandlerBugs: {},
};

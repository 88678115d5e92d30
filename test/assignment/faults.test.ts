// Fault matrix for AWS::SSO::Assignment (asynchronous writes): each cell drives the real entrypoint through the
// driver (every response checked against the handler contract) against the SSO Admin emulator, injects one
// fault, and checks the final response, the emulator's state and the call log. Cells that need the
// 25-minute stabilization deadline are in faults-deadline.test.ts (here, and test/reliability/ for the ones
// every type runs); the out-of-band cells every type runs in test/reliability/faults-out-of-band.test.ts; many
// resources at the real rate limit in test/reliability/faults-parallel.test.ts. docs/reliability.md lists
// every cell with its outcome.
import { FAILURE_REASONS } from '../../dev/emulator';
import {
  ADMINISTRATOR_ACCESS,
  buildReinvocationRequest,
  callLog,
  countCalls,
  createdResource,
  driverFor,
  errorCodes,
  firstRequest,
  invokeOnce,
  muteConsole,
  PROVISIONING_MS,
  READ_ONLY_ACCESS,
  runRequest,
  useEmulator,
  VirtualTime,
} from '../reliability/support/harness';
import { profile } from './reliability-profile';
import { ACCOUNT_ASSIGNMENT, tupleOf } from './under-test';
import { describeTransientCells } from '../reliability/support/transient-cells';

const type = ACCOUNT_ASSIGNMENT;
const MODEL = type.model;
const TUPLE = tupleOf(MODEL);
const CREATE = 'CreateAccountAssignment';
const DELETE = 'DeleteAccountAssignment';
const CREATION_STATUS = 'DescribeAccountAssignmentCreationStatus';

const emulator = useEmulator();

beforeEach(() => muteConsole());
afterEach(() => jest.restoreAllMocks());

/** The assignment exists exactly once and no write is left in flight. */
const expectExactlyOneAssignment = () => profile.expectExactlyOne(emulator(), MODEL);
const expectNoAssignment = () => profile.expectNone(emulator(), MODEL);

const created = () => createdResource(type);

describe(`${type.typeName} fault matrix`, () => {
  describeTransientCells(type, emulator, {
    confirmOperation: CREATION_STATUS,
    injectConflict: (target, operation, count) => profile.injectConflict(target, MODEL, operation, count),
    expectExactlyOne: expectExactlyOneAssignment,
    expectNone: expectNoAssignment,
  });

  describe('a FAILED request status', () => {
    test("the creation request FAILS with AWS's internal-error reason → FAILED ServiceInternalError carrying the FailureReason, nothing created", async () => {
      // "An unexpected internal service exception was encountered" (pulumi/pulumi-aws#1927, aws/aws-cli#8356).
      const reason = FAILURE_REASONS.internal();
      emulator().faults.failNextWrite({ assignment: TUPLE, reason, operation: CREATE });
      const { driver } = driverFor(type);
      const result = await driver.create(MODEL);

      expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'ServiceInternalError' });
      expect(result.final.message).toContain(reason);
      expect(countCalls(emulator(), CREATE)).toBe(1);
      expectNoAssignment();
    });

    test('the creation request FAILS with a reason no rule knows → FAILED GeneralServiceException carrying it, nothing created', async () => {
      const reason = 'Something the service has never said before';
      emulator().faults.failNextWrite({ assignment: TUPLE, reason, operation: CREATE });
      const { driver } = driverFor(type);
      const result = await driver.create(MODEL);

      expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'GeneralServiceException' });
      expect(result.final.message).toContain(reason);
      expectNoAssignment();
    });

    test('the creation request FAILS for a suspended account → FAILED GeneralServiceException with the reason, nothing created', async () => {
      emulator().state.suspendAccount(TUPLE.targetId);
      const { driver } = driverFor(type);
      const result = await driver.create(MODEL);

      expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'GeneralServiceException' });
      expect(result.final.message).toContain(FAILURE_REASONS.accountUnreachable(TUPLE.targetId));
      expectNoAssignment();
    });

    test('the deletion request FAILS (internal error) while the assignment still exists → FAILED ServiceInternalError, the assignment stays', async () => {
      const { driver, model } = await created();
      emulator().faults.failNextWrite({
        assignment: TUPLE,
        reason: FAILURE_REASONS.internal(),
        operation: DELETE,
      });
      const result = await driver.del(model);

      expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'ServiceInternalError' });
      expectExactlyOneAssignment();
    });
  });

  // The out-of-band cells every type runs are in test/reliability/faults-out-of-band.test.ts.
  describe('the assignment deleted out of band', () => {
    test('while the DELETE is in progress (after DeleteAccountAssignment was accepted) → SUCCESS', async () => {
      const { model } = await created();
      emulator().faults.stuck(TUPLE);
      const { driver } = driverFor(type, {
        sleep: async () => {
          // The deletion request is IN_PROGRESS: someone removes the assignment, then the request completes.
          if (type.removeOutOfBand(emulator(), MODEL)) emulator().faults.release(TUPLE);
        },
      });
      const result = await driver.del(model);

      expect(result.final.status).toBe('SUCCESS');
      // The request FAILED ("EntitlementItem doesn't exist"); the handler saw the assignment gone.
      expect(emulator().state.deletionStatuses()).toMatchObject([{ status: 'FAILED' }]);
      expectNoAssignment();
    });
  });

  describe('the permission set deleted', () => {
    test('before CREATE → FAILED InvalidRequest (the property points at a missing permission set), nothing created', async () => {
      emulator().state.removePermissionSet(READ_ONLY_ACCESS.arn);
      const { driver } = driverFor(type);
      const result = await driver.create(MODEL);

      expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
      expect(result.final.message).toContain(READ_ONLY_ACCESS.arn);
      expect(callLog(emulator(), CREATE)).toEqual([`${CREATE}:ResourceNotFoundException`]);
      expectNoAssignment();
    });

    test('while the creation request is in progress → FAILED ServiceInternalError (the request FAILS with the internal-error reason), nothing created', async () => {
      emulator().faults.stuck(TUPLE);
      const { driver } = driverFor(type, {
        sleep: async () => {
          if (
            countCalls(emulator(), CREATE) === 1 &&
            emulator().state.removePermissionSet(READ_ONLY_ACCESS.arn)
          ) {
            emulator().faults.release(TUPLE);
          }
        },
      });
      const result = await driver.create(MODEL);

      expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'ServiceInternalError' });
      expect(emulator().state.creationStatuses()).toMatchObject([{ status: 'FAILED' }]);
      expectNoAssignment();
    });

    test('after CREATE: READ → FAILED NotFound, DELETE → FAILED NotFound (the set took its assignments with it)', async () => {
      const { driver, model } = await created();
      expect(emulator().state.removePermissionSet(READ_ONLY_ACCESS.arn)).toBe(true);
      const read = await driver.read(model);
      const deleted = await driver.del(model);

      expect(read.final).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
      expect(deleted.final).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
      expect(countCalls(emulator(), DELETE)).toBe(0);
      // Other permission sets are untouched.
      expect(
        emulator()
          .state.permissionSets()
          .map((set) => set.arn),
      ).toContain(ADMINISTRATOR_ACCESS.arn);
      expectNoAssignment();
    });
  });

  describe('the process dies right after CreateAccountAssignment, before answering', () => {
    /** Runs CREATE by hand up to the invocation that sends CreateAccountAssignment; that response is lost. */
    async function crashAfterCreate() {
      const setup = driverFor(type);
      const first = firstRequest(setup.options, 'CREATE', MODEL);
      const marker = await invokeOnce(type, first);
      expect(marker).toMatchObject({ status: 'IN_PROGRESS', callbackDelaySeconds: 0 });
      expect(marker.callbackContext).toMatchObject({ phase: 'submit' });
      expect(countCalls(emulator(), CREATE)).toBe(0);

      // CloudFormation calls back with the marker; this invocation sends the Create, then "dies".
      const withMarker = buildReinvocationRequest(first, marker);
      const lost = await invokeOnce(type, withMarker);
      expect(lost.status).toBe('IN_PROGRESS');
      expect(countCalls(emulator(), CREATE, 'ok')).toBe(1);
      return { setup, first, withMarker, lost };
    }

    test('CloudFormation re-sends the same request (same bearer token, the marker context) while the first Create is in progress → SUCCESS, one assignment, no AlreadyExists', async () => {
      // Held IN_PROGRESS until the re-sent request has submitted and waits for the first time.
      emulator().faults.stuck(TUPLE);
      const { setup, withMarker } = await crashAfterCreate();
      const resent = await runRequest(type.entrypoint, withMarker, {
        ...setup.options,
        sleep: async () => emulator().faults.release(TUPLE),
      });

      expect(resent.final).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });
      expect(errorCodes(resent)).not.toContain('AlreadyExists');
      // The re-sent invocation submitted again; SSO Admin accepts a Create for the same tuple.
      expect(countCalls(emulator(), CREATE, 'ok')).toBe(2);
      expect(
        emulator()
          .state.creationStatuses()
          .map((status) => status.status),
      ).toEqual(['SUCCEEDED', 'SUCCEEDED']);
      expectExactlyOneAssignment();
    });

    test('the assignment finished provisioning before the re-send → SUCCESS, one assignment, no AlreadyExists', async () => {
      // Provisioning time passes on a virtual clock, so "finished before the re-send" is certain.
      const time = new VirtualTime().install();
      try {
        // Held while the lost invocation checks it (it would otherwise see it finish and answer SUCCESS).
        emulator().faults.stuck(TUPLE);
        const { setup, withMarker } = await crashAfterCreate();
        emulator().faults.release(TUPLE);
        time.advance(PROVISIONING_MS);
        expect(type.copies(emulator(), MODEL)).toBe(1);

        const resent = await runRequest(type.entrypoint, withMarker, setup.options);

        expect(resent.final).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });
        expect(errorCodes(resent)).not.toContain('AlreadyExists');
        expect(countCalls(emulator(), CREATE, 'ok')).toBe(2);
        expectExactlyOneAssignment();
      } finally {
        time.uninstall();
      }
    });

    test('DELETE dies right after DeleteAccountAssignment; the re-sent request (no context) → SUCCESS while the deletion is in progress, NotFound once it has finished', async () => {
      const { model } = await created();
      const setup = driverFor(type);
      const first = firstRequest(setup.options, 'DELETE', model);
      emulator().faults.stuck(TUPLE);
      const lost = await invokeOnce(type, first);
      expect(lost.status).toBe('IN_PROGRESS');
      expect(countCalls(emulator(), DELETE, 'ok')).toBe(1);

      // Re-sent while the first deletion is in progress: the assignment is still listed, so the handler
      // deletes again; the first request removes it, the second FAILS on the missing entitlement, and the
      // handler confirms it is gone.
      const resentNow = await runRequest(type.entrypoint, first, {
        ...setup.options,
        sleep: async () => emulator().faults.release(TUPLE),
      });
      expect(resentNow.final.status).toBe('SUCCESS');
      expect(countCalls(emulator(), DELETE, 'ok')).toBe(2);
      expect(
        emulator()
          .state.deletionStatuses()
          .map((status) => status.status),
      ).toEqual(['SUCCEEDED', 'FAILED']);
      expectNoAssignment();

      // Re-sent after the deletion finished: the resource is gone before the request, the contract's NotFound.
      const resentLater = await runRequest(type.entrypoint, first, setup.options);
      expect(resentLater.final).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
      expectNoAssignment();
    });
  });
});

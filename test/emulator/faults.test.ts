import {
  ConflictException,
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  InternalServerException,
  ListInstancesCommand,
  ListPermissionSetsCommand,
  SSOAdminClient,
  ThrottlingException,
} from '@aws-sdk/client-sso-admin';
import { DEFAULT_WORLD, startEmulator, type AssignmentTuple } from '../../dev/emulator';
import {
  BOB,
  clientFor,
  INSTANCE_ARN,
  ManualClock,
  PROD_ACCOUNT,
  rejectionOf,
  tuple,
  useEmulator,
  writeInput,
} from './helpers';

const PROVISIONING_MS = 1000;
const harness = useEmulator({ provisioningMs: PROVISIONING_MS, requestsPerSecond: Infinity });

async function createStatus(assignment: AssignmentTuple) {
  const output = await harness.client.send(new CreateAccountAssignmentCommand(writeInput(assignment)));
  return output.AccountAssignmentCreationStatus;
}

async function describeCreation(requestId: string | undefined) {
  const output = await harness.client.send(
    new DescribeAccountAssignmentCreationStatusCommand({
      InstanceArn: INSTANCE_ARN,
      AccountAssignmentCreationRequestId: requestId,
    }),
  );
  return output.AccountAssignmentCreationStatus;
}

describe('request faults', () => {
  it('throttles the next N requests of one operation', async () => {
    harness.emulator.faults.throttle({ count: 2, operation: 'ListInstances' });
    await harness.client.send(new ListPermissionSetsCommand({ InstanceArn: INSTANCE_ARN }));
    expect(await rejectionOf(harness.client.send(new ListInstancesCommand({})))).toBeInstanceOf(
      ThrottlingException,
    );
    expect(await rejectionOf(harness.client.send(new ListInstancesCommand({})))).toBeInstanceOf(
      ThrottlingException,
    );
    await harness.client.send(new ListInstancesCommand({}));
    expect(harness.emulator.calls().map((call) => [call.operation, call.outcome])).toEqual([
      ['ListPermissionSets', 'ok'],
      ['ListInstances', 'ThrottlingException'],
      ['ListInstances', 'ThrottlingException'],
      ['ListInstances', 'ok'],
    ]);
  });

  it('answers InternalServerException with HTTP 500 as a server fault', async () => {
    harness.emulator.faults.serverError({ count: 1 });
    const error = await rejectionOf(harness.client.send(new ListInstancesCommand({})));
    expect(error).toBeInstanceOf(InternalServerException);
    expect(error.$metadata?.httpStatusCode).toBe(500);
    await harness.client.send(new ListInstancesCommand({}));
  });

  it('answers a bare 503 that the SDK retries', async () => {
    harness.emulator.faults.serverError({ count: 1, errorName: 'ServiceUnavailable' });
    const error = await rejectionOf(harness.client.send(new ListInstancesCommand({})));
    expect(error.$metadata?.httpStatusCode).toBe(503);

    harness.emulator.faults.serverError({ count: 1, errorName: 'ServiceUnavailable' });
    const retrying = clientFor(harness.emulator, 2);
    const output = await retrying.send(new ListInstancesCommand({}));
    retrying.destroy();
    expect(output.$metadata.attempts).toBe(2);
    expect(harness.emulator.calls().map((call) => call.outcome)).toEqual([
      'ServiceUnavailable',
      'ServiceUnavailable',
      'ok',
    ]);
  });

  it('adds latency to every request', async () => {
    harness.emulator.faults.setLatency(300);
    const impatient = new SSOAdminClient({
      endpoint: harness.emulator.endpoint,
      region: DEFAULT_WORLD.region,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
      maxAttempts: 1,
      requestHandler: { requestTimeout: 50, throwOnRequestTimeout: true },
    });
    const error = await rejectionOf(impatient.send(new ListInstancesCommand({})));
    impatient.destroy();
    expect(error.name).toBe('TimeoutError');
    harness.emulator.faults.setLatency(0);
    await harness.client.send(new ListInstancesCommand({}));
  });
});

describe('account-assignment faults', () => {
  it('answers ConflictException on one assignment for N calls', async () => {
    harness.emulator.faults.conflict({ assignment: tuple(), count: 2, operation: 'CreateAccountAssignment' });
    expect(await rejectionOf(createStatus(tuple()))).toBeInstanceOf(ConflictException);
    // Other assignments and the other write are not affected.
    expect((await createStatus(tuple({ principalId: BOB })))?.Status).toBe('IN_PROGRESS');
    await harness.client.send(new DeleteAccountAssignmentCommand(writeInput(tuple())));
    expect(await rejectionOf(createStatus(tuple()))).toBeInstanceOf(ConflictException);
    expect((await createStatus(tuple()))?.Status).toBe('IN_PROGRESS');
  });

  it('keeps one assignment IN_PROGRESS until released', async () => {
    harness.emulator.faults.stuck(tuple());
    const stuck = await createStatus(tuple());
    const free = await createStatus(tuple({ principalId: BOB }));
    harness.clock.advance(10 * PROVISIONING_MS);
    expect((await describeCreation(stuck?.RequestId))?.Status).toBe('IN_PROGRESS');
    expect((await describeCreation(free?.RequestId))?.Status).toBe('SUCCEEDED');
    expect(harness.emulator.state.outstandingAsyncWrites()).toBe(1);

    harness.emulator.faults.release(tuple());
    expect((await describeCreation(stuck?.RequestId))?.Status).toBe('SUCCEEDED');
  });

  it('keeps every assignment IN_PROGRESS until released', async () => {
    harness.emulator.faults.stuck();
    const first = await createStatus(tuple());
    const second = await createStatus(tuple({ targetId: PROD_ACCOUNT }));
    harness.clock.advance(10 * PROVISIONING_MS);
    expect((await describeCreation(first?.RequestId))?.Status).toBe('IN_PROGRESS');
    expect((await describeCreation(second?.RequestId))?.Status).toBe('IN_PROGRESS');
    harness.emulator.faults.release();
    expect((await describeCreation(second?.RequestId))?.Status).toBe('SUCCEEDED');
  });

  it('FAILs the next write of an assignment with the given reason, once', async () => {
    harness.emulator.faults.failNextWrite({ assignment: tuple(), reason: 'Injected provisioning failure' });
    const failing = await createStatus(tuple());
    harness.clock.advance(PROVISIONING_MS);
    expect(await describeCreation(failing?.RequestId)).toMatchObject({
      Status: 'FAILED',
      FailureReason: 'Injected provisioning failure',
    });
    expect(harness.emulator.state.accountAssignments()).toEqual([]);

    const retried = await createStatus(tuple());
    harness.clock.advance(PROVISIONING_MS);
    expect((await describeCreation(retried?.RequestId))?.Status).toBe('SUCCEEDED');
  });

  it('reports pending faults and clears them', () => {
    harness.emulator.faults.throttle({ count: 3 });
    harness.emulator.faults.stuck(tuple());
    harness.emulator.faults.emptyPage({ count: 2, operation: 'ListAccounts' });
    expect(harness.emulator.faults.snapshot()).toMatchObject({
      requestFaults: [{ remaining: 3, errorName: 'ThrottlingException' }],
      stuckAssignments: [tuple()],
      emptyPages: [{ count: 2, operation: 'ListAccounts' }],
    });
    harness.emulator.faults.clear();
    expect(harness.emulator.faults.snapshot()).toEqual({
      requestFaults: [],
      latencyMs: 0,
      emptyPages: [],
      conflicts: [],
      stuckAll: false,
      stuckAssignments: [],
      pendingFailures: [],
    });
  });
});

describe('rate limiting', () => {
  it('allows a collective 20 requests per second and throttles beyond', async () => {
    const clock = new ManualClock();
    const emulator = await startEmulator({ clock });
    const client = clientFor(emulator);
    try {
      for (let index = 0; index < 20; index += 1) await client.send(new ListInstancesCommand({}));
      expect(await rejectionOf(client.send(new ListInstancesCommand({})))).toBeInstanceOf(
        ThrottlingException,
      );

      // Tokens refill continuously: 50 ms buys one request at 20/s.
      clock.advance(50);
      await client.send(new ListInstancesCommand({}));
      expect(await rejectionOf(client.send(new ListInstancesCommand({})))).toBeInstanceOf(
        ThrottlingException,
      );

      clock.advance(1000);
      for (let index = 0; index < 20; index += 1) await client.send(new ListInstancesCommand({}));
      expect(emulator.calls().filter((call) => call.outcome === 'ThrottlingException')).toHaveLength(2);
    } finally {
      client.destroy();
      await emulator.close();
    }
  });

  it('takes the rate and the outstanding-write limit from the options', async () => {
    const clock = new ManualClock();
    const emulator = await startEmulator({ clock, requestsPerSecond: 3, maxOutstandingAsyncWrites: 1 });
    const client = clientFor(emulator);
    try {
      await client.send(new CreateAccountAssignmentCommand(writeInput(tuple())));
      expect(
        await rejectionOf(
          client.send(new CreateAccountAssignmentCommand(writeInput(tuple({ principalId: BOB })))),
        ),
      ).toBeInstanceOf(ThrottlingException);
      await client.send(new ListInstancesCommand({}));
      expect(await rejectionOf(client.send(new ListInstancesCommand({})))).toBeInstanceOf(
        ThrottlingException,
      );
    } finally {
      client.destroy();
      await emulator.close();
    }
  });
});

import {
  ListAccountAssignmentsCommand,
  ListInstancesCommand,
  ListPermissionSetsCommand,
  ThrottlingException,
  CreateAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
} from '@aws-sdk/client-sso-admin';
import { DEFAULT_WORLD, startEmulator, type EmulatorStateSnapshot } from '../../dev/emulator';
import {
  ADMIN_PS,
  clientFor,
  DEV_ACCOUNT,
  INSTANCE_ARN,
  PROD_ACCOUNT,
  rejectionOf,
  tuple,
  useEmulator,
  writeInput,
} from './helpers';

const harness = useEmulator({ provisioningMs: 1000, requestsPerSecond: Infinity });

async function admin(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${harness.emulator.endpoint}/__emulator/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

describe('admin route', () => {
  it('injects faults over HTTP', async () => {
    const injected = await admin('POST', 'faults', {
      kind: 'throttle',
      count: 1,
      operation: 'ListInstances',
    });
    expect(injected.status).toBe(200);
    expect(injected.body).toMatchObject({ requestFaults: [{ remaining: 1, operation: 'ListInstances' }] });
    expect(await rejectionOf(harness.client.send(new ListInstancesCommand({})))).toBeInstanceOf(
      ThrottlingException,
    );

    await admin('POST', 'faults', { kind: 'stuck' });
    expect((await admin('GET', 'faults')).body).toMatchObject({ stuckAll: true });
    await admin('DELETE', 'faults');
    expect((await admin('GET', 'faults')).body).toMatchObject({ stuckAll: false, requestFaults: [] });
  });

  it('rejects a malformed fault with 400 and a reason', async () => {
    const response = await admin('POST', 'faults', { kind: 'conflict', count: 1 });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: 'conflict needs a count and an assignment' });
  });

  it('reads state and changes it out of band over HTTP', async () => {
    harness.emulator.state.addAccountAssignment(tuple());
    const state = (await admin('GET', 'state')).body as EmulatorStateSnapshot;
    expect(state.accountAssignments).toEqual([tuple()]);
    // Every seeded account, each with its status (a suspended one among them).
    expect(state.world.accounts).toEqual(DEFAULT_WORLD.accounts);
    expect(state.world.accounts.map((account) => account.status)).toContain('SUSPENDED');

    expect(
      (await admin('POST', 'state', { action: 'removeAccountAssignment', assignment: tuple() })).body,
    ).toEqual({
      changed: true,
    });
    const listed = await harness.client.send(
      new ListAccountAssignmentsCommand({
        InstanceArn: INSTANCE_ARN,
        AccountId: DEV_ACCOUNT,
        PermissionSetArn: ADMIN_PS,
      }),
    );
    expect(listed.AccountAssignments).toEqual([]);

    await admin('POST', 'state', { action: 'suspendAccount', accountId: PROD_ACCOUNT });
    expect(
      harness.emulator.state.world().accounts.find((account) => account.id === PROD_ACCOUNT)?.status,
    ).toBe('SUSPENDED');
    await admin('POST', 'state', { action: 'removePermissionSet', permissionSetArn: ADMIN_PS });
    expect(harness.emulator.state.permissionSets().map((permissionSet) => permissionSet.arn)).not.toContain(
      ADMIN_PS,
    );
    expect(
      (await admin('POST', 'state', { action: 'suspendAccount', accountId: '000000000000' })).status,
    ).toBe(400);
  });

  it('serves and clears the call log, and resets', async () => {
    await harness.client.send(new ListInstancesCommand({}));
    expect((await admin('GET', 'calls')).body).toEqual([
      { service: 'sso-admin', operation: 'ListInstances', input: {}, at: harness.clock.now(), outcome: 'ok' },
    ]);
    await admin('DELETE', 'calls');
    expect(harness.emulator.calls()).toEqual([]);

    await harness.client.send(new ListInstancesCommand({}));
    harness.emulator.faults.throttle({ count: 5 });
    harness.emulator.state.suspendAccount(DEV_ACCOUNT);
    harness.emulator.state.addAccountAssignment(tuple());
    expect((await admin('POST', 'reset')).body).toEqual({ reset: true });
    expect(harness.emulator.calls()).toEqual([]);
    expect(harness.emulator.faults.snapshot().requestFaults).toEqual([]);
    expect(harness.emulator.state.accountAssignments()).toEqual([]);
    expect(harness.emulator.state.world()).toEqual(DEFAULT_WORLD);
  });
});

describe('reset', () => {
  it('returns to the seeded world with no faults and no calls', async () => {
    const created = await harness.client.send(new CreateAccountAssignmentCommand(writeInput(tuple())));
    harness.emulator.state.removePermissionSet(DEFAULT_WORLD.permissionSets[1]?.arn ?? '');
    harness.emulator.faults.stuck();
    harness.emulator.reset();

    expect(harness.emulator.calls()).toEqual([]);
    expect(harness.emulator.state.creationStatuses()).toEqual([]);
    expect(harness.emulator.faults.snapshot().stuckAll).toBe(false);
    const listed = await harness.client.send(new ListPermissionSetsCommand({ InstanceArn: INSTANCE_ARN }));
    expect(listed.PermissionSets).toEqual(
      DEFAULT_WORLD.permissionSets.map((permissionSet) => permissionSet.arn),
    );
    // Request IDs from before the reset are gone.
    const error = await rejectionOf(
      harness.client.send(
        new DescribeAccountAssignmentCreationStatusCommand({
          InstanceArn: INSTANCE_ARN,
          AccountAssignmentCreationRequestId: created.AccountAssignmentCreationStatus?.RequestId,
        }),
      ),
    );
    expect(error.name).toBe('ResourceNotFoundException');
  });

  it('an unseeded emulator has the instance only', async () => {
    const emulator = await startEmulator({ seed: false, requestsPerSecond: Infinity });
    const client = clientFor(emulator);
    try {
      const listed = await client.send(new ListPermissionSetsCommand({ InstanceArn: INSTANCE_ARN }));
      expect(listed.PermissionSets).toEqual([]);
      expect(emulator.state.world()).toMatchObject({ instanceArn: INSTANCE_ARN, users: [], accounts: [] });
    } finally {
      client.destroy();
      await emulator.close();
    }
  });
});

import {
  ConflictException,
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  ListAccountAssignmentCreationStatusCommand,
  ListAccountAssignmentDeletionStatusCommand,
  ListAccountAssignmentsCommand,
  ListAccountAssignmentsForPrincipalCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListPermissionSetsProvisionedToAccountCommand,
  ResourceNotFoundException,
  ThrottlingException,
  type AccountAssignmentOperationStatus,
} from '@aws-sdk/client-sso-admin';
import { ACCOUNT_OUTSIDE_ORGANIZATION, UNKNOWN_PRINCIPAL_ID, type AssignmentTuple } from '../../dev/emulator';
import {
  ADMIN_PS,
  ADMINS_GROUP,
  BOB,
  DEV_ACCOUNT,
  INSTANCE_ARN,
  PROD_ACCOUNT,
  READONLY_PS,
  rejectionOf,
  SUSPENDED_ACCOUNT,
  tuple,
  useEmulator,
  writeInput,
} from './helpers';

const PROVISIONING_MS = 1000;
const harness = useEmulator({ provisioningMs: PROVISIONING_MS, requestsPerSecond: Infinity });

async function create(assignment: AssignmentTuple): Promise<AccountAssignmentOperationStatus> {
  const output = await harness.client.send(new CreateAccountAssignmentCommand(writeInput(assignment)));
  if (!output.AccountAssignmentCreationStatus) throw new Error('no creation status');
  return output.AccountAssignmentCreationStatus;
}

async function remove(assignment: AssignmentTuple): Promise<AccountAssignmentOperationStatus> {
  const output = await harness.client.send(new DeleteAccountAssignmentCommand(writeInput(assignment)));
  if (!output.AccountAssignmentDeletionStatus) throw new Error('no deletion status');
  return output.AccountAssignmentDeletionStatus;
}

async function creationStatus(
  requestId: string | undefined,
): Promise<AccountAssignmentOperationStatus | undefined> {
  const output = await harness.client.send(
    new DescribeAccountAssignmentCreationStatusCommand({
      InstanceArn: INSTANCE_ARN,
      AccountAssignmentCreationRequestId: requestId,
    }),
  );
  return output.AccountAssignmentCreationStatus;
}

async function deletionStatus(
  requestId: string | undefined,
): Promise<AccountAssignmentOperationStatus | undefined> {
  const output = await harness.client.send(
    new DescribeAccountAssignmentDeletionStatusCommand({
      InstanceArn: INSTANCE_ARN,
      AccountAssignmentDeletionRequestId: requestId,
    }),
  );
  return output.AccountAssignmentDeletionStatus;
}

async function listAssignments(accountId: string, permissionSetArn: string) {
  const output = await harness.client.send(
    new ListAccountAssignmentsCommand({
      InstanceArn: INSTANCE_ARN,
      AccountId: accountId,
      PermissionSetArn: permissionSetArn,
    }),
  );
  return output.AccountAssignments ?? [];
}

describe('CreateAccountAssignment', () => {
  it('answers IN_PROGRESS with a UUID request ID, then SUCCEEDED after the provisioning time', async () => {
    const assignment = tuple();
    const started = await create(assignment);
    expect(started).toMatchObject({
      Status: 'IN_PROGRESS',
      TargetId: assignment.targetId,
      TargetType: 'AWS_ACCOUNT',
      PermissionSetArn: assignment.permissionSetArn,
      PrincipalType: 'USER',
      PrincipalId: assignment.principalId,
    });
    expect(started.RequestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(started.CreatedDate).toEqual(new Date(harness.clock.now()));

    harness.clock.advance(PROVISIONING_MS - 1);
    expect((await creationStatus(started.RequestId))?.Status).toBe('IN_PROGRESS');
    expect(await listAssignments(assignment.targetId, assignment.permissionSetArn)).toEqual([]);

    harness.clock.advance(1);
    const finished = await creationStatus(started.RequestId);
    expect(finished?.Status).toBe('SUCCEEDED');
    expect(finished?.FailureReason).toBeUndefined();
    expect(await listAssignments(assignment.targetId, assignment.permissionSetArn)).toEqual([
      {
        AccountId: assignment.targetId,
        PermissionSetArn: assignment.permissionSetArn,
        PrincipalType: 'USER',
        PrincipalId: assignment.principalId,
      },
    ]);
  });

  it('accepts an existing assignment with a new request ID and stores no duplicate', async () => {
    const assignment = tuple();
    const first = await create(assignment);
    harness.clock.advance(PROVISIONING_MS);
    const second = await create(assignment);
    expect(second.RequestId).not.toBe(first.RequestId);
    harness.clock.advance(PROVISIONING_MS);
    expect((await creationStatus(second.RequestId))?.Status).toBe('SUCCEEDED');
    expect(await listAssignments(assignment.targetId, assignment.permissionSetArn)).toHaveLength(1);
  });

  it.each([
    [
      'a suspended account',
      tuple({ targetId: SUSPENDED_ACCOUNT }),
      /Obtaining permissions to manage your AWS account '444455556666'/,
    ],
    [
      'an account outside the organisation',
      tuple({ targetId: ACCOUNT_OUTSIDE_ORGANIZATION }),
      /unable to complete your request/,
    ],
    [
      'an unknown principal',
      tuple({ principalId: UNKNOWN_PRINCIPAL_ID }),
      /404 status error: User .* doesn't exist/,
    ],
    ['a user ID given as a GROUP', tuple({ principalType: 'GROUP' }), /404 status error: Group/],
  ])('FAILs with a FailureReason for %s', async (_label, assignment, reason) => {
    const started = await create(assignment);
    expect(started.Status).toBe('IN_PROGRESS');
    harness.clock.advance(PROVISIONING_MS);
    const finished = await creationStatus(started.RequestId);
    expect(finished?.Status).toBe('FAILED');
    expect(finished?.FailureReason).toMatch(reason);
    expect(harness.emulator.state.accountAssignments()).toEqual([]);
  });

  it('FAILs when the account is suspended while the write is in progress', async () => {
    const started = await create(tuple({ targetId: PROD_ACCOUNT }));
    harness.emulator.state.suspendAccount(PROD_ACCOUNT);
    harness.clock.advance(PROVISIONING_MS);
    expect((await creationStatus(started.RequestId))?.Status).toBe('FAILED');
  });

  it('answers ResourceNotFoundException for an unknown instance or permission set', async () => {
    const unknownInstance = await rejectionOf(
      harness.client.send(
        new CreateAccountAssignmentCommand({
          ...writeInput(tuple()),
          InstanceArn: 'arn:aws:sso:::instance/ssoins-0000000000000000',
        }),
      ),
    );
    expect(unknownInstance).toBeInstanceOf(ResourceNotFoundException);
    const unknownPermissionSet = await rejectionOf(
      create(
        tuple({
          permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-72230b9a8e8e8b7a/ps-ffffffffffffffff',
        }),
      ),
    );
    expect(unknownPermissionSet).toBeInstanceOf(ResourceNotFoundException);
    expect(harness.emulator.state.creationStatuses()).toEqual([]);
  });

  it('rejects a write beyond the outstanding asynchronous write limit with ThrottlingException', async () => {
    const assignments = Array.from({ length: 15 }, (_, index) =>
      tuple({ principalId: `0d0d0d0d-1e1e-4f2f-8a3a-${String(index).padStart(12, '0')}` }),
    );
    for (const assignment of assignments) await create(assignment);
    expect(harness.emulator.state.outstandingAsyncWrites()).toBe(15);

    const error = await rejectionOf(create(tuple({ principalId: BOB })));
    expect(error).toBeInstanceOf(ThrottlingException);
    expect(harness.emulator.calls().at(-1)).toMatchObject({
      operation: 'CreateAccountAssignment',
      outcome: 'ThrottlingException',
    });

    // Once the outstanding writes finish, writes are accepted again.
    harness.clock.advance(PROVISIONING_MS);
    expect((await create(tuple({ principalId: BOB }))).Status).toBe('IN_PROGRESS');
  });
});

describe('DeleteAccountAssignment', () => {
  it('keeps the assignment until the deletion SUCCEEDS', async () => {
    const assignment = tuple({ principalType: 'GROUP', principalId: ADMINS_GROUP });
    harness.emulator.state.addAccountAssignment(assignment);
    const started = await remove(assignment);
    expect(started).toMatchObject({
      Status: 'IN_PROGRESS',
      PrincipalType: 'GROUP',
      PrincipalId: ADMINS_GROUP,
    });
    expect(await listAssignments(assignment.targetId, assignment.permissionSetArn)).toHaveLength(1);

    harness.clock.advance(PROVISIONING_MS);
    expect((await deletionStatus(started.RequestId))?.Status).toBe('SUCCEEDED');
    expect(await listAssignments(assignment.targetId, assignment.permissionSetArn)).toEqual([]);
  });

  it("accepts deleting a missing assignment and then FAILs with AWS's EntitlementItem reason", async () => {
    const started = await remove(tuple());
    expect(started.Status).toBe('IN_PROGRESS');
    harness.clock.advance(PROVISIONING_MS);
    const finished = await deletionStatus(started.RequestId);
    expect(finished?.Status).toBe('FAILED');
    expect(finished?.FailureReason).toMatch(/^Received a 404 status error: EntitlementItem doesn't exist/);
  });

  it('answers ResourceNotFoundException for an unknown request ID', async () => {
    const error = await rejectionOf(deletionStatus('00000000-0000-4000-8000-000000000000'));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    // A creation request ID is not a deletion request ID.
    const creation = await create(tuple());
    expect(await rejectionOf(deletionStatus(creation.RequestId))).toBeInstanceOf(ResourceNotFoundException);
  });
});

describe('status lists', () => {
  it('lists creation and deletion statuses with a Status filter', async () => {
    const succeeded = await create(tuple());
    harness.clock.advance(PROVISIONING_MS);
    const pending = await create(tuple({ principalId: BOB }));
    const deletion = await remove(tuple({ targetId: PROD_ACCOUNT }));

    const all = await harness.client.send(
      new ListAccountAssignmentCreationStatusCommand({ InstanceArn: INSTANCE_ARN }),
    );
    expect(all.AccountAssignmentsCreationStatus?.map((status) => [status.RequestId, status.Status])).toEqual([
      [succeeded.RequestId, 'SUCCEEDED'],
      [pending.RequestId, 'IN_PROGRESS'],
    ]);
    const inProgress = await harness.client.send(
      new ListAccountAssignmentCreationStatusCommand({
        InstanceArn: INSTANCE_ARN,
        Filter: { Status: 'IN_PROGRESS' },
      }),
    );
    expect(inProgress.AccountAssignmentsCreationStatus?.map((status) => status.RequestId)).toEqual([
      pending.RequestId,
    ]);

    const deletions = await harness.client.send(
      new ListAccountAssignmentDeletionStatusCommand({ InstanceArn: INSTANCE_ARN }),
    );
    expect(deletions.AccountAssignmentsDeletionStatus).toEqual([
      { RequestId: deletion.RequestId, Status: 'IN_PROGRESS', CreatedDate: new Date(harness.clock.now()) },
    ]);
  });
});

describe('listing assignments', () => {
  it('lists assignments of a principal, optionally for one account', async () => {
    harness.emulator.state.addAccountAssignment(tuple());
    harness.emulator.state.addAccountAssignment(
      tuple({ targetId: PROD_ACCOUNT, permissionSetArn: READONLY_PS }),
    );
    harness.emulator.state.addAccountAssignment(tuple({ principalId: BOB }));

    const all = await harness.client.send(
      new ListAccountAssignmentsForPrincipalCommand({
        InstanceArn: INSTANCE_ARN,
        PrincipalId: tuple().principalId,
        PrincipalType: 'USER',
      }),
    );
    expect(
      all.AccountAssignments?.map((assignment) => [assignment.AccountId, assignment.PermissionSetArn]),
    ).toEqual([
      [DEV_ACCOUNT, ADMIN_PS],
      [PROD_ACCOUNT, READONLY_PS],
    ]);
    const prodOnly = await harness.client.send(
      new ListAccountAssignmentsForPrincipalCommand({
        InstanceArn: INSTANCE_ARN,
        PrincipalId: tuple().principalId,
        PrincipalType: 'USER',
        Filter: { AccountId: PROD_ACCOUNT },
      }),
    );
    expect(prodOnly.AccountAssignments?.map((assignment) => assignment.AccountId)).toEqual([PROD_ACCOUNT]);
  });

  it('reflects where permission sets are provisioned', async () => {
    await create(tuple());
    await create(tuple({ targetId: PROD_ACCOUNT }));
    const accountsOf = async (permissionSetArn: string) =>
      (
        await harness.client.send(
          new ListAccountsForProvisionedPermissionSetCommand({
            InstanceArn: INSTANCE_ARN,
            PermissionSetArn: permissionSetArn,
          }),
        )
      ).AccountIds;
    expect(await accountsOf(ADMIN_PS)).toEqual([]);

    harness.clock.advance(PROVISIONING_MS);
    expect(await accountsOf(ADMIN_PS)).toEqual([DEV_ACCOUNT, PROD_ACCOUNT]);
    expect(await accountsOf(READONLY_PS)).toEqual([]);
    const provisionedToDev = await harness.client.send(
      new ListPermissionSetsProvisionedToAccountCommand({
        InstanceArn: INSTANCE_ARN,
        AccountId: DEV_ACCOUNT,
      }),
    );
    expect(provisionedToDev.PermissionSets).toEqual([ADMIN_PS]);
    const notProvisioned = await harness.client.send(
      new ListPermissionSetsProvisionedToAccountCommand({
        InstanceArn: INSTANCE_ARN,
        AccountId: DEV_ACCOUNT,
        ProvisioningStatus: 'LATEST_PERMISSION_SET_NOT_PROVISIONED',
      }),
    );
    expect(notProvisioned.PermissionSets).toEqual([]);

    // Removing the last assignment in an account deprovisions the permission set there.
    await remove(tuple());
    harness.clock.advance(PROVISIONING_MS);
    expect(await accountsOf(ADMIN_PS)).toEqual([PROD_ACCOUNT]);
  });
});

describe('out-of-band changes', () => {
  it('an assignment removed behind the API disappears from the lists', async () => {
    harness.emulator.state.addAccountAssignment(tuple());
    expect(harness.emulator.state.removeAccountAssignment(tuple())).toBe(true);
    expect(await listAssignments(DEV_ACCOUNT, ADMIN_PS)).toEqual([]);
  });

  it('a permission set removed behind the API takes its assignments with it', async () => {
    harness.emulator.state.addAccountAssignment(tuple());
    expect(harness.emulator.state.removePermissionSet(ADMIN_PS)).toBe(true);
    const error = await rejectionOf(listAssignments(DEV_ACCOUNT, ADMIN_PS));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(harness.emulator.state.accountAssignments()).toEqual([]);
  });
});

describe('call log', () => {
  it('records each call with its parsed input, clock time and outcome, without headers', async () => {
    await create(tuple());
    await rejectionOf(
      create(
        tuple({
          permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-72230b9a8e8e8b7a/ps-ffffffffffffffff',
        }),
      ),
    );
    const calls = harness.emulator.calls();
    expect(calls).toEqual([
      {
        service: 'sso-admin',
        operation: 'CreateAccountAssignment',
        input: writeInput(tuple()),
        at: harness.clock.now(),
        outcome: 'ok',
      },
      {
        service: 'sso-admin',
        operation: 'CreateAccountAssignment',
        input: writeInput(
          tuple({
            permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-72230b9a8e8e8b7a/ps-ffffffffffffffff',
          }),
        ),
        at: harness.clock.now(),
        outcome: 'ResourceNotFoundException',
      },
    ]);
    expect(JSON.stringify(calls)).not.toMatch(/AKIDEXAMPLE|Authorization/i);
    harness.emulator.clearCalls();
    expect(harness.emulator.calls()).toEqual([]);
  });

  it('ConflictException is a modelled error class', async () => {
    harness.emulator.faults.conflict({ assignment: tuple(), count: 1 });
    expect(await rejectionOf(create(tuple()))).toBeInstanceOf(ConflictException);
  });
});

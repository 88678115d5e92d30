import {
  DescribeGroupCommand,
  DescribeUserCommand,
  IdentitystoreClient,
  ResourceNotFoundException as IdentityStoreNotFound,
  ValidationException as IdentityStoreValidation,
} from '@aws-sdk/client-identitystore';
import {
  AccessDeniedException,
  CreateApplicationAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DeleteApplicationAssignmentCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribeApplicationAssignmentCommand,
  DescribeInstanceCommand,
  ListAccountAssignmentsCommand,
  ListInstancesCommand,
  ResourceNotFoundException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-sso-admin';
import { DEFAULT_WORLD, KMS_KEY_PROBLEMS, type KmsKeyProblem } from '../../dev/emulator';
import {
  ADMINS_GROUP,
  ALICE,
  DEV_ACCOUNT,
  GRAFANA_APP,
  identityStoreClientFor,
  INSTANCE_ARN,
  rejectionOf,
  tuple,
  useEmulator,
  writeInput,
} from './helpers';

const PROVISIONING_MS = 1000;
const harness = useEmulator({ provisioningMs: PROVISIONING_MS, requestsPerSecond: Infinity });
const IDENTITY_STORE_ID = DEFAULT_WORLD.identityStoreId;

const identityStoreClient = (): IdentitystoreClient => identityStoreClientFor(harness.emulator);

describe('Identity Store', () => {
  it('describes the world’s users and groups, through the unmodified SDK on the same port', async () => {
    const client = identityStoreClient();
    try {
      const user = await client.send(
        new DescribeUserCommand({ IdentityStoreId: IDENTITY_STORE_ID, UserId: ALICE }),
      );
      expect(user).toMatchObject({ IdentityStoreId: IDENTITY_STORE_ID, UserId: ALICE, UserName: 'alice' });
      const group = await client.send(
        new DescribeGroupCommand({ IdentityStoreId: IDENTITY_STORE_ID, GroupId: ADMINS_GROUP }),
      );
      expect(group).toMatchObject({ GroupId: ADMINS_GROUP, DisplayName: 'Administrators' });
      expect(harness.emulator.calls().map(({ service, operation }) => `${service}:${operation}`)).toEqual([
        'identitystore:DescribeUser',
        'identitystore:DescribeGroup',
      ]);
    } finally {
      client.destroy();
    }
  });

  it('answers ResourceNotFoundException with ResourceType and ResourceId, as the model shapes it', async () => {
    const client = identityStoreClient();
    try {
      harness.emulator.state.removePrincipal('USER', ALICE);
      const missingUser = await rejectionOf(
        client.send(new DescribeUserCommand({ IdentityStoreId: IDENTITY_STORE_ID, UserId: ALICE })),
      );
      expect(missingUser).toBeInstanceOf(IdentityStoreNotFound);
      expect(missingUser).toMatchObject({ ResourceType: 'USER', ResourceId: ALICE });
      const otherStore = await rejectionOf(
        client.send(new DescribeGroupCommand({ IdentityStoreId: 'd-0000000000', GroupId: ADMINS_GROUP })),
      );
      expect(otherStore).toMatchObject({ name: 'ResourceNotFoundException', ResourceType: 'IDENTITY_STORE' });
    } finally {
      client.destroy();
    }
  });

  it('validates input against the Identity Store model', async () => {
    const client = identityStoreClient();
    try {
      const invalid = await rejectionOf(
        client.send(
          new DescribeUserCommand({ IdentityStoreId: IDENTITY_STORE_ID, UserId: 'not a user id!' }),
        ),
      );
      expect(invalid).toBeInstanceOf(IdentityStoreValidation);
      expect(invalid.message).toMatch(/userId/);
    } finally {
      client.destroy();
    }
  });
});

describe('a principal deleted from the identity store (SCIM deprovisioning)', () => {
  it('leaves its account assignments listed, and deleting one FAILs with the "not found in directory" reason', async () => {
    const assignment = tuple({ principalId: ALICE });
    harness.emulator.state.addAccountAssignment(assignment);
    expect(harness.emulator.state.removePrincipal('USER', ALICE)).toBe(true);

    const listed = await harness.client.send(
      new ListAccountAssignmentsCommand({
        InstanceArn: INSTANCE_ARN,
        AccountId: DEV_ACCOUNT,
        PermissionSetArn: assignment.permissionSetArn,
      }),
    );
    expect(listed.AccountAssignments).toEqual([expect.objectContaining({ PrincipalId: ALICE })]);

    const submitted = await harness.client.send(new DeleteAccountAssignmentCommand(writeInput(assignment)));
    harness.clock.advance(PROVISIONING_MS);
    const status = await harness.client.send(
      new DescribeAccountAssignmentDeletionStatusCommand({
        InstanceArn: INSTANCE_ARN,
        AccountAssignmentDeletionRequestId: submitted.AccountAssignmentDeletionStatus?.RequestId,
      }),
    );
    expect(status.AccountAssignmentDeletionStatus).toMatchObject({
      Status: 'FAILED',
      FailureReason: `Received a 404 status error: the USER assignee ${ALICE} was not found in directory ${IDENTITY_STORE_ID}`,
    });
    expect(harness.emulator.state.accountAssignments()).toEqual([assignment]);
  });

  it('leaves its application assignments, and deleting one is ResourceNotFoundException', async () => {
    const key = { ApplicationArn: GRAFANA_APP, PrincipalType: 'GROUP' as const, PrincipalId: ADMINS_GROUP };
    await harness.client.send(new CreateApplicationAssignmentCommand(key));
    harness.emulator.state.removePrincipal('GROUP', ADMINS_GROUP);
    await expect(harness.client.send(new DescribeApplicationAssignmentCommand(key))).resolves.toMatchObject(
      key,
    );
    const failure = await rejectionOf(harness.client.send(new DeleteApplicationAssignmentCommand(key)));
    expect(failure).toBeInstanceOf(ResourceNotFoundException);
    expect(failure.message).toMatch(/GROUP assignee .* was not found in directory/);
    expect(harness.emulator.state.applicationAssignments()).toHaveLength(1);
  });
});

describe('an instance whose customer managed KMS key is unusable', () => {
  const cases: [KmsKeyProblem, new (...args: never[]) => Error][] = [
    ['missing', ResourceNotFoundException],
    ['disabled', ValidationException],
    ['invalid-state', ValidationException],
    ['invalid-key-usage', ValidationException],
    ['access-denied', AccessDeniedException],
    ['throttled', ThrottlingException],
  ];

  it.each(cases)(
    '%s: data operations fail with the modelled error and its KMS Reason',
    async (problem, errorClass) => {
      harness.emulator.state.setInstanceKeyProblem(problem);
      const failure = await rejectionOf(
        harness.client.send(
          new ListAccountAssignmentsCommand({
            InstanceArn: INSTANCE_ARN,
            AccountId: DEV_ACCOUNT,
            PermissionSetArn: tuple().permissionSetArn,
          }),
        ),
      );
      expect(failure).toBeInstanceOf(errorClass);
      expect(failure).toMatchObject({ Reason: KMS_KEY_PROBLEMS[problem].reason });
      const application = await rejectionOf(
        harness.client.send(
          new DescribeApplicationAssignmentCommand({
            ApplicationArn: GRAFANA_APP,
            PrincipalType: 'USER',
            PrincipalId: ALICE,
          }),
        ),
      );
      expect(application).toMatchObject({ Reason: KMS_KEY_PROBLEMS[problem].reason });
      expect(harness.emulator.state.snapshot().instanceKeyProblem).toBe(problem);
    },
  );

  it('keeps instance metadata readable, and works again once the key is restored', async () => {
    harness.emulator.state.setInstanceKeyProblem('missing');
    await expect(harness.client.send(new ListInstancesCommand({}))).resolves.toBeDefined();
    const instance = await harness.client.send(new DescribeInstanceCommand({ InstanceArn: INSTANCE_ARN }));
    expect(instance).toMatchObject({
      InstanceArn: INSTANCE_ARN,
      IdentityStoreId: IDENTITY_STORE_ID,
      Status: 'ACTIVE',
    });
    harness.emulator.state.setInstanceKeyProblem(undefined);
    await expect(
      harness.client.send(
        new ListAccountAssignmentsCommand({
          InstanceArn: INSTANCE_ARN,
          AccountId: DEV_ACCOUNT,
          PermissionSetArn: tuple().permissionSetArn,
        }),
      ),
    ).resolves.toMatchObject({ AccountAssignments: [] });
  });

  it('is reset with the rest of the world', () => {
    harness.emulator.state.setInstanceKeyProblem('disabled');
    harness.emulator.reset();
    expect(harness.emulator.state.snapshot().instanceKeyProblem).toBeUndefined();
  });
});

describe('admin route', () => {
  async function post(body: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${harness.emulator.endpoint}/__emulator/state`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  }

  it('removes a principal and sets or clears a key problem', async () => {
    await expect(
      post({ action: 'removePrincipal', principalType: 'USER', principalId: ALICE }),
    ).resolves.toEqual({
      status: 200,
      body: { changed: true },
    });
    expect(harness.emulator.state.world().users.map((user) => user.id)).not.toContain(ALICE);
    await post({ action: 'setInstanceKeyProblem', problem: 'missing' });
    expect(harness.emulator.state.snapshot().instanceKeyProblem).toBe('missing');
    await post({ action: 'setInstanceKeyProblem', problem: null });
    expect(harness.emulator.state.snapshot().instanceKeyProblem).toBeUndefined();
  });

  it('names what is wrong with a malformed request', async () => {
    const wrongType = await post({ action: 'removePrincipal', principalType: 'ROLE', principalId: ALICE });
    expect(wrongType.status).toBe(400);
    expect(JSON.stringify(wrongType.body)).toMatch(/principalType USER\|GROUP/);
    const wrongProblem = await post({ action: 'setInstanceKeyProblem', problem: 'melted' });
    expect(wrongProblem.status).toBe(400);
    expect(JSON.stringify(wrongProblem.body)).toMatch(/missing\|disabled/);
  });
});

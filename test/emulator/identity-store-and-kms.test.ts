import {
  DescribeGroupCommand,
  DescribeUserCommand,
  GetGroupIdCommand,
  GetUserIdCommand,
  IdentitystoreClient,
  ListGroupsCommand,
  ListUsersCommand,
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
import type { DocumentType } from '@smithy/types';
import {
  DEFAULT_WORLD,
  KMS_KEY_PROBLEMS,
  UNKNOWN_PRINCIPAL_ID,
  type KmsKeyProblem,
} from '../../dev/emulator';
import {
  ADMINS_GROUP,
  ALICE,
  BOB,
  CAROL,
  DEVELOPERS_GROUP,
  DEV_ACCOUNT,
  GRAFANA_APP,
  identityStoreClientFor,
  INSTANCE_ARN,
  rawCall,
  rejectionOf,
  tuple,
  useEmulator,
  writeInput,
  postState,
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

describe('Identity Store: IDs by name, lists, renames', () => {
  const userIdOf = (client: IdentitystoreClient, userName: DocumentType) =>
    client.send(
      new GetUserIdCommand({
        IdentityStoreId: IDENTITY_STORE_ID,
        AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: userName } },
      }),
    );
  const groupIdOf = (client: IdentitystoreClient, displayName: string) =>
    client.send(
      new GetGroupIdCommand({
        IdentityStoreId: IDENTITY_STORE_ID,
        AlternateIdentifier: {
          UniqueAttribute: { AttributePath: 'displayName', AttributeValue: displayName },
        },
      }),
    );

  it('GetUserId and GetGroupId find a principal by its name attribute', async () => {
    const client = identityStoreClient();
    try {
      await expect(userIdOf(client, 'bob')).resolves.toMatchObject({
        IdentityStoreId: IDENTITY_STORE_ID,
        UserId: BOB,
      });
      await expect(groupIdOf(client, 'Developers')).resolves.toMatchObject({ GroupId: DEVELOPERS_GROUP });
      expect(harness.emulator.calls().map(({ service, operation }) => `${service}:${operation}`)).toEqual([
        'identitystore:GetUserId',
        'identitystore:GetGroupId',
      ]);
    } finally {
      client.destroy();
    }
  });

  it('answers a name no principal has, or an external ID, with ResourceNotFoundException and its ResourceType', async () => {
    const client = identityStoreClient();
    try {
      const user = await rejectionOf(userIdOf(client, 'mallory'));
      expect(user).toBeInstanceOf(IdentityStoreNotFound);
      expect(user).toMatchObject({ ResourceType: 'USER' });
      const group = await rejectionOf(groupIdOf(client, 'Nobody'));
      expect(group).toMatchObject({ name: 'ResourceNotFoundException', ResourceType: 'GROUP' });
      // The seeded principals were not synchronised from an IdP: no external ID finds one.
      const external = await rejectionOf(
        client.send(
          new GetUserIdCommand({
            IdentityStoreId: IDENTITY_STORE_ID,
            AlternateIdentifier: { ExternalId: { Issuer: 'https://idp.example.com', Id: 'alice' } },
          }),
        ),
      );
      expect(external).toMatchObject({ name: 'ResourceNotFoundException', ResourceType: 'USER' });
    } finally {
      client.destroy();
    }
  });

  it('refuses an attribute it cannot look up, a value that is not a name, and an identifier of both kinds', async () => {
    const client = identityStoreClient();
    try {
      const attribute = await rejectionOf(
        client.send(
          new GetUserIdCommand({
            IdentityStoreId: IDENTITY_STORE_ID,
            AlternateIdentifier: { UniqueAttribute: { AttributePath: 'nickName', AttributeValue: 'al' } },
          }),
        ),
      );
      expect(attribute).toBeInstanceOf(IdentityStoreValidation);
      expect(await rejectionOf(userIdOf(client, { first: 'alice' }))).toBeInstanceOf(IdentityStoreValidation);
      // AlternateIdentifier is a union in the model: exactly one member. The SDK sends what it is given.
      const both = await rawCall(
        harness.emulator,
        'AWSIdentityStore.GetUserId',
        JSON.stringify({
          IdentityStoreId: IDENTITY_STORE_ID,
          AlternateIdentifier: {
            UniqueAttribute: { AttributePath: 'userName', AttributeValue: 'alice' },
            ExternalId: { Issuer: 'https://idp.example.com', Id: 'alice' },
          },
        }),
      );
      expect(both.status).toBe(400);
      expect(both.body).toMatchObject({
        __type: 'ValidationException',
        message: expect.stringContaining("at 'alternateIdentifier' failed to satisfy constraint"),
      });
    } finally {
      client.destroy();
    }
  });

  it('ListUsers and ListGroups page through the store, and filter on the name', async () => {
    const client = identityStoreClient();
    try {
      const first = await client.send(
        new ListUsersCommand({ IdentityStoreId: IDENTITY_STORE_ID, MaxResults: 2 }),
      );
      expect(first.Users?.map((user) => user.UserId)).toEqual([ALICE, BOB]);
      const second = await client.send(
        new ListUsersCommand({
          IdentityStoreId: IDENTITY_STORE_ID,
          MaxResults: 2,
          NextToken: first.NextToken,
        }),
      );
      expect(second.Users).toEqual([
        { IdentityStoreId: IDENTITY_STORE_ID, UserId: CAROL, UserName: 'carol' },
      ]);
      expect(second.NextToken).toBeUndefined();
      const groups = await client.send(
        new ListGroupsCommand({
          IdentityStoreId: IDENTITY_STORE_ID,
          Filters: [{ AttributePath: 'DisplayName', AttributeValue: 'Auditors' }],
        }),
      );
      expect(groups.Groups?.map((group) => group.DisplayName)).toEqual(['Auditors']);
    } finally {
      client.destroy();
    }
  });

  it('a renamed user or group is found by its new name, not its old one; its ID stays', async () => {
    const client = identityStoreClient();
    try {
      expect(harness.emulator.state.renamePrincipal('USER', ALICE, 'alice.smith')).toBe(true);
      expect(harness.emulator.state.renamePrincipal('GROUP', ADMINS_GROUP, 'PlatformAdmins')).toBe(true);
      expect(harness.emulator.state.renamePrincipal('USER', UNKNOWN_PRINCIPAL_ID, 'nobody')).toBe(false);
      await expect(userIdOf(client, 'alice.smith')).resolves.toMatchObject({ UserId: ALICE });
      expect(await rejectionOf(userIdOf(client, 'alice'))).toBeInstanceOf(IdentityStoreNotFound);
      await expect(
        client.send(new DescribeUserCommand({ IdentityStoreId: IDENTITY_STORE_ID, UserId: ALICE })),
      ).resolves.toMatchObject({ UserName: 'alice.smith' });
      await expect(groupIdOf(client, 'PlatformAdmins')).resolves.toMatchObject({ GroupId: ADMINS_GROUP });
      harness.emulator.reset();
      await expect(userIdOf(client, 'alice')).resolves.toMatchObject({ UserId: ALICE });
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
  const post = (body: unknown) => postState(harness.emulator, body);

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

  it('renames a principal', async () => {
    await expect(
      post({ action: 'renamePrincipal', principalType: 'GROUP', principalId: ADMINS_GROUP, name: 'Admins' }),
    ).resolves.toEqual({ status: 200, body: { changed: true } });
    expect(harness.emulator.state.world().groups.find((group) => group.id === ADMINS_GROUP)?.name).toBe(
      'Admins',
    );
    const nameless = await post({
      action: 'renamePrincipal',
      principalType: 'GROUP',
      principalId: ADMINS_GROUP,
    });
    expect(nameless.status).toBe(400);
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

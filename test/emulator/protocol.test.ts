import {
  AccessDeniedException,
  CreatePermissionSetCommand,
  InternalServerException,
  ListInstancesCommand,
  ListPermissionSetsCommand,
  paginateListPermissionSets,
  ProvisionPermissionSetCommand,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  SSOAdminClient,
  ThrottlingException,
  ValidationException,
  ConflictException,
  CreateAccountAssignmentCommand,
  ListAccountAssignmentsCommand,
} from '@aws-sdk/client-sso-admin';
import { compileModelPattern, inputPatterns } from '../../dev/emulator/model';
import { DEFAULT_WORLD, EMULATED_OPERATIONS, type ModelledErrorName } from '../../dev/emulator';
import {
  ADMIN_PS,
  DEV_ACCOUNT,
  INSTANCE_ARN,
  rawCall,
  rejectionOf,
  tuple,
  useEmulator,
  writeInput,
} from './helpers';

const harness = useEmulator({ requestsPerSecond: Infinity });

describe('wire protocol', () => {
  it('answers ListInstances with the seeded instance', async () => {
    const output = await harness.client.send(new ListInstancesCommand({}));
    expect(output.Instances).toEqual([
      {
        InstanceArn: DEFAULT_WORLD.instanceArn,
        IdentityStoreId: DEFAULT_WORLD.identityStoreId,
        OwnerAccountId: DEFAULT_WORLD.ownerAccountId,
        CreatedDate: expect.any(Date),
        Status: 'ACTIVE',
      },
    ]);
  });

  it('is reachable through AWS_ENDPOINT_URL_SSO_ADMIN', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_SSO_ADMIN;
    process.env.AWS_ENDPOINT_URL_SSO_ADMIN = harness.emulator.endpoint;
    try {
      const client = new SSOAdminClient({
        region: DEFAULT_WORLD.region,
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
        maxAttempts: 1,
      });
      const output = await client.send(new ListInstancesCommand({}));
      client.destroy();
      expect(output.Instances?.[0]?.InstanceArn).toBe(DEFAULT_WORLD.instanceArn);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_SSO_ADMIN;
      else process.env.AWS_ENDPOINT_URL_SSO_ADMIN = saved;
    }
  });

  it('answers an operation it does not emulate with UnknownOperationException', async () => {
    const error = await rejectionOf(
      harness.client.send(
        new ProvisionPermissionSetCommand({
          InstanceArn: INSTANCE_ARN,
          PermissionSetArn: ADMIN_PS,
          TargetType: 'ALL_PROVISIONED_ACCOUNTS',
        }),
      ),
    );
    expect(error.name).toBe('UnknownOperationException');
    const raw = await rawCall(harness.emulator, 'SomeOtherService.ListInstances', '{}');
    expect(raw.status).toBe(400);
    expect(raw.body).toMatchObject({ __type: 'com.amazon.coral.service#UnknownOperationException' });
    expect(raw.headers.get('x-amzn-errortype')).toBe('com.amazon.coral.service#UnknownOperationException');
  });

  it('answers a body that is not JSON with SerializationException', async () => {
    const raw = await rawCall(harness.emulator, 'SWBExternalService.ListInstances', '{not json');
    expect(raw.status).toBe(400);
    expect(raw.body).toMatchObject({ __type: 'com.amazon.coral.service#SerializationException' });
  });

  it('requires an Authorization header (AccessDeniedException without one)', async () => {
    const raw = await rawCall(harness.emulator, 'SWBExternalService.ListInstances', '{}', {});
    expect(raw.status).toBe(400);
    expect(raw.body).toMatchObject({ __type: 'AccessDeniedException' });
    expect(raw.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    expect(harness.emulator.calls()).toEqual([
      {
        service: 'sso-admin',
        operation: 'ListInstances',
        input: {},
        at: harness.clock.now(),
        outcome: 'AccessDeniedException',
      },
    ]);
  });

  it('accepts any signature', async () => {
    const raw = await rawCall(harness.emulator, 'SWBExternalService.ListInstances', '{}', {
      authorization: 'AWS4-HMAC-SHA256 Credential=nobody, Signature=not-a-signature',
    });
    expect(raw.status).toBe(200);
  });

  it.each<[ModelledErrorName, new (...args: never[]) => Error]>([
    ['AccessDeniedException', AccessDeniedException],
    ['ConflictException', ConflictException],
    ['InternalServerException', InternalServerException],
    ['ResourceNotFoundException', ResourceNotFoundException],
    ['ServiceQuotaExceededException', ServiceQuotaExceededException],
    ['ThrottlingException', ThrottlingException],
    ['ValidationException', ValidationException],
  ])('the SDK maps %s to its modelled exception class', async (errorName, errorClass) => {
    harness.emulator.faults.error({ count: 1, errorName, message: `injected ${errorName}` });
    const error = await rejectionOf(harness.client.send(new ListInstancesCommand({})));
    expect(error).toBeInstanceOf(errorClass);
    expect(error.message).toBe(`injected ${errorName}`);
    expect(error.$metadata?.httpStatusCode).toBe(errorName === 'InternalServerException' ? 500 : 400);
  });
});

describe('input validation', () => {
  async function validationMessageOf(promise: Promise<unknown>): Promise<string> {
    const error = await rejectionOf(promise);
    expect(error).toBeInstanceOf(ValidationException);
    return error.message;
  }

  it('compiles every input pattern of every emulated operation', () => {
    for (const operation of EMULATED_OPERATIONS) {
      for (const pattern of inputPatterns(operation))
        expect(() => compileModelPattern(pattern)).not.toThrow();
    }
  });

  it('anchors patterns', async () => {
    const message = await validationMessageOf(
      harness.client.send(
        new CreateAccountAssignmentCommand({ ...writeInput(tuple()), TargetId: '1234567890123' }),
      ),
    );
    expect(message).toContain("at 'targetId'");
    expect(message).toContain('Member must have length less than or equal to 12');
    const embedded = await validationMessageOf(
      harness.client.send(
        new CreateAccountAssignmentCommand({
          ...writeInput(tuple()),
          PrincipalId: `x${tuple().principalId}`,
        }),
      ),
    );
    expect(embedded).toMatch(
      /at 'principalId' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    );
  });

  it('names a missing required member', async () => {
    const message = await validationMessageOf(
      harness.client.send(
        new CreateAccountAssignmentCommand({ ...writeInput(tuple()), PrincipalId: undefined }),
      ),
    );
    expect(message).toBe(
      "1 validation error detected: Value null at 'principalId' failed to satisfy constraint: Member must not be null",
    );
  });

  it('checks enums', async () => {
    const raw = await rawCall(
      harness.emulator,
      'SWBExternalService.CreateAccountAssignment',
      JSON.stringify({ ...writeInput(tuple()), PrincipalType: 'ROLE' }),
    );
    expect(raw.body).toMatchObject({
      __type: 'ValidationException',
      message: expect.stringContaining(
        "Value 'ROLE' at 'principalType' failed to satisfy constraint: Member must satisfy enum value set: [USER, GROUP]",
      ),
    });
  });

  it.each([0, 101])('checks the MaxResults range (%d)', async (maxResults) => {
    const message = await validationMessageOf(
      harness.client.send(
        new ListPermissionSetsCommand({ InstanceArn: INSTANCE_ARN, MaxResults: maxResults }),
      ),
    );
    expect(message).toContain(`Value '${maxResults}' at 'maxResults'`);
    expect(message).toMatch(maxResults === 0 ? /greater than or equal to 1/ : /less than or equal to 100/);
  });

  it('checks types', async () => {
    const raw = await rawCall(
      harness.emulator,
      'SWBExternalService.ListPermissionSets',
      JSON.stringify({ InstanceArn: INSTANCE_ARN, MaxResults: '5' }),
    );
    expect(raw.body).toMatchObject({
      __type: 'ValidationException',
      message: expect.stringContaining(
        "at 'maxResults' failed to satisfy constraint: Member must be of type integer",
      ),
    });
  });

  it('checks list members and nested structures, and \\p{L} patterns', async () => {
    const message = await validationMessageOf(
      harness.client.send(
        new CreatePermissionSetCommand({
          InstanceArn: INSTANCE_ARN,
          Name: 'Tagged',
          Tags: [
            { Key: 'Équipe', Value: 'Données' },
            { Key: 'bad<key>', Value: 'v' },
          ],
        }),
      ),
    );
    expect(message).toMatch(/^1 validation error detected: Value 'bad<key>' at 'tags\.2\.member\.key'/);
  });

  it('reports every violation of a request', async () => {
    const message = await validationMessageOf(
      harness.client.send(
        new ListAccountAssignmentsCommand({
          InstanceArn: 'bad',
          AccountId: DEV_ACCOUNT,
          PermissionSetArn: undefined,
        }),
      ),
    );
    expect(message).toMatch(/^3 validation errors detected: /);
    expect(message).toContain("Value null at 'permissionSetArn'");
  });

  it('accepts the RelayState pattern (which escapes a space)', async () => {
    const output = await harness.client.send(
      new CreatePermissionSetCommand({
        InstanceArn: INSTANCE_ARN,
        Name: 'WithRelayState',
        RelayState: 'https://console.aws.amazon.com/s3/home?region=us-east-1 (home)',
      }),
    );
    expect(output.PermissionSet?.RelayState).toBe(
      'https://console.aws.amazon.com/s3/home?region=us-east-1 (home)',
    );
  });

  it('ignores unknown members, as AWS JSON services do', async () => {
    const raw = await rawCall(
      harness.emulator,
      'SWBExternalService.ListPermissionSets',
      JSON.stringify({ InstanceArn: INSTANCE_ARN, SomethingNew: true }),
    );
    expect(raw.status).toBe(200);
  });
});

describe('pagination', () => {
  beforeEach(() => {
    for (let index = 0; index < 45; index += 1) {
      harness.emulator.state.addPermissionSet({ name: `Extra${index}` });
    }
  });

  it('pages with the default page size of 20 and an opaque NextToken', async () => {
    const first = await harness.client.send(new ListPermissionSetsCommand({ InstanceArn: INSTANCE_ARN }));
    expect(first.PermissionSets).toHaveLength(20);
    expect(first.NextToken).toMatch(/^[-a-zA-Z0-9+=/_]+$/);
    const second = await harness.client.send(
      new ListPermissionSetsCommand({ InstanceArn: INSTANCE_ARN, NextToken: first.NextToken }),
    );
    expect(second.PermissionSets).toHaveLength(20);
    const third = await harness.client.send(
      new ListPermissionSetsCommand({ InstanceArn: INSTANCE_ARN, NextToken: second.NextToken }),
    );
    expect(third.PermissionSets).toHaveLength(8);
    expect(third.NextToken).toBeUndefined();
  });

  it('returns every item exactly once across pages of MaxResults', async () => {
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateListPermissionSets(
      { client: harness.client, pageSize: 7 },
      { InstanceArn: INSTANCE_ARN },
    )) {
      pages += 1;
      expect(page.PermissionSets?.length).toBeLessThanOrEqual(7);
      seen.push(...(page.PermissionSets ?? []));
    }
    expect(pages).toBe(7);
    expect(seen).toEqual(harness.emulator.state.permissionSets().map((permissionSet) => permissionSet.arn));
  });

  it('rejects a token that does not decode, or that belongs to another operation', async () => {
    const garbage = await rejectionOf(
      harness.client.send(
        new ListPermissionSetsCommand({ InstanceArn: INSTANCE_ARN, NextToken: 'bm90LWEtdG9rZW4' }),
      ),
    );
    expect(garbage).toBeInstanceOf(ValidationException);
    const first = await harness.client.send(new ListPermissionSetsCommand({ InstanceArn: INSTANCE_ARN }));
    const foreign = await rejectionOf(
      harness.client.send(
        new ListAccountAssignmentsCommand({
          InstanceArn: INSTANCE_ARN,
          AccountId: DEV_ACCOUNT,
          PermissionSetArn: ADMIN_PS,
          NextToken: first.NextToken,
        }),
      ),
    );
    expect(foreign).toBeInstanceOf(ValidationException);
  });
});

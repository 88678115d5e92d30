import {
  AccessDeniedException,
  AccountAssignment,
  ConflictException,
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribeInstanceCommand,
  InternalServerException,
  ListAccountAssignmentsCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListPermissionSetsCommand,
  ListPermissionSetsProvisionedToAccountCommand,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  SSOAdminClient,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-sso-admin';
import {
  DescribeUserCommand,
  ResourceNotFoundException as IdentityStoreNotFound,
} from '@aws-sdk/client-identitystore';
import { mockClient } from 'aws-sdk-client-mock';
import { entrypoint, testEntrypoint } from '../../src/assignment/handlers';
import { sealPageToken } from '../../src/core/list-pages';
import { RETRY_POLICY } from '../../src/core/retry-policy';
import {
  asProgress,
  CALLER_CREDENTIALS,
  handlerRequest,
  LAMBDA_CONTEXT,
  ProgressPayload,
} from '../support/handler-request';
import { IDENTITY_STORE_ID, mockIdentityStore } from '../support/identity-store-mock';

const sso = mockClient(SSOAdminClient);
const principals = mockIdentityStore(sso);

const TYPE_NAME = 'AWS::SSO::Assignment';
const INSTANCE = 'arn:aws:sso:::instance/ssoins-1234567890abcdef';
const PERMISSION_SET = 'arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-1234567890abcdef';
const OTHER_PERMISSION_SET = 'arn:aws:sso:::permissionSet/ssoins-1234567890abcdef/ps-fedcba0987654321';
const PRINCIPAL = '9067e5a4c1-2e5f4a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7';
const OTHER_PRINCIPAL = 'c2d3e4f5-a6b7-4e9f-a0b1-2e5f4a6b7c8d';
const ACCOUNT = '123456789012';
const OTHER_ACCOUNT = '210987654321';
const REQUEST_ID = 'a3c5e7f9-1b2d-4f6a-8c0e-123456789abc';

const MODEL = {
  InstanceArn: INSTANCE,
  PermissionSetArn: PERMISSION_SET,
  PrincipalId: PRINCIPAL,
  PrincipalType: 'USER',
  TargetId: ACCOUNT,
  TargetType: 'AWS_ACCOUNT',
};

const LISTED: AccountAssignment = {
  AccountId: ACCOUNT,
  PermissionSetArn: PERMISSION_SET,
  PrincipalId: PRINCIPAL,
  PrincipalType: 'USER',
};

async function invoke(
  action: 'CREATE' | 'READ' | 'DELETE' | 'LIST',
  properties: unknown,
  callbackContext?: Record<string, unknown>,
): Promise<ProgressPayload> {
  return asProgress(
    await entrypoint(
      handlerRequest(action, properties, { callbackContext, resourceType: TYPE_NAME }),
      LAMBDA_CONTEXT,
    ),
  );
}

function awsError(name: string, message = `${name} raised by the test`): Error {
  return Object.assign(new Error(message), { name, $metadata: {} });
}

let logLines: string[] = [];

beforeEach(() => {
  sso.reset();
  principals.reset();
  logLines = [];
  jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logLines.push(args.map(String).join(' '));
  });
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('input validation (before any AWS call)', () => {
  test.each([
    ['TargetId', { ...MODEL, TargetId: '12345' }, /Property TargetId must match the pattern \^\\d\{12\}\$/],
    [
      'PrincipalType',
      { ...MODEL, PrincipalType: 'ROLE' },
      /Property PrincipalType must be one of: USER, GROUP/,
    ],
    ['InstanceArn', { ...MODEL, InstanceArn: 'arn:aws:iam:::instance/x' }, /Property InstanceArn must match/],
    ['TargetType', { ...MODEL, TargetType: 'OU' }, /Property TargetType must be one of: AWS_ACCOUNT/],
    ['PrincipalId', { ...MODEL, PrincipalId: 42 }, /Property PrincipalId must be of type string/],
  ])('%s breaking its rule is InvalidRequest naming it', async (_name, properties, message) => {
    for (const action of ['CREATE', 'READ', 'DELETE'] as const) {
      const response = await invoke(action, properties);
      expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
      expect(response.message).toMatch(message);
    }
    expect(sso.calls()).toHaveLength(0);
  });

  test('a missing property is named as required', async () => {
    const { PrincipalType: _omitted, ...withoutType } = MODEL;
    const response = await invoke('CREATE', withoutType);
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
    expect(response.message).toContain('Property PrincipalType is required');
    expect(sso.calls()).toHaveLength(0);
  });

  test('an unknown property is rejected, not silently dropped', async () => {
    const response = await invoke('CREATE', { ...MODEL, Permission: 'Admin' });
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
    expect(response.message).toContain('Property Permission is not defined by the schema');
    expect(sso.calls()).toHaveLength(0);
  });

  test('a null property is reported as missing', async () => {
    const response = await invoke('CREATE', { ...MODEL, PrincipalId: null });
    expect(response.errorCode).toBe('InvalidRequest');
    expect(response.message).toContain('PrincipalId');
    expect(sso.calls()).toHaveLength(0);
  });

  test('resource properties that are not an object are rejected', async () => {
    const response = await invoke('CREATE', 'InstanceArn');
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
    expect(sso.calls()).toHaveLength(0);
  });

  test('LIST requires InstanceArn and checks the narrowing properties', async () => {
    const missing = await invoke('LIST', { TargetId: ACCOUNT });
    expect(missing.errorCode).toBe('InvalidRequest');
    expect(missing.message).toContain('Property InstanceArn is required');
    const badTarget = await invoke('LIST', { InstanceArn: INSTANCE, TargetId: 'abc' });
    expect(badTarget.errorCode).toBe('InvalidRequest');
    expect(badTarget.message).toContain('Property TargetId');
    expect(sso.calls()).toHaveLength(0);
  });
});

describe('CREATE', () => {
  test('first checks the assignment is absent and answers IN_PROGRESS with a submit marker, sending nothing', async () => {
    sso.on(ListAccountAssignmentsCommand).resolves({ AccountAssignments: [] });
    const response = await invoke('CREATE', MODEL);
    expect(response.status).toBe('IN_PROGRESS');
    expect(response.resourceModel).toEqual(MODEL);
    expect(response.callbackContext).toMatchObject({ phase: 'submit' });
    expect(response.callbackDelaySeconds).toBe(0);
    expect(sso.commandCalls(CreateAccountAssignmentCommand)).toHaveLength(0);
  });

  test('with the submit marker it sends CreateAccountAssignment, checks it within the invocation, then hands the wait to CloudFormation', async () => {
    sso.on(CreateAccountAssignmentCommand).resolves({
      AccountAssignmentCreationStatus: { Status: 'IN_PROGRESS', RequestId: REQUEST_ID },
    });
    sso.on(DescribeAccountAssignmentCreationStatusCommand).resolves({
      AccountAssignmentCreationStatus: { Status: 'IN_PROGRESS', RequestId: REQUEST_ID },
    });
    const startedAt = Date.now() - 1000;
    const response = await invoke('CREATE', MODEL, Object.freeze({ version: 1, phase: 'submit', startedAt }));
    const checks = RETRY_POLICY.inInvocationCheckOffsetsMs.length;
    expect(response.status).toBe('IN_PROGRESS');
    expect(response.resourceModel).toEqual(MODEL);
    expect(response.callbackContext).toEqual({
      version: 1,
      requests: [REQUEST_ID],
      phase: 'confirm',
      polls: checks,
      startedAt,
    });
    expect(sso.commandCalls(DescribeAccountAssignmentCreationStatusCommand)).toHaveLength(checks);
    // A few seconds into the write: CloudFormation calls back at once (its own re-invocation is the wait).
    expect(response.callbackDelaySeconds).toBe(0);
    expect(response.message).toBe(
      `CreateAccountAssignment request ${REQUEST_ID} is in progress (check ${checks + 1})`,
    );
    expect(sso.commandCalls(ListAccountAssignmentsCommand)).toHaveLength(0);
    expect(sso.commandCalls(CreateAccountAssignmentCommand)[0].args[0].input).toEqual({
      InstanceArn: INSTANCE,
      PermissionSetArn: PERMISSION_SET,
      PrincipalId: PRINCIPAL,
      PrincipalType: 'USER',
      TargetId: ACCOUNT,
      TargetType: 'AWS_ACCOUNT',
    });
  });

  test('provisioned within a few seconds: SUCCESS from the invocation that wrote it, with no callback', async () => {
    sso.on(CreateAccountAssignmentCommand).resolves({
      AccountAssignmentCreationStatus: { Status: 'IN_PROGRESS', RequestId: REQUEST_ID },
    });
    sso
      .on(DescribeAccountAssignmentCreationStatusCommand)
      .resolvesOnce({ AccountAssignmentCreationStatus: { Status: 'IN_PROGRESS', RequestId: REQUEST_ID } })
      .resolves({ AccountAssignmentCreationStatus: { Status: 'SUCCEEDED', RequestId: REQUEST_ID } });
    sso.on(ListAccountAssignmentsCommand).resolves({ AccountAssignments: [LISTED] });
    const response = await invoke('CREATE', MODEL, { version: 1, phase: 'submit', startedAt: Date.now() });
    expect(response).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });
    expect(sso.commandCalls(CreateAccountAssignmentCommand)).toHaveLength(1);
    expect(sso.commandCalls(DescribeAccountAssignmentCreationStatusCommand)).toHaveLength(2);
  });

  test('a re-sent submit after a crash, with the assignment already there, ends in SUCCESS, not AlreadyExists', async () => {
    sso.on(CreateAccountAssignmentCommand).resolves({
      AccountAssignmentCreationStatus: { Status: 'SUCCEEDED', RequestId: REQUEST_ID },
    });
    sso.on(ListAccountAssignmentsCommand).resolves({ AccountAssignments: [LISTED] });
    const response = await invoke('CREATE', MODEL, { version: 1, phase: 'submit', startedAt: Date.now() });
    expect(response).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });
  });

  test('on callback, SUCCEEDED answers SUCCESS with the model, without reading it back', async () => {
    sso.on(DescribeAccountAssignmentCreationStatusCommand).resolves({
      AccountAssignmentCreationStatus: { Status: 'SUCCEEDED', RequestId: REQUEST_ID },
    });
    const context = Object.freeze({
      version: 1,
      requests: [REQUEST_ID],
      startedAt: Date.now(),
      phase: 'confirm',
      polls: 0,
    });
    const response = await invoke('CREATE', MODEL, context);
    expect(response).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });
    expect(response.errorCode).toBeUndefined();
    expect(sso.commandCalls(DescribeAccountAssignmentCreationStatusCommand)[0].args[0].input).toEqual({
      InstanceArn: INSTANCE,
      AccountAssignmentCreationRequestId: REQUEST_ID,
    });
    // The status is the service's confirmation: no ListAccountAssignments, no second write.
    expect(sso.commandCalls(ListAccountAssignmentsCommand)).toHaveLength(0);
    expect(sso.commandCalls(CreateAccountAssignmentCommand)).toHaveLength(0);
  });

  test('still IN_PROGRESS: each callback checks a few times, then calls back after a share of the time taken, capped', async () => {
    sso.on(DescribeAccountAssignmentCreationStatusCommand).resolves({
      AccountAssignmentCreationStatus: { Status: 'IN_PROGRESS', RequestId: REQUEST_ID },
    });
    const checks = RETRY_POLICY.inInvocationCheckOffsetsMs.length + 1;
    for (const elapsedSeconds of [10, 50, 1000]) {
      sso.resetHistory();
      const context = { version: 1, requests: [REQUEST_ID], phase: 'confirm', polls: 3 };
      const startedAt = Date.now() - elapsedSeconds * 1000;
      const response = await invoke('CREATE', MODEL, { ...context, startedAt });
      expect(response.status).toBe('IN_PROGRESS');
      expect(response.resourceModel).toEqual(MODEL);
      expect(response.callbackContext).toEqual({ ...context, startedAt, polls: 3 + checks });
      expect(sso.commandCalls(DescribeAccountAssignmentCreationStatusCommand)).toHaveLength(checks);
      // About callbackShareOfElapsed of the time taken, jittered down to half, never past the cap.
      const base = Math.min(
        RETRY_POLICY.callbackDelayCapSeconds,
        RETRY_POLICY.callbackShareOfElapsed * (elapsedSeconds + 1),
      );
      expect(response.callbackDelaySeconds).toBeGreaterThanOrEqual(
        Math.floor(
          Math.min(
            RETRY_POLICY.callbackDelayCapSeconds,
            RETRY_POLICY.callbackShareOfElapsed * elapsedSeconds,
          ) / 2,
        ),
      );
      expect(response.callbackDelaySeconds).toBeLessThanOrEqual(base);
    }
  });

  test('FAILED reports the reason and request id with a specific code where the reason shows one', async () => {
    sso.on(DescribeAccountAssignmentCreationStatusCommand).resolves({
      AccountAssignmentCreationStatus: {
        Status: 'FAILED',
        RequestId: REQUEST_ID,
        FailureReason: 'Request failed because the account 123456789012 is suspended',
      },
    });
    const response = await invoke('CREATE', MODEL, {
      version: 1,
      requests: [REQUEST_ID],
      startedAt: Date.now(),
      phase: 'confirm',
      polls: 2,
    });
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
    expect(response.message).toContain(REQUEST_ID);
    expect(response.message).toContain('is suspended');
  });

  test('FAILED with an unrecognised reason is GeneralServiceException', async () => {
    sso.on(DescribeAccountAssignmentCreationStatusCommand).resolves({
      AccountAssignmentCreationStatus: {
        Status: 'FAILED',
        RequestId: REQUEST_ID,
        FailureReason: 'Something odd',
      },
    });
    const response = await invoke('CREATE', MODEL, {
      version: 1,
      requests: [REQUEST_ID],
      startedAt: Date.now(),
      phase: 'confirm',
      polls: 0,
    });
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'GeneralServiceException' });
    expect(response.message).toContain('Something odd');
  });

  test('past the stabilization deadline it fails NotStabilized', async () => {
    sso.on(DescribeAccountAssignmentCreationStatusCommand).resolves({
      AccountAssignmentCreationStatus: { Status: 'IN_PROGRESS', RequestId: REQUEST_ID },
    });
    const startedAt = Date.now() - 26 * 60 * 1000;
    const response = await invoke('CREATE', MODEL, {
      version: 1,
      requests: [REQUEST_ID],
      startedAt,
      phase: 'confirm',
      polls: 40,
    });
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'NotStabilized' });
    expect(response.message).toContain(REQUEST_ID);
  });

  test('an existing assignment, even on a later page, is AlreadyExists and nothing is created', async () => {
    sso
      .on(ListAccountAssignmentsCommand)
      .resolvesOnce({
        AccountAssignments: [{ ...LISTED, PrincipalId: OTHER_PRINCIPAL }],
        NextToken: 'page-2',
      })
      .resolvesOnce({ AccountAssignments: [LISTED] });
    const response = await invoke('CREATE', MODEL);
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'AlreadyExists' });
    expect(response.message).toContain("Resource of type 'AWS::SSO::Assignment'");
    expect(sso.commandCalls(ListAccountAssignmentsCommand)[1].args[0].input.NextToken).toBe('page-2');
    expect(sso.commandCalls(CreateAccountAssignmentCommand)).toHaveLength(0);
  });

  test('messages name the type CloudFormation invoked (private registrations use their own name)', async () => {
    sso.on(ListAccountAssignmentsCommand).resolves({ AccountAssignments: [LISTED] });
    const request = handlerRequest('CREATE', MODEL, { resourceType: 'Acme::SSO::Assignment' });
    const response = asProgress(await entrypoint(request, LAMBDA_CONTEXT));
    expect(response.errorCode).toBe('AlreadyExists');
    expect(response.message).toContain("Resource of type 'Acme::SSO::Assignment'");
  });

  test('throttled after the SDK retries: IN_PROGRESS with a jittered delay, resuming the same step', async () => {
    sso
      .on(CreateAccountAssignmentCommand)
      .rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));
    const response = await invoke('CREATE', MODEL, { version: 1, phase: 'submit', startedAt: Date.now() });
    expect(response.status).toBe('IN_PROGRESS');
    expect(response.callbackDelaySeconds).toBeGreaterThanOrEqual(3);
    expect(response.callbackDelaySeconds).toBeLessThanOrEqual(15);
    expect(response.callbackContext?.requestId).toBeUndefined();
    expect(response.callbackContext?.phase).toBe('submit');
    expect(typeof response.callbackContext?.startedAt).toBe('number');
    expect(response.resourceModel).toEqual(MODEL);
  });

  test('a conflict that outlives the deadline fails with ResourceConflict', async () => {
    sso.on(CreateAccountAssignmentCommand).rejects(new ConflictException({ message: 'busy', $metadata: {} }));
    const response = await invoke('CREATE', MODEL, {
      phase: 'submit',
      startedAt: Date.now() - 30 * 60 * 1000,
    });
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'ResourceConflict' });
  });

  test('missing caller credentials fail InvalidCredentials without an AWS call', async () => {
    const request = handlerRequest('CREATE', MODEL, {
      callerCredentials: undefined,
      resourceType: TYPE_NAME,
    });
    const response = asProgress(await entrypoint(request, LAMBDA_CONTEXT));
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InvalidCredentials' });
    expect(sso.calls()).toHaveLength(0);
  });
});

describe('DELETE', () => {
  test('deletes and stabilizes to SUCCESS without a resource model, within the invocation', async () => {
    sso.on(ListAccountAssignmentsCommand).resolves({ AccountAssignments: [LISTED] });
    sso.on(DeleteAccountAssignmentCommand).resolves({
      AccountAssignmentDeletionStatus: { Status: 'IN_PROGRESS', RequestId: REQUEST_ID },
    });
    sso.on(DescribeAccountAssignmentDeletionStatusCommand).resolves({
      AccountAssignmentDeletionStatus: { Status: 'SUCCEEDED', RequestId: REQUEST_ID },
    });
    const response = await invoke('DELETE', MODEL);
    expect(response.status).toBe('SUCCESS');
    expect(response.resourceModel).toBeUndefined();
    expect(sso.commandCalls(DeleteAccountAssignmentCommand)).toHaveLength(1);
    expect(sso.commandCalls(DescribeAccountAssignmentDeletionStatusCommand)).toHaveLength(1);
    expect(sso.commandCalls(DescribeAccountAssignmentDeletionStatusCommand)[0].args[0].input).toEqual({
      InstanceArn: INSTANCE,
      AccountAssignmentDeletionRequestId: REQUEST_ID,
    });
  });

  test('an absent assignment is NotFound and nothing is deleted', async () => {
    sso.on(ListAccountAssignmentsCommand).resolves({ AccountAssignments: [] });
    const response = await invoke('DELETE', MODEL);
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
    expect(sso.commandCalls(DeleteAccountAssignmentCommand)).toHaveLength(0);
  });

  test('a deleted permission set (ResourceNotFoundException) is NotFound', async () => {
    sso
      .on(ListAccountAssignmentsCommand)
      .rejects(new ResourceNotFoundException({ message: 'PermissionSet not found', $metadata: {} }));
    const response = await invoke('DELETE', MODEL);
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
  });

  test('FAILED because the entitlement no longer exists means it is already gone: SUCCESS', async () => {
    sso.on(DescribeAccountAssignmentDeletionStatusCommand).resolves({
      AccountAssignmentDeletionStatus: {
        Status: 'FAILED',
        RequestId: REQUEST_ID,
        FailureReason: "EntitlementItem doesn't exist",
      },
    });
    sso.on(ListAccountAssignmentsCommand).resolves({ AccountAssignments: [] });
    const response = await invoke('DELETE', MODEL, {
      version: 1,
      requests: [REQUEST_ID],
      startedAt: Date.now(),
      phase: 'confirm',
      polls: 1,
    });
    expect(response.status).toBe('SUCCESS');
    expect(response.resourceModel).toBeUndefined();
  });

  test('FAILED while the assignment is still there fails with the reason', async () => {
    sso.on(DescribeAccountAssignmentDeletionStatusCommand).resolves({
      AccountAssignmentDeletionStatus: {
        Status: 'FAILED',
        RequestId: REQUEST_ID,
        FailureReason: 'Access denied to role',
      },
    });
    sso.on(ListAccountAssignmentsCommand).resolves({ AccountAssignments: [LISTED] });
    const response = await invoke('DELETE', MODEL, {
      version: 1,
      requests: [REQUEST_ID],
      startedAt: Date.now(),
      phase: 'confirm',
      polls: 1,
    });
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'AccessDenied' });
    expect(response.message).toContain('Access denied to role');
    expect(response.message).toContain(REQUEST_ID);
  });
});

describe('DELETE and the KMS key or the principal', () => {
  test("the instance's KMS key missing on the pre-check: InvalidRequest, no DeleteAccountAssignment sent", async () => {
    sso
      .on(ListAccountAssignmentsCommand)
      .rejects(
        new ResourceNotFoundException({ message: 'kms', Reason: 'KMS_NotFoundException', $metadata: {} }),
      );
    const response = await invoke('DELETE', MODEL);
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
    expect(response.message).toContain('KMS_NotFoundException');
    expect(sso.commandCalls(DeleteAccountAssignmentCommand)).toHaveLength(0);
  });

  test('the deletion FAILED for a deprovisioned principal: SUCCESS, since the assignment grants nothing', async () => {
    sso.on(ListAccountAssignmentsCommand).resolves({ AccountAssignments: [LISTED] });
    principals.deletePrincipal(PRINCIPAL);
    sso.on(DescribeAccountAssignmentDeletionStatusCommand).resolves({
      AccountAssignmentDeletionStatus: {
        Status: 'FAILED',
        RequestId: REQUEST_ID,
        FailureReason: `Received a 404 status error: the USER assignee ${PRINCIPAL} was not found in directory ${IDENTITY_STORE_ID}`,
      },
    });
    const context = { version: 1, startedAt: Date.now(), phase: 'confirm', requests: [REQUEST_ID], polls: 0 };
    expect(await invoke('DELETE', MODEL, context)).toMatchObject({ status: 'SUCCESS' });
  });

  test('the deletion FAILED and the principal still exists: FAILED with the reason', async () => {
    sso.on(ListAccountAssignmentsCommand).resolves({ AccountAssignments: [LISTED] });
    sso.on(DescribeAccountAssignmentDeletionStatusCommand).resolves({
      AccountAssignmentDeletionStatus: {
        Status: 'FAILED',
        RequestId: REQUEST_ID,
        FailureReason: 'no reason',
      },
    });
    const context = { version: 1, startedAt: Date.now(), phase: 'confirm', requests: [REQUEST_ID], polls: 0 };
    const response = await invoke('DELETE', MODEL, context);
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'GeneralServiceException' });
    expect(response.message).toContain('no reason');
  });

  test('the identity store itself missing is an error, not a deleted principal', async () => {
    sso.on(ListAccountAssignmentsCommand).resolves({ AccountAssignments: [LISTED] });
    principals.identityStore
      .on(DescribeUserCommand)
      .rejects(
        new IdentityStoreNotFound({ message: 'no store', ResourceType: 'IDENTITY_STORE', $metadata: {} }),
      );
    const response = await invoke('READ', MODEL);
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'GeneralServiceException' });
    expect(response.message).toMatch(/identity store d-1234567890 of instance .* was not found/);
  });
});

describe('READ', () => {
  test('rebuilds the model from ListAccountAssignments', async () => {
    sso.on(ListAccountAssignmentsCommand).resolves({ AccountAssignments: [LISTED] });
    const response = await invoke('READ', MODEL);
    expect(response).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });
    expect(sso.commandCalls(ListAccountAssignmentsCommand)[0].args[0].input).toMatchObject({
      InstanceArn: INSTANCE,
      AccountId: ACCOUNT,
      PermissionSetArn: PERMISSION_SET,
    });
  });

  test('does not echo the input: a principal of another type is not a match', async () => {
    sso
      .on(ListAccountAssignmentsCommand)
      .resolves({ AccountAssignments: [{ ...LISTED, PrincipalType: 'GROUP' as const }] });
    const response = await invoke('READ', MODEL);
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
  });

  test('an absent assignment is NotFound', async () => {
    sso.on(ListAccountAssignmentsCommand).resolves({ AccountAssignments: [] });
    expect(await invoke('READ', MODEL)).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
  });

  test('a deleted instance or permission set is NotFound', async () => {
    sso
      .on(ListAccountAssignmentsCommand)
      .rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    expect(await invoke('READ', MODEL)).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
  });

  test('asks the identity store whether the principal still exists (DescribeInstance once per process)', async () => {
    sso.on(ListAccountAssignmentsCommand).resolves({ AccountAssignments: [LISTED] });
    await invoke('READ', MODEL);
    await invoke('READ', MODEL);
    expect(sso.commandCalls(DescribeInstanceCommand)).toHaveLength(1);
    expect(principals.identityStore.calls().map((call) => call.args[0].input)).toEqual([
      { IdentityStoreId: IDENTITY_STORE_ID, UserId: PRINCIPAL },
      { IdentityStoreId: IDENTITY_STORE_ID, UserId: PRINCIPAL },
    ]);
  });

  test('a principal deleted from the identity store (SCIM) is NotFound though still listed: it grants nothing', async () => {
    sso.on(ListAccountAssignmentsCommand).resolves({ AccountAssignments: [LISTED] });
    principals.deletePrincipal(PRINCIPAL);
    expect(await invoke('READ', MODEL)).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
  });

  test.each([
    ['KMS_NotFoundException', ResourceNotFoundException, 'InvalidRequest', /does not exist: restore the key/],
    ['KMS_DisabledException', ValidationException, 'InvalidRequest', /is disabled: enable it/],
    ['KMS_InvalidStateException', ValidationException, 'InvalidRequest', /not in a usable state/],
    ['KMS_AccessDeniedException', AccessDeniedException, 'AccessDenied', /allow kms:Decrypt/],
  ] as const)(
    '%s on the read-back is %s... never NotFound, with the reason and what to do',
    async (reason, errorClass, code, advice) => {
      sso
        .on(ListAccountAssignmentsCommand)
        .rejects(new errorClass({ message: 'KMS says no', Reason: reason, $metadata: {} } as never));
      const response = await invoke('READ', MODEL);
      expect(response).toMatchObject({ status: 'FAILED', errorCode: code });
      expect(response.message).toContain(reason);
      expect(response.message).toMatch(advice);
    },
  );

  test('throttling on a read fails with Throttling, never IN_PROGRESS', async () => {
    sso
      .on(ListAccountAssignmentsCommand)
      .rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));
    expect(await invoke('READ', MODEL)).toMatchObject({ status: 'FAILED', errorCode: 'Throttling' });
  });
});

describe('LIST', () => {
  test('enumerates every permission set, account and assignment across all pages, with no nextToken', async () => {
    sso
      .on(ListPermissionSetsCommand)
      .resolvesOnce({ PermissionSets: [PERMISSION_SET], NextToken: 'ps-page-2' })
      .resolvesOnce({ PermissionSets: [OTHER_PERMISSION_SET] });
    sso
      .on(ListAccountsForProvisionedPermissionSetCommand, { PermissionSetArn: PERMISSION_SET })
      .resolves({ AccountIds: [ACCOUNT, OTHER_ACCOUNT] });
    sso
      .on(ListAccountsForProvisionedPermissionSetCommand, { PermissionSetArn: OTHER_PERMISSION_SET })
      .resolves({ AccountIds: [ACCOUNT] });
    sso
      .on(ListAccountAssignmentsCommand, { AccountId: ACCOUNT, PermissionSetArn: PERMISSION_SET })
      .resolvesOnce({ AccountAssignments: [LISTED], NextToken: 'aa-page-2' })
      .resolvesOnce({
        AccountAssignments: [{ ...LISTED, PrincipalId: OTHER_PRINCIPAL, PrincipalType: 'GROUP' as const }],
      });
    sso
      .on(ListAccountAssignmentsCommand, { AccountId: OTHER_ACCOUNT, PermissionSetArn: PERMISSION_SET })
      .resolves({ AccountAssignments: [{ ...LISTED, AccountId: OTHER_ACCOUNT }] });
    sso
      .on(ListAccountAssignmentsCommand, { AccountId: ACCOUNT, PermissionSetArn: OTHER_PERMISSION_SET })
      .resolves({ AccountAssignments: [{ ...LISTED, PermissionSetArn: OTHER_PERMISSION_SET }] });

    const response = await invoke('LIST', { InstanceArn: INSTANCE });
    expect(response.status).toBe('SUCCESS');
    expect(response.nextToken ?? undefined).toBeUndefined();
    expect(response.resourceModels).toEqual([
      MODEL,
      { ...MODEL, PrincipalId: OTHER_PRINCIPAL, PrincipalType: 'GROUP' as const },
      { ...MODEL, TargetId: OTHER_ACCOUNT },
      { ...MODEL, PermissionSetArn: OTHER_PERMISSION_SET },
    ]);
    expect(sso.commandCalls(ListPermissionSetsCommand)).toHaveLength(2);
  });

  test('PermissionSetArn narrows without listing permission sets', async () => {
    sso.on(ListAccountsForProvisionedPermissionSetCommand).resolves({ AccountIds: [ACCOUNT] });
    sso.on(ListAccountAssignmentsCommand).resolves({ AccountAssignments: [LISTED] });
    const response = await invoke('LIST', { InstanceArn: INSTANCE, PermissionSetArn: PERMISSION_SET });
    expect(response.resourceModels).toEqual([MODEL]);
    expect(sso.commandCalls(ListPermissionSetsCommand)).toHaveLength(0);
  });

  test('TargetId narrows to the permission sets provisioned to that account', async () => {
    sso.on(ListPermissionSetsProvisionedToAccountCommand).resolves({ PermissionSets: [PERMISSION_SET] });
    sso.on(ListAccountAssignmentsCommand).resolves({ AccountAssignments: [LISTED] });
    const response = await invoke('LIST', { InstanceArn: INSTANCE, TargetId: ACCOUNT });
    expect(response.resourceModels).toEqual([MODEL]);
    expect(sso.commandCalls(ListPermissionSetsProvisionedToAccountCommand)[0].args[0].input).toMatchObject({
      InstanceArn: INSTANCE,
      AccountId: ACCOUNT,
    });
    expect(sso.commandCalls(ListAccountsForProvisionedPermissionSetCommand)).toHaveLength(0);
    expect(sso.commandCalls(ListPermissionSetsCommand)).toHaveLength(0);
  });

  test('the whole created model is accepted as LIST input (contract tests pass it)', async () => {
    sso.on(ListAccountAssignmentsCommand).resolves({ AccountAssignments: [LISTED] });
    const response = await invoke('LIST', MODEL);
    expect(response.status).toBe('SUCCESS');
    expect(response.resourceModels).toEqual([MODEL]);
  });

  test('a missing instance or permission set lists nothing: SUCCESS with [] and no nextToken', async () => {
    const gone = () => new ResourceNotFoundException({ message: 'gone', $metadata: {} });
    sso.on(ListPermissionSetsCommand).rejects(gone());
    sso.on(ListAccountsForProvisionedPermissionSetCommand).rejects(gone());
    for (const filter of [
      { InstanceArn: INSTANCE },
      { InstanceArn: INSTANCE, PermissionSetArn: PERMISSION_SET },
    ]) {
      const response = await invoke('LIST', filter);
      expect(response).toMatchObject({ status: 'SUCCESS', resourceModels: [] });
      expect(response.nextToken ?? undefined).toBeUndefined();
    }
  });

  test("a KMS ResourceNotFoundException is the instance's key, not absence: LIST fails", async () => {
    sso
      .on(ListPermissionSetsCommand)
      .rejects(
        new ResourceNotFoundException({ message: 'key', $metadata: {}, Reason: 'KMS_NotFoundException' }),
      );
    const response = await invoke('LIST', { InstanceArn: INSTANCE });
    expect(response.status).toBe('FAILED');
    expect(response.message).toContain('KMS_NotFoundException');
  });

  describe('paging', () => {
    const OTHER_LISTED = { ...LISTED, AccountId: OTHER_ACCOUNT };
    const SECOND_SET_LISTED = { ...LISTED, PermissionSetArn: OTHER_PERMISSION_SET };

    /** Two permission sets: the first in two accounts, the second in one; one assignment per pair. */
    function smallOrganisation({ withAssignments = true } = {}): void {
      sso.on(ListPermissionSetsCommand).resolves({ PermissionSets: [PERMISSION_SET, OTHER_PERMISSION_SET] });
      sso
        .on(ListAccountsForProvisionedPermissionSetCommand, { PermissionSetArn: PERMISSION_SET })
        .resolves({ AccountIds: [ACCOUNT, OTHER_ACCOUNT] });
      sso
        .on(ListAccountsForProvisionedPermissionSetCommand, { PermissionSetArn: OTHER_PERMISSION_SET })
        .resolves({ AccountIds: [ACCOUNT] });
      if (!withAssignments) return;
      sso
        .on(ListAccountAssignmentsCommand, { AccountId: ACCOUNT, PermissionSetArn: PERMISSION_SET })
        .resolves({ AccountAssignments: [LISTED] });
      sso
        .on(ListAccountAssignmentsCommand, { AccountId: OTHER_ACCOUNT, PermissionSetArn: PERMISSION_SET })
        .resolves({ AccountAssignments: [OTHER_LISTED] });
      sso
        .on(ListAccountAssignmentsCommand, { AccountId: ACCOUNT, PermissionSetArn: OTHER_PERMISSION_SET })
        .resolves({ AccountAssignments: [SECOND_SET_LISTED] });
    }

    async function listPage(properties: unknown, nextToken?: string): Promise<ProgressPayload> {
      return asProgress(
        await entrypoint(
          handlerRequest('LIST', properties, { nextToken, resourceType: TYPE_NAME }),
          LAMBDA_CONTEXT,
        ),
      );
    }

    async function firstPageToken(): Promise<string> {
      process.env.SSO_LIST_PAGE_WORK_MS = '0';
      const first = await listPage({ InstanceArn: INSTANCE });
      expect(first.nextToken).toEqual(expect.any(String));
      sso.resetHistory();
      return first.nextToken ?? '';
    }

    afterEach(() => {
      delete process.env.SSO_LIST_PAGE_WORK_MS;
    });

    test('a page stopped on its 20 s time budget answers what it has, and its nextToken resumes the walk', async () => {
      smallOrganisation({ withAssignments: false });
      let now = Date.now();
      jest.spyOn(Date, 'now').mockImplementation(() => now);
      // Every ListAccountAssignments takes 12 s: the third call would start 24 s into the page.
      const pairs: Record<string, AccountAssignment> = {
        [`${PERMISSION_SET} ${ACCOUNT}`]: LISTED,
        [`${PERMISSION_SET} ${OTHER_ACCOUNT}`]: OTHER_LISTED,
        [`${OTHER_PERMISSION_SET} ${ACCOUNT}`]: SECOND_SET_LISTED,
      };
      sso
        .on(ListAccountAssignmentsCommand)
        .callsFake((input: { PermissionSetArn: string; AccountId: string }) => {
          now += 12_000;
          return { AccountAssignments: [pairs[`${input.PermissionSetArn} ${input.AccountId}`]] };
        });

      const first = await listPage({ InstanceArn: INSTANCE });
      expect(first).toMatchObject({
        status: 'SUCCESS',
        resourceModels: [MODEL, { ...MODEL, TargetId: OTHER_ACCOUNT }],
      });
      expect(first.nextToken).toEqual(expect.any(String));
      expect(sso.commandCalls(ListAccountAssignmentsCommand)).toHaveLength(2);

      sso.resetHistory();
      const second = await listPage({ InstanceArn: INSTANCE }, first.nextToken);
      expect(second).toMatchObject({
        status: 'SUCCESS',
        resourceModels: [{ ...MODEL, PermissionSetArn: OTHER_PERMISSION_SET }],
      });
      expect(second.nextToken ?? undefined).toBeUndefined();
      // The second page resumes at the second permission set: no pair of the first is read again.
      expect(sso.commandCalls(ListAccountAssignmentsCommand).map((call) => call.args[0].input)).toEqual([
        expect.objectContaining({ PermissionSetArn: OTHER_PERMISSION_SET, AccountId: ACCOUNT }),
      ]);
      expect(logLines.join('\n')).toContain('page ended by: time budget');
    });

    test('one SSO Admin call per page still lists every assignment exactly once', async () => {
      smallOrganisation();
      process.env.SSO_LIST_PAGE_WORK_MS = '0';
      const models: unknown[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await listPage({ InstanceArn: INSTANCE }, token);
        expect(page.status).toBe('SUCCESS');
        models.push(...(page.resourceModels ?? []));
        token = page.nextToken ?? undefined;
        pages++;
      } while (token !== undefined && pages < 50);
      expect(models).toEqual([
        MODEL,
        { ...MODEL, TargetId: OTHER_ACCOUNT },
        { ...MODEL, PermissionSetArn: OTHER_PERMISSION_SET },
      ]);
      expect(pages).toBeGreaterThan(3);
    });

    test.each([
      ['a corrupted', (token: string) => token.slice(0, 20), /^NextToken is (corrupted|not a token)/],
      [
        'an altered',
        (token: string) => {
          const payload = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { c: object };
          const edited = { ...payload, c: { ...payload.c, at: 'assignments' } };
          return Buffer.from(JSON.stringify(edited)).toString('base64url');
        },
        /^NextToken has been altered/,
      ],
      [
        // Sealed like a real one, but pointing at a permission set of another instance.
        'a forged',
        () =>
          sealPageToken(
            'account-assignments',
            [
              ['InstanceArn', INSTANCE],
              ['PermissionSetArn', undefined],
              ['TargetId', undefined],
            ],
            {
              at: 'account',
              permissionSet: {
                index: 0,
                value: 'arn:aws:sso:::permissionSet/ssoins-0000000000000000/ps-0000000000000000',
              },
              account: { index: 0 },
            },
          ),
        /^NextToken holds a position that is not valid: permission set .* is not a permission set of InstanceArn/,
      ],
    ])(
      '%s NextToken is InvalidRequest naming NextToken, with no SSO Admin call',
      async (_kind, spoil, message) => {
        smallOrganisation();
        const token = await firstPageToken();
        const response = await listPage({ InstanceArn: INSTANCE }, spoil(token));
        expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
        expect(response.message).toMatch(message);
        expect(sso.calls()).toHaveLength(0);
      },
    );

    test('a NextToken sent with other filter properties is InvalidRequest naming them', async () => {
      smallOrganisation();
      const token = await firstPageToken();
      const response = await listPage({ InstanceArn: INSTANCE, TargetId: ACCOUNT }, token);
      expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
      expect(response.message).toContain(
        'NextToken was issued for other filter properties: send the same InstanceArn, PermissionSetArn, TargetId',
      );
      expect(sso.calls()).toHaveLength(0);
    });

    test('SSO Admin refusing the position a NextToken holds (a stale inner token) is InvalidRequest naming NextToken', async () => {
      sso
        .on(ListPermissionSetsCommand)
        .resolves({ PermissionSets: [PERMISSION_SET], NextToken: 'sso-page-2' });
      sso
        .on(ListPermissionSetsCommand, { NextToken: 'sso-page-2' })
        .rejects(new ValidationException({ message: 'Invalid NextToken', $metadata: {} }));
      sso.on(ListAccountsForProvisionedPermissionSetCommand).resolves({ AccountIds: [] });
      process.env.SSO_LIST_PAGE_WORK_MS = '0';
      let response = await listPage({ InstanceArn: INSTANCE });
      // Walk to the page whose position holds SSO Admin's token for the second page of permission sets.
      for (let page = 0; page < 5 && response.status === 'SUCCESS' && response.nextToken; page++) {
        response = await listPage({ InstanceArn: INSTANCE }, response.nextToken);
      }
      expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
      expect(response.message).toMatch(
        /^NextToken is stale: SSO Admin no longer accepts the position it holds/,
      );
    });
  });
});

describe('error table: each AWS error maps to its handler error code', () => {
  test.each([
    [
      'AccessDeniedException',
      () => new AccessDeniedException({ message: 'no', $metadata: {} }),
      'AccessDenied',
    ],
    [
      'ValidationException',
      () => new ValidationException({ message: 'bad', $metadata: {} }),
      'InvalidRequest',
    ],
    [
      'ServiceQuotaExceededException',
      () => new ServiceQuotaExceededException({ message: 'quota', $metadata: {} }),
      'ServiceLimitExceeded',
    ],
    // ResourceNotFoundException on LIST: a missing instance lists nothing (the LIST tests above).
    ['ThrottlingException', () => new ThrottlingException({ message: 'slow', $metadata: {} }), 'Throttling'],
    [
      'ConflictException',
      () => new ConflictException({ message: 'conflict', $metadata: {} }),
      'ResourceConflict',
    ],
    [
      'InternalServerException',
      () => new InternalServerException({ message: 'oops', $metadata: {} }),
      'ServiceInternalError',
    ],
    ['ExpiredTokenException', () => awsError('ExpiredTokenException'), 'InvalidCredentials'],
    ['TimeoutError', () => awsError('TimeoutError'), 'NetworkFailure'],
    ['an unknown error', () => awsError('SomethingNewException', 'new failure'), 'InternalFailure'],
  ])('%s on LIST fails with its code', async (_name, makeError, code) => {
    sso.on(ListPermissionSetsCommand).rejects(makeError());
    const response = await invoke('LIST', { InstanceArn: INSTANCE });
    expect(response).toMatchObject({ status: 'FAILED', errorCode: code });
    expect(response.message).not.toBe('');
  });

  test('the message of an unknown error is passed on', async () => {
    sso.on(ListAccountAssignmentsCommand).rejects(awsError('SomethingNewException', 'new failure'));
    const response = await invoke('READ', MODEL);
    expect(response.message).toContain('new failure');
  });
});

describe('TestEntrypoint (SAM / cfn test event format)', () => {
  test('runs the same handlers from a TestEvent', async () => {
    sso.on(ListAccountAssignmentsCommand).resolves({ AccountAssignments: [LISTED] });
    const response = asProgress(
      await testEntrypoint({
        credentials: CALLER_CREDENTIALS,
        action: 'READ',
        request: {
          clientRequestToken: 'token-1',
          desiredResourceState: MODEL,
          logicalResourceIdentifier: 'A',
        },
        callbackContext: null,
        region: 'us-east-1',
      }),
    );
    expect(response).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });
  });

  test('validates the TestEvent model too', async () => {
    const response = asProgress(
      await testEntrypoint({
        credentials: CALLER_CREDENTIALS,
        action: 'CREATE',
        request: { clientRequestToken: 'token-2', desiredResourceState: { ...MODEL, TargetId: 'x' } },
      }),
    );
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
    expect(sso.calls()).toHaveLength(0);
  });
});

describe('logging', () => {
  test('no credential or bearer token value reaches a log line', async () => {
    sso.on(CreateAccountAssignmentCommand).rejects(awsError('SomethingNewException', 'boom'));
    const request = handlerRequest('CREATE', MODEL, {
      bearerToken: 'bearer-token-secret-value-123',
      callbackContext: { version: 1, phase: 'submit', startedAt: Date.now() },
      resourceType: TYPE_NAME,
    });
    await entrypoint(request, LAMBDA_CONTEXT);
    expect(logLines.length).toBeGreaterThan(0);
    const output = logLines.join('\n');
    for (const secret of [...Object.values(CALLER_CREDENTIALS), 'bearer-token-secret-value-123']) {
      expect(output).not.toContain(secret);
    }
  });
});

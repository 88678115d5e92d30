import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  AccessDeniedException,
  ApplicationAssignment,
  ConflictException,
  CreateApplicationAssignmentCommand,
  DeleteApplicationAssignmentCommand,
  DescribeApplicationAssignmentCommand,
  InternalServerException,
  ListApplicationAssignmentsCommand,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  SSOAdminClient,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-sso-admin';
import { mockClient } from 'aws-sdk-client-mock';
import { entrypoint, testEntrypoint } from '../../src/application-assignment/handlers';
import { sealPageToken } from '../../src/core/list-pages';
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

const TYPE_NAME = 'AWS::SSO::ApplicationAssignment';
const APPLICATION = 'arn:aws:sso::123456789012:application/ssoins-1234567890abcdef/apl-1234567890abcdef';
const PRINCIPAL = '9067e5a4c1-2e5f4a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7';
const OTHER_PRINCIPAL = 'c2d3e4f5-a6b7-4e9f-a0b1-2e5f4a6b7c8d';
const DEADLINE_PASSED = () => Date.now() - 26 * 60 * 1000;

const MODEL = { ApplicationArn: APPLICATION, PrincipalId: PRINCIPAL, PrincipalType: 'USER' };
const API_INPUT = { ApplicationArn: APPLICATION, PrincipalId: PRINCIPAL, PrincipalType: 'USER' };
const DESCRIBED = { ApplicationArn: APPLICATION, PrincipalId: PRINCIPAL, PrincipalType: 'USER' as const };

function notFoundError(): ResourceNotFoundException {
  return new ResourceNotFoundException({
    message: `Application assignment for principal ${PRINCIPAL} does not exist`,
    $metadata: {},
  });
}

function throttled(): ThrottlingException {
  return new ThrottlingException({ message: 'Rate exceeded', $metadata: {} });
}

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

function operations(): string[] {
  return sso.calls().map((call) => {
    const command: unknown = call.args[0];
    return command instanceof Object ? command.constructor.name.replace(/Command$/, '') : 'unknown';
  });
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
    [
      'ApplicationArn of an instance',
      { ...MODEL, ApplicationArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef' },
      /Property ApplicationArn must match the pattern \^arn:aws/,
    ],
    [
      'ApplicationArn with text around a valid ARN (the pattern is anchored)',
      { ...MODEL, ApplicationArn: `x${APPLICATION}x` },
      /Property ApplicationArn must match the pattern/,
    ],
    [
      'ApplicationArn with a short application id',
      { ...MODEL, ApplicationArn: APPLICATION.replace('apl-1234567890abcdef', 'apl-12345') },
      /Property ApplicationArn must match the pattern/,
    ],
    [
      'ApplicationArn over the model maximum',
      { ...MODEL, ApplicationArn: `${APPLICATION}${'a'.repeat(1224)}` },
      /Property ApplicationArn must be at most 1224 characters long/,
    ],
    [
      'PrincipalType',
      { ...MODEL, PrincipalType: 'ROLE' },
      /Property PrincipalType must be one of: USER, GROUP/,
    ],
    [
      'PrincipalId of the wrong type',
      { ...MODEL, PrincipalId: 42 },
      /Property PrincipalId must be of type string/,
    ],
    [
      'PrincipalId that is not a GUID',
      { ...MODEL, PrincipalId: 'alice' },
      /Property PrincipalId must match the pattern/,
    ],
  ])('%s breaking its rule is InvalidRequest naming it', async (_name, properties, message) => {
    for (const action of ['CREATE', 'READ', 'DELETE'] as const) {
      const response = await invoke(action, properties);
      expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
      expect(response.message).toMatch(message);
      expect(response.message).toContain(`Invalid ${TYPE_NAME} properties`);
    }
    expect(sso.calls()).toHaveLength(0);
  });

  test.each([
    [
      'aws-us-gov',
      'arn:aws-us-gov:sso::123456789012:application/ssoins-1234567890abcdef/apl-1234567890abcdef',
    ],
    ['aws-cn', 'arn:aws-cn:sso::123456789012:application/ssoins-1234567890abcdef/apl-1234567890abcdef'],
    ['aws-iso-b', 'arn:aws-iso-b:sso::123456789012:application/ins-1234567890abcdef/apl-1234567890abcdef'],
  ])('an ApplicationArn in the %s partition is accepted', async (_partition, applicationArn) => {
    sso.on(DescribeApplicationAssignmentCommand).resolves({ ...DESCRIBED, ApplicationArn: applicationArn });
    const response = await invoke('READ', { ...MODEL, ApplicationArn: applicationArn });
    expect(response).toMatchObject({
      status: 'SUCCESS',
      resourceModel: { ...MODEL, ApplicationArn: applicationArn },
    });
  });

  test('a missing property is named as required', async () => {
    const { PrincipalType: _omitted, ...withoutType } = MODEL;
    const response = await invoke('CREATE', withoutType);
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
    expect(response.message).toContain('Property PrincipalType is required');
    expect(sso.calls()).toHaveLength(0);
  });

  test('an unknown property (such as an account assignment one) is rejected, not silently dropped', async () => {
    const response = await invoke('CREATE', { ...MODEL, TargetId: '123456789012' });
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
    expect(response.message).toContain('Property TargetId is not defined by the schema');
    expect(sso.calls()).toHaveLength(0);
  });

  test('a null property is reported as invalid', async () => {
    const response = await invoke('DELETE', { ...MODEL, ApplicationArn: null });
    expect(response.errorCode).toBe('InvalidRequest');
    expect(response.message).toContain('ApplicationArn');
    expect(sso.calls()).toHaveLength(0);
  });

  test('resource properties that are not an object are rejected', async () => {
    const response = await invoke('CREATE', [APPLICATION]);
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
    expect(sso.calls()).toHaveLength(0);
  });

  test('LIST requires ApplicationArn and checks it', async () => {
    const missing = await invoke('LIST', { PrincipalType: 'USER' });
    expect(missing.errorCode).toBe('InvalidRequest');
    expect(missing.message).toContain('Property ApplicationArn is required');
    const empty = await invoke('LIST', undefined);
    expect(empty.errorCode).toBe('InvalidRequest');
    expect(empty.message).toContain('Property ApplicationArn is required');
    const badArn = await invoke('LIST', { ApplicationArn: 'arn:aws:sso:::instance/ssoins-1234567890abcdef' });
    expect(badArn.errorCode).toBe('InvalidRequest');
    expect(badArn.message).toContain('Property ApplicationArn must match');
    expect(sso.calls()).toHaveLength(0);
  });
});

describe('CREATE', () => {
  /** The callback context of the invocation after a passed pre-check (the write-ahead marker). */
  const submitting = (startedAt = Date.now()) => ({ version: 1, startedAt, phase: 'submit' });

  test('a passed pre-check answers IN_PROGRESS with the write-ahead marker, before any write', async () => {
    sso.on(DescribeApplicationAssignmentCommand).rejects(notFoundError());
    const response = await invoke('CREATE', MODEL);
    expect(response).toMatchObject({ status: 'IN_PROGRESS', resourceModel: MODEL, callbackDelaySeconds: 0 });
    expect(response.callbackContext).toMatchObject({ phase: 'submit' });
    expect(typeof response.callbackContext?.startedAt).toBe('number');
    expect(operations()).toEqual(['DescribeApplicationAssignment']);
    expect(sso.commandCalls(DescribeApplicationAssignmentCommand)[0].args[0].input).toEqual(API_INPUT);
  });

  test('the callback creates, confirms by reading back and answers SUCCESS', async () => {
    sso.on(DescribeApplicationAssignmentCommand).rejectsOnce(notFoundError()).resolves(DESCRIBED);
    sso.on(CreateApplicationAssignmentCommand).resolves({});
    const first = await invoke('CREATE', MODEL);
    const second = await invoke('CREATE', MODEL, Object.freeze({ ...first.callbackContext }));
    expect(second).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });
    expect(second.errorCode).toBeUndefined();
    expect(operations()).toEqual([
      'DescribeApplicationAssignment',
      'CreateApplicationAssignment',
      'DescribeApplicationAssignment',
    ]);
    expect(sso.commandCalls(CreateApplicationAssignmentCommand)[0].args[0].input).toEqual(API_INPUT);
  });

  test('a re-sent submit (the process died after the write) creates again instead of answering AlreadyExists', async () => {
    sso.on(DescribeApplicationAssignmentCommand).resolves(DESCRIBED);
    sso.on(CreateApplicationAssignmentCommand).resolves({});
    const response = await invoke('CREATE', MODEL, submitting());
    expect(response).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });
    expect(operations()).toEqual(['CreateApplicationAssignment', 'DescribeApplicationAssignment']);
  });

  test('the model is the one read back, not the request echoed', async () => {
    const upperCase = { ...MODEL, PrincipalId: OTHER_PRINCIPAL.toUpperCase() };
    sso.on(DescribeApplicationAssignmentCommand).resolves({ ...DESCRIBED, PrincipalId: OTHER_PRINCIPAL });
    sso.on(CreateApplicationAssignmentCommand).resolves({});
    const response = await invoke('CREATE', upperCase, submitting());
    expect(response.resourceModel).toEqual({ ...MODEL, PrincipalId: OTHER_PRINCIPAL });
  });

  test('an existing assignment is AlreadyExists and nothing is created', async () => {
    sso.on(DescribeApplicationAssignmentCommand).resolves(DESCRIBED);
    const response = await invoke('CREATE', MODEL);
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'AlreadyExists' });
    expect(response.message).toBe(
      `Resource of type '${TYPE_NAME}' with identifier '${APPLICATION}|USER|${PRINCIPAL}' already exists.`,
    );
    expect(sso.commandCalls(CreateApplicationAssignmentCommand)).toHaveLength(0);
  });

  test('messages name the type CloudFormation invoked (private registrations use their own name)', async () => {
    sso.on(DescribeApplicationAssignmentCommand).resolves(DESCRIBED);
    const request = handlerRequest('CREATE', MODEL, { resourceType: 'Acme::SSO::ApplicationAssignment' });
    const response = asProgress(await entrypoint(request, LAMBDA_CONTEXT));
    expect(response.errorCode).toBe('AlreadyExists');
    expect(response.message).toContain("Resource of type 'Acme::SSO::ApplicationAssignment'");
  });

  test('not visible yet after the write: IN_PROGRESS, and the callback only reads back', async () => {
    sso.on(DescribeApplicationAssignmentCommand).rejects(notFoundError());
    sso.on(CreateApplicationAssignmentCommand).resolves({});
    const startedAt = Date.now() - 5_000;
    const first = await invoke('CREATE', MODEL, submitting(startedAt));
    expect(first).toMatchObject({ status: 'IN_PROGRESS', resourceModel: MODEL });
    // The shared stabilizer's schedule: after the first check, 1–2 s.
    expect(first.callbackDelaySeconds).toBeGreaterThanOrEqual(1);
    expect(first.callbackDelaySeconds).toBeLessThanOrEqual(2);
    expect(first.callbackContext).toEqual({ version: 1, startedAt, phase: 'confirm', polls: 1 });
    expect(first.message).toContain('waiting for DescribeApplicationAssignment');

    sso.reset();
    principals.reset();
    sso.on(DescribeApplicationAssignmentCommand).resolves(DESCRIBED);
    const second = await invoke('CREATE', MODEL, Object.freeze({ ...first.callbackContext }));
    expect(second).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });
    expect(operations()).toEqual(['DescribeApplicationAssignment']);
  });

  test('still not visible: calls back with a longer delay, then creates again after 3 checks', async () => {
    sso.on(DescribeApplicationAssignmentCommand).rejects(notFoundError());
    const startedAt = Date.now();
    const first = await invoke('CREATE', MODEL, { version: 1, startedAt, phase: 'confirm', polls: 1 });
    expect(first).toMatchObject({ status: 'IN_PROGRESS', resourceModel: MODEL });
    expect(first.callbackContext).toEqual({ version: 1, startedAt, phase: 'confirm', polls: 2 });
    // The shared stabilizer's schedule after check 2: base 4, jittered in [2, 4].
    expect(first.callbackDelaySeconds).toBeGreaterThanOrEqual(2);
    expect(first.callbackDelaySeconds).toBeLessThanOrEqual(4);

    // The third check without it: past read-back lag, so the next invocation creates again (safe to repeat).
    const second = await invoke('CREATE', MODEL, first.callbackContext);
    expect(second).toMatchObject({ status: 'IN_PROGRESS', resourceModel: MODEL });
    expect(second.callbackContext).toEqual({ version: 1, startedAt, phase: 'submit', resubmitted: true });
    expect(sso.commandCalls(CreateApplicationAssignmentCommand)).toHaveLength(0);

    // Once only: after the second create, a lasting absence is waited out to the deadline.
    const third = await invoke('CREATE', MODEL, {
      version: 1,
      startedAt,
      phase: 'confirm',
      polls: 5,
      resubmitted: true,
    });
    expect(third.callbackContext).toEqual({
      version: 1,
      startedAt,
      phase: 'confirm',
      polls: 6,
      resubmitted: true,
    });
  });

  test('past the stabilization deadline it fails NotStabilized', async () => {
    sso.on(DescribeApplicationAssignmentCommand).rejects(notFoundError());
    const response = await invoke('CREATE', MODEL, {
      version: 1,
      startedAt: DEADLINE_PASSED(),
      phase: 'confirm',
      polls: 40,
    });
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'NotStabilized' });
    expect(response.message).toContain(
      'CreateApplicationAssignment succeeded but DescribeApplicationAssignment',
    );
  });

  test('a callback context this handler did not write is InvalidRequest naming each bad field, with no call made', async () => {
    sso.on(DescribeApplicationAssignmentCommand).resolves(DESCRIBED);
    const response = await invoke('CREATE', MODEL, { phase: 'sideways', polls: 'many' });
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
    expect(response.message).toContain("phase must be 'submit' or 'confirm'");
    expect(response.message).toContain('polls must be a whole number');
    expect(response.message).toContain('startedAt is required');
    expect(sso.calls()).toHaveLength(0);
  });

  test('throttled on the write after the SDK retries: IN_PROGRESS with a jittered delay, writing again next', async () => {
    sso.on(CreateApplicationAssignmentCommand).rejects(throttled());
    const startedAt = Date.now() - 1_000;
    const response = await invoke('CREATE', MODEL, submitting(startedAt));
    expect(response).toMatchObject({ status: 'IN_PROGRESS', resourceModel: MODEL });
    expect(response.callbackDelaySeconds).toBeGreaterThanOrEqual(3);
    expect(response.callbackDelaySeconds).toBeLessThanOrEqual(15);
    expect(response.callbackContext).toEqual({ version: 1, startedAt, phase: 'submit' });

    sso.reset();
    principals.reset();
    sso.on(DescribeApplicationAssignmentCommand).resolves(DESCRIBED);
    sso.on(CreateApplicationAssignmentCommand).resolves({});
    const retried = await invoke('CREATE', MODEL, response.callbackContext);
    expect(retried.status).toBe('SUCCESS');
    expect(operations()).toEqual(['CreateApplicationAssignment', 'DescribeApplicationAssignment']);
  });

  test('throttled on the pre-check: IN_PROGRESS, pre-checking again next', async () => {
    sso.on(DescribeApplicationAssignmentCommand).rejects(throttled());
    const response = await invoke('CREATE', MODEL);
    expect(response.status).toBe('IN_PROGRESS');
    expect(response.callbackContext?.phase).toBeUndefined();
    expect(sso.commandCalls(CreateApplicationAssignmentCommand)).toHaveLength(0);
  });

  test('throttled on the read-back after the write: the callback confirms rather than writing again', async () => {
    sso.on(DescribeApplicationAssignmentCommand).rejects(throttled());
    sso.on(CreateApplicationAssignmentCommand).resolves({});
    const first = await invoke('CREATE', MODEL, submitting());
    expect(first.status).toBe('IN_PROGRESS');
    expect(first.callbackContext).toMatchObject({ phase: 'confirm', polls: 0 });

    sso.reset();
    principals.reset();
    sso.on(DescribeApplicationAssignmentCommand).resolves(DESCRIBED);
    const second = await invoke('CREATE', MODEL, first.callbackContext);
    expect(second).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });
    expect(sso.commandCalls(CreateApplicationAssignmentCommand)).toHaveLength(0);
  });

  test('a conflict that outlives the deadline fails with ResourceConflict', async () => {
    sso
      .on(CreateApplicationAssignmentCommand)
      .rejects(new ConflictException({ message: 'busy', $metadata: {} }));
    const response = await invoke('CREATE', MODEL, submitting(DEADLINE_PASSED()));
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'ResourceConflict' });
  });

  test('an unknown application or principal on the write is InvalidRequest (the properties point at nothing)', async () => {
    sso
      .on(CreateApplicationAssignmentCommand)
      .rejects(new ResourceNotFoundException({ message: 'Application does not exist', $metadata: {} }));
    const response = await invoke('CREATE', MODEL, submitting());
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
    expect(response.message).toContain('Application does not exist');
  });

  test('a Describe answer without the identifiers is an InternalFailure, not a silent success', async () => {
    sso.on(DescribeApplicationAssignmentCommand).resolves({});
    const response = await invoke('CREATE', MODEL);
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InternalFailure' });
    expect(response.message).toContain('without its identifiers');
    expect(sso.commandCalls(CreateApplicationAssignmentCommand)).toHaveLength(0);
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
  test('pre-checks, deletes, confirms it is gone and answers SUCCESS without a model', async () => {
    sso.on(DescribeApplicationAssignmentCommand).resolvesOnce(DESCRIBED).rejectsOnce(notFoundError());
    sso.on(DeleteApplicationAssignmentCommand).resolves({});
    const response = await invoke('DELETE', MODEL);
    expect(response.status).toBe('SUCCESS');
    expect(response.resourceModel).toBeUndefined();
    expect(operations()).toEqual([
      'DescribeApplicationAssignment',
      'DeleteApplicationAssignment',
      'DescribeApplicationAssignment',
    ]);
    expect(sso.commandCalls(DeleteApplicationAssignmentCommand)[0].args[0].input).toEqual(API_INPUT);
  });

  test('an absent assignment is NotFound and nothing is deleted', async () => {
    sso.on(DescribeApplicationAssignmentCommand).rejects(notFoundError());
    const response = await invoke('DELETE', MODEL);
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
    expect(response.message).toBe(
      `Resource of type '${TYPE_NAME}' with identifier '${APPLICATION}|USER|${PRINCIPAL}' was not found.`,
    );
    expect(sso.commandCalls(DeleteApplicationAssignmentCommand)).toHaveLength(0);
  });

  test('still visible after the write: IN_PROGRESS, and the callback only reads back', async () => {
    sso.on(DescribeApplicationAssignmentCommand).resolves(DESCRIBED);
    sso.on(DeleteApplicationAssignmentCommand).resolves({});
    const first = await invoke('DELETE', MODEL);
    expect(first).toMatchObject({ status: 'IN_PROGRESS', resourceModel: MODEL });
    expect(first.callbackDelaySeconds).toBeGreaterThanOrEqual(1);
    expect(first.callbackDelaySeconds).toBeLessThanOrEqual(2);
    expect(first.callbackContext).toMatchObject({ phase: 'confirm', polls: 1 });

    sso.reset();
    principals.reset();
    sso.on(DescribeApplicationAssignmentCommand).rejects(notFoundError());
    const second = await invoke('DELETE', MODEL, first.callbackContext);
    expect(second.status).toBe('SUCCESS');
    expect(operations()).toEqual(['DescribeApplicationAssignment']);
  });

  test('gone between the pre-check and the write (ResourceNotFoundException) is SUCCESS', async () => {
    sso.on(DescribeApplicationAssignmentCommand).resolvesOnce(DESCRIBED).rejectsOnce(notFoundError());
    sso.on(DeleteApplicationAssignmentCommand).rejects(notFoundError());
    const response = await invoke('DELETE', MODEL);
    expect(response.status).toBe('SUCCESS');
  });

  test('throttled on the read-back after the write: the callback confirms rather than answering NotFound', async () => {
    sso.on(DescribeApplicationAssignmentCommand).resolvesOnce(DESCRIBED).rejectsOnce(throttled());
    sso.on(DeleteApplicationAssignmentCommand).resolves({});
    const first = await invoke('DELETE', MODEL);
    expect(first.status).toBe('IN_PROGRESS');
    expect(first.callbackContext).toMatchObject({ phase: 'confirm' });

    sso.reset();
    principals.reset();
    sso.on(DescribeApplicationAssignmentCommand).rejects(notFoundError());
    const second = await invoke('DELETE', MODEL, first.callbackContext);
    expect(second.status).toBe('SUCCESS');
    expect(sso.commandCalls(DeleteApplicationAssignmentCommand)).toHaveLength(0);
  });

  test('still visible past the stabilization deadline fails NotStabilized', async () => {
    sso.on(DescribeApplicationAssignmentCommand).resolves(DESCRIBED);
    const response = await invoke('DELETE', MODEL, {
      version: 1,
      startedAt: DEADLINE_PASSED(),
      phase: 'confirm',
      polls: 30,
    });
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'NotStabilized' });
    expect(response.message).toContain('DeleteApplicationAssignment succeeded');
  });

  test('a write error other than not-found fails through the error table', async () => {
    sso.on(DescribeApplicationAssignmentCommand).resolves(DESCRIBED);
    sso
      .on(DeleteApplicationAssignmentCommand)
      .rejects(new AccessDeniedException({ message: 'not authorized', $metadata: {} }));
    const response = await invoke('DELETE', MODEL);
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'AccessDenied' });
    expect(response.message).toContain('not authorized');
  });
});

describe('DELETE and the KMS key or the principal', () => {
  test("the instance's KMS key missing on the pre-check: InvalidRequest, no DeleteApplicationAssignment sent", async () => {
    sso
      .on(DescribeApplicationAssignmentCommand)
      .rejects(
        new ResourceNotFoundException({ message: 'kms', Reason: 'KMS_NotFoundException', $metadata: {} }),
      );
    const response = await invoke('DELETE', MODEL);
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
    expect(response.message).toContain('KMS_NotFoundException');
    expect(sso.commandCalls(DeleteApplicationAssignmentCommand)).toHaveLength(0);
  });

  test('DeleteApplicationAssignment failing with a KMS Reason is not taken for "already gone"', async () => {
    sso.on(DescribeApplicationAssignmentCommand).resolves(DESCRIBED);
    sso
      .on(DeleteApplicationAssignmentCommand)
      .rejects(
        new ResourceNotFoundException({ message: 'kms', Reason: 'KMS_NotFoundException', $metadata: {} }),
      );
    const response = await invoke('DELETE', MODEL);
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
  });

  test('a deprovisioned principal: the delete is refused, the assignment stays, and DELETE succeeds', async () => {
    sso.on(DescribeApplicationAssignmentCommand).resolves(DESCRIBED);
    principals.deletePrincipal(DESCRIBED.PrincipalId ?? '');
    sso.on(DeleteApplicationAssignmentCommand).rejects(
      new ResourceNotFoundException({
        message: `Received a 404 status error: the USER assignee ${DESCRIBED.PrincipalId ?? ''} was not found in directory d-1234567890`,
        $metadata: {},
      }),
    );
    const response = await invoke('DELETE', MODEL);
    expect(response).toMatchObject({ status: 'SUCCESS' });
    expect(sso.commandCalls(DeleteApplicationAssignmentCommand)).toHaveLength(1);
  });
});

describe('READ', () => {
  test('rebuilds the model from DescribeApplicationAssignment', async () => {
    sso.on(DescribeApplicationAssignmentCommand).resolves({ ...DESCRIBED, PrincipalType: 'GROUP' });
    const response = await invoke('READ', { ...MODEL, PrincipalType: 'GROUP' });
    expect(response).toMatchObject({
      status: 'SUCCESS',
      resourceModel: { ...MODEL, PrincipalType: 'GROUP' },
    });
    expect(sso.commandCalls(DescribeApplicationAssignmentCommand)[0].args[0].input).toEqual({
      ...API_INPUT,
      PrincipalType: 'GROUP',
    });
    // DescribeApplicationAssignment, then DescribeInstance for the identity store's ID (asked once per process).
    expect(sso.calls().map((call) => call.args[0].constructor.name)).toEqual([
      'DescribeApplicationAssignmentCommand',
      'DescribeInstanceCommand',
    ]);
    expect(principals.identityStore.calls().map((call) => call.args[0].input)).toEqual([
      { IdentityStoreId: IDENTITY_STORE_ID, GroupId: DESCRIBED.PrincipalId },
    ]);
  });

  test('a principal deleted from the identity store (SCIM) is NotFound: its assignment grants nothing', async () => {
    sso.on(DescribeApplicationAssignmentCommand).resolves(DESCRIBED);
    principals.deletePrincipal(DESCRIBED.PrincipalId ?? '');
    expect(await invoke('READ', MODEL)).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
  });

  test("the instance's KMS key missing (Reason KMS_NotFoundException) is InvalidRequest naming the key, never NotFound", async () => {
    sso.on(DescribeApplicationAssignmentCommand).rejects(
      new ResourceNotFoundException({
        message: 'key not found',
        Reason: 'KMS_NotFoundException',
        $metadata: {},
      }),
    );
    const response = await invoke('READ', MODEL);
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
    expect(response.message).toContain('KMS_NotFoundException');
    expect(response.message).toMatch(/customer managed KMS key does not exist: restore the key/);
  });

  test('an absent assignment (or application) is NotFound', async () => {
    sso.on(DescribeApplicationAssignmentCommand).rejects(notFoundError());
    const response = await invoke('READ', MODEL);
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
    expect(response.message).toContain(`'${TYPE_NAME}'`);
  });

  test('throttling on a read fails with Throttling, never IN_PROGRESS', async () => {
    sso.on(DescribeApplicationAssignmentCommand).rejects(throttled());
    expect(await invoke('READ', MODEL)).toMatchObject({ status: 'FAILED', errorCode: 'Throttling' });
  });
});

describe('LIST', () => {
  test('returns every assignment of the application across all pages, with no nextToken', async () => {
    const pages = [
      { ApplicationAssignments: [DESCRIBED], NextToken: 'page-2' },
      {
        ApplicationAssignments: [
          { ...DESCRIBED, PrincipalId: OTHER_PRINCIPAL, PrincipalType: 'GROUP' as const },
        ],
      },
    ];
    // The SDK's paginator reuses its input object, so each call's input is copied when it is made.
    const inputs: unknown[] = [];
    sso.on(ListApplicationAssignmentsCommand).callsFake((input: { NextToken?: string }) => {
      inputs.push({ ...input });
      return input.NextToken === 'page-2' ? pages[1] : pages[0];
    });
    const response = await invoke('LIST', { ApplicationArn: APPLICATION });
    expect(response.status).toBe('SUCCESS');
    expect(response.nextToken ?? undefined).toBeUndefined();
    expect(response.resourceModels).toEqual([
      MODEL,
      { ...MODEL, PrincipalId: OTHER_PRINCIPAL, PrincipalType: 'GROUP' },
    ]);
    expect(inputs).toEqual([
      { ApplicationArn: APPLICATION, MaxResults: 100 },
      { ApplicationArn: APPLICATION, MaxResults: 100, NextToken: 'page-2' },
    ]);
  });

  test('an application without assignments lists nothing', async () => {
    sso.on(ListApplicationAssignmentsCommand).resolves({ ApplicationAssignments: [] });
    const response = await invoke('LIST', { ApplicationArn: APPLICATION });
    expect(response).toMatchObject({ status: 'SUCCESS', resourceModels: [] });
  });

  test('entries without identifiers are skipped', async () => {
    sso.on(ListApplicationAssignmentsCommand).resolves({
      ApplicationAssignments: [
        { ApplicationArn: APPLICATION, PrincipalId: OTHER_PRINCIPAL, PrincipalType: undefined },
        DESCRIBED,
      ],
    });
    const response = await invoke('LIST', { ApplicationArn: APPLICATION });
    expect(response.resourceModels).toEqual([MODEL]);
  });

  test('the whole created model is accepted as LIST input (contract tests pass it)', async () => {
    sso.on(ListApplicationAssignmentsCommand).resolves({ ApplicationAssignments: [DESCRIBED] });
    const response = await invoke('LIST', MODEL);
    expect(response).toMatchObject({ status: 'SUCCESS', resourceModels: [MODEL] });
  });

  test('a missing application lists nothing: SUCCESS with [] and no nextToken', async () => {
    sso
      .on(ListApplicationAssignmentsCommand)
      .rejects(new ResourceNotFoundException({ message: 'Application does not exist', $metadata: {} }));
    const response = await invoke('LIST', { ApplicationArn: APPLICATION });
    expect(response).toMatchObject({ status: 'SUCCESS', resourceModels: [] });
    expect(response.nextToken ?? undefined).toBeUndefined();
  });

  describe('paging', () => {
    const OTHER_APPLICATION =
      'arn:aws:sso::123456789012:application/ssoins-1234567890abcdef/apl-fedcba0987654321';
    /** Three SSO Admin pages of one assignment each. */
    const PRINCIPALS = [PRINCIPAL, OTHER_PRINCIPAL, 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d'];

    function threePages(onCall: () => void = () => undefined): void {
      sso.on(ListApplicationAssignmentsCommand).callsFake((input: { NextToken?: string }) => {
        onCall();
        const index = input.NextToken === undefined ? 0 : Number(input.NextToken.replace('sso-page-', ''));
        return {
          ApplicationAssignments: [{ ...DESCRIBED, PrincipalId: PRINCIPALS[index] }],
          NextToken: index + 1 < PRINCIPALS.length ? `sso-page-${index + 1}` : undefined,
        };
      });
    }

    async function listPage(properties: unknown, nextToken?: string): Promise<ProgressPayload> {
      return asProgress(
        await entrypoint(
          handlerRequest('LIST', properties, { nextToken, resourceType: TYPE_NAME }),
          LAMBDA_CONTEXT,
        ),
      );
    }

    afterEach(() => {
      delete process.env.SSO_LIST_PAGE_WORK_MS;
    });

    test('a page stopped on its 20 s time budget answers what it has, and its nextToken resumes the walk', async () => {
      let now = Date.now();
      jest.spyOn(Date, 'now').mockImplementation(() => now);
      // Each call takes 12 s: the third would start 24 s into the page.
      threePages(() => (now += 12_000));
      const first = await listPage({ ApplicationArn: APPLICATION });
      expect(first.resourceModels).toEqual([MODEL, { ...MODEL, PrincipalId: OTHER_PRINCIPAL }]);
      expect(first.nextToken).toEqual(expect.any(String));
      sso.resetHistory();
      const second = await listPage({ ApplicationArn: APPLICATION }, first.nextToken);
      expect(second).toMatchObject({
        status: 'SUCCESS',
        resourceModels: [{ ...MODEL, PrincipalId: PRINCIPALS[2] }],
      });
      expect(second.nextToken ?? undefined).toBeUndefined();
      expect(sso.commandCalls(ListApplicationAssignmentsCommand).map((call) => call.args[0].input)).toEqual([
        { ApplicationArn: APPLICATION, MaxResults: 100, NextToken: 'sso-page-2' },
      ]);
    });

    test('tokens of another application, of the account-assignment LIST, or altered, are InvalidRequest naming NextToken', async () => {
      threePages();
      process.env.SSO_LIST_PAGE_WORK_MS = '0';
      const { nextToken } = await listPage({ ApplicationArn: APPLICATION });
      expect(nextToken).toEqual(expect.any(String));
      sso.resetHistory();
      const otherApplication = await listPage({ ApplicationArn: OTHER_APPLICATION }, nextToken);
      expect(otherApplication).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
      expect(otherApplication.message).toContain(
        'NextToken was issued for other filter properties: send the same ApplicationArn',
      );
      const ofAssignments = sealPageToken('account-assignments', [['ApplicationArn', APPLICATION]], {
        next: 'sso-page-1',
      });
      const foreign = await listPage({ ApplicationArn: APPLICATION }, ofAssignments);
      expect(foreign.message).toMatch(/^NextToken was issued by a LIST of "account-assignments"/);
      const altered = await listPage({ ApplicationArn: APPLICATION }, `${nextToken ?? ''}x`);
      expect(altered).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
      expect(altered.message).toMatch(/^NextToken /);
      expect(sso.calls()).toHaveLength(0);
    });

    test('SSO Admin refusing the NextToken it issued (stale) is InvalidRequest naming NextToken', async () => {
      sso
        .on(ListApplicationAssignmentsCommand)
        .resolves({ ApplicationAssignments: [DESCRIBED], NextToken: 'sso-page-1' });
      sso
        .on(ListApplicationAssignmentsCommand, { NextToken: 'sso-page-1' })
        .rejects(new ValidationException({ message: 'The NextToken has expired', $metadata: {} }));
      process.env.SSO_LIST_PAGE_WORK_MS = '0';
      const first = await listPage({ ApplicationArn: APPLICATION });
      const second = await listPage({ ApplicationArn: APPLICATION }, first.nextToken);
      expect(second).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
      expect(second.message).toMatch(/^NextToken is stale: .*The NextToken has expired/);
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
    // ResourceNotFoundException on LIST: a missing application lists nothing (the LIST tests above).
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
  ])('%s on LIST fails with its code', async (name, makeError, code) => {
    sso.on(ListApplicationAssignmentsCommand).rejects(makeError());
    const response = await invoke('LIST', { ApplicationArn: APPLICATION });
    expect(response).toMatchObject({ status: 'FAILED', errorCode: code });
    expect(response.message).toContain(name === 'an unknown error' ? 'new failure' : name);
  });

  test.each([
    [
      'AccessDeniedException',
      () => new AccessDeniedException({ message: 'no', $metadata: {} }),
      'AccessDenied',
    ],
    [
      'InternalServerException',
      () => new InternalServerException({ message: 'oops', $metadata: {} }),
      'ServiceInternalError',
    ],
    ['an unknown error', () => awsError('SomethingNewException', 'new failure'), 'InternalFailure'],
  ])('%s on the READ fails with its code', async (_name, makeError, code) => {
    sso.on(DescribeApplicationAssignmentCommand).rejects(makeError());
    expect(await invoke('READ', MODEL)).toMatchObject({ status: 'FAILED', errorCode: code });
  });
});

describe('TestEntrypoint (SAM / cfn test event format)', () => {
  const PROJECT = path.resolve(__dirname, '..', '..', 'application-assignment');

  function projectJson(file: string): Record<string, unknown> {
    return JSON.parse(readFileSync(path.join(PROJECT, file), 'utf8')) as Record<string, unknown>;
  }

  test('runs the same handlers from a TestEvent', async () => {
    sso.on(DescribeApplicationAssignmentCommand).resolves(DESCRIBED);
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
        request: { clientRequestToken: 'token-2', desiredResourceState: { ...MODEL, PrincipalType: 'ROLE' } },
      }),
    );
    expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
    expect(response.message).toContain(`Invalid ${TYPE_NAME} properties`);
    expect(sso.calls()).toHaveLength(0);
  });

  /** The contract-test create input, checked to be an assignment as the SDK types it. */
  function createInput(): ApplicationAssignment {
    const { ApplicationArn, PrincipalId, PrincipalType } = projectJson('inputs/inputs_1_create.json');
    if (
      typeof ApplicationArn !== 'string' ||
      typeof PrincipalId !== 'string' ||
      (PrincipalType !== 'USER' && PrincipalType !== 'GROUP')
    ) {
      throw new Error('inputs_1_create.json is not an application assignment');
    }
    return { ApplicationArn, PrincipalId, PrincipalType };
  }

  test('the sam-tests events run through the TestEntrypoint', async () => {
    const created = createInput();
    sso.on(DescribeApplicationAssignmentCommand).rejectsOnce(notFoundError()).resolves(created);
    sso.on(CreateApplicationAssignmentCommand).resolves({});
    sso.on(ListApplicationAssignmentsCommand).resolves({ ApplicationAssignments: [created] });
    const createEvent = projectJson('sam-tests/create.json');
    const marker = asProgress(await testEntrypoint(createEvent));
    expect(marker).toMatchObject({ status: 'IN_PROGRESS', callbackContext: { phase: 'submit' } });
    const create = asProgress(
      await testEntrypoint({ ...createEvent, callbackContext: marker.callbackContext }),
    );
    expect(create).toMatchObject({ status: 'SUCCESS', resourceModel: created });
    const read = asProgress(await testEntrypoint(projectJson('sam-tests/read.json')));
    expect(read).toMatchObject({ status: 'SUCCESS', resourceModel: created });
    const list = asProgress(await testEntrypoint(projectJson('sam-tests/list.json')));
    expect(list).toMatchObject({ status: 'SUCCESS', resourceModels: [created] });
    sso.reset();
    principals.reset();
    sso.on(DescribeApplicationAssignmentCommand).resolvesOnce(created).rejects(notFoundError());
    sso.on(DeleteApplicationAssignmentCommand).resolves({});
    const deleted = asProgress(await testEntrypoint(projectJson('sam-tests/delete.json')));
    expect(deleted.status).toBe('SUCCESS');
    expect(sso.commandCalls(DeleteApplicationAssignmentCommand)[0].args[0].input).toEqual(created);
  });

  test('the contract-test inputs: the create input is valid, the invalid one is rejected', async () => {
    sso.on(DescribeApplicationAssignmentCommand).rejects(notFoundError());
    const valid = await invoke('READ', projectJson('inputs/inputs_1_create.json'));
    expect(valid.errorCode).toBe('NotFound');
    const invalid = await invoke('CREATE', projectJson('inputs/inputs_1_invalid.json'));
    expect(invalid).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
    expect(invalid.message).toContain('ApplicationArn');
    expect(invalid.message).toContain('PrincipalType');
    expect(sso.commandCalls(CreateApplicationAssignmentCommand)).toHaveLength(0);
  });
});

describe('logging', () => {
  test('no credential or bearer token value reaches a log line', async () => {
    sso.on(DescribeApplicationAssignmentCommand).rejects(notFoundError());
    sso.on(CreateApplicationAssignmentCommand).rejects(awsError('SomethingNewException', 'boom'));
    const request = handlerRequest('CREATE', MODEL, {
      bearerToken: 'bearer-token-secret-value-123',
      resourceType: TYPE_NAME,
      callbackContext: { version: 1, startedAt: Date.now(), phase: 'submit' },
    });
    const response = asProgress(await entrypoint(request, LAMBDA_CONTEXT));
    expect(response.errorCode).toBe('InternalFailure');
    expect(logLines.join('\n')).toContain('failing with InternalFailure');
    const output = logLines.join('\n');
    for (const secret of [...Object.values(CALLER_CREDENTIALS), 'bearer-token-secret-value-123']) {
      expect(output).not.toContain(secret);
    }
  });

  test('a rejected input is logged as rejected before any AWS call', async () => {
    await invoke('CREATE', { ...MODEL, PrincipalType: 'ROLE' });
    expect(logLines.join('\n')).toContain('[CREATE] rejected before any AWS call');
  });
});

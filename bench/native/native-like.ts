/**
 * A stand-in for the native AWS::SSO::Assignment handler's strategy (benchmark only, never shipped), calling the
 * same SSO Admin API the same way so both can be measured on the same emulator. Facts, from the public sources:
 * - aws-cloudformation/aws-cloudformation-resource-providers-sso (commit a9214a0), aws-sso-assignment:
 *   CreateHandler/DeleteHandler: ListAccountAssignments pre-check, then the write, then stabilization on
 *   DescribeAccountAssignment{Creation,Deletion}Status; Conflict/Throttling -> IN_PROGRESS with
 *   BaseHandlerStd.getRetryTime = SecureRandom.ints(60, 300), i.e. a random 60-299 s callback; CREATE ends with
 *   ReadHandler, which retries a throttled list in-process up to 5 times (Constants.RETRY_ATTEMPTS) sleeping
 *   5-10 s (decrementAndWait) and then fails with Throttling.
 * - aws-cloudformation/cloudformation-cli-java-plugin: DelayFactory.CONSTANT_DEFAULT_DELAY_FACTORY polls every
 *   5 s (Constant, timeout 20 min). AmazonWebServicesClientProxy waits in-process while the Lambda's remaining
 *   time exceeds delay + 2 x (time of the last poll) + 100 ms, and otherwise answers IN_PROGRESS with a
 *   callback of max(delay, 60) s. So: a constant 5 s poll, waited in-process, not through callbackDelaySeconds.
 * - Its SDK client (AWS SDK for Java v2, default retry policy) makes up to 3 retries; modelled here with the JS
 *   SDK's standard mode at 4 attempts. ConflictException is not retried by either SDK.
 * The project brief states the same strategy: "a constant 5 s stabilization poll and a random 60-300 s
 * callback on throttling or conflict".
 */
import { Agent } from 'node:http';
import {
  CreateAccountAssignmentCommand,
  DeleteAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  ListAccountAssignmentsCommand,
  SSOAdminClient,
  type AccountAssignmentOperationStatus,
  type PrincipalType,
} from '@aws-sdk/client-sso-admin';
import type {
  CallbackContext,
  HandlerRequestPayload,
  LambdaContextLike,
  ProgressEventPayload,
  ResourceProperties,
} from '../../dev/driver';

/** The native type whose handler this strategy stands in for. */
export const NATIVE_TYPE_NAME = 'AWS::SSO::Assignment';

export const NATIVE_STRATEGY = {
  /** Constant stabilization delay and its overall timeout (cloudformation-cli-java-plugin DelayFactory). */
  pollDelayMs: 5_000,
  stabilizationTimeoutMs: 20 * 60_000,
  /** The callback when an in-process wait does not fit in the invocation (AmazonWebServicesClientProxy). */
  minCallbackSeconds: 60,
  /** Conflict/Throttling: SecureRandom.ints(60, 300) (BaseHandlerStd.getRetryTime), upper bound exclusive. */
  retryLaterSeconds: { min: 60, maxExclusive: 300 },
  /** ReadHandler: 5 attempts, sleeping SecureRandom.ints(5000, 10000) ms after each throttle. */
  readAttempts: 5,
  readRetryWaitMs: { min: 5_000, maxExclusive: 10_000 },
  /** AWS SDK for Java v2 default: 3 retries. */
  sdkMaxAttempts: 4,
} as const;

interface NativeContext {
  /** The write's RequestId once it was accepted (the Java plugin memoizes the write's response). */
  requestId?: string;
  /** Stabilization delays taken so far (the Java plugin's attempt counter for the call graph). */
  attempts: number;
}

interface AssignmentKey {
  InstanceArn: string;
  PermissionSetArn: string;
  PrincipalId: string;
  PrincipalType: PrincipalType;
  TargetId: string;
  TargetType: 'AWS_ACCOUNT';
}

// The Java handlers share one HTTP client (LambdaWrapper.HTTP_CLIENT) across their SDK clients.
const sharedAgent = new Agent({ keepAlive: true, maxSockets: 50 });

function randomInt(min: number, maxExclusive: number): number {
  return min + Math.floor(Math.random() * (maxExclusive - min));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}

function keyOf(model: ResourceProperties): AssignmentKey {
  const text = (name: string): string => {
    const value = model[name];
    if (typeof value !== 'string') throw new Error(`${name} is missing`);
    return value;
  };
  return {
    InstanceArn: text('InstanceArn'),
    PermissionSetArn: text('PermissionSetArn'),
    PrincipalId: text('PrincipalId'),
    PrincipalType: text('PrincipalType') as PrincipalType,
    TargetId: text('TargetId'),
    TargetType: 'AWS_ACCOUNT',
  };
}

function readContext(value: CallbackContext | undefined): NativeContext {
  const requestId = typeof value?.requestId === 'string' ? value.requestId : undefined;
  const attempts = typeof value?.attempts === 'number' ? value.attempts : 0;
  return requestId === undefined ? { attempts } : { requestId, attempts };
}

function failed(errorCode: string, message: string): ProgressEventPayload {
  return { status: 'FAILED', errorCode, message, callbackDelaySeconds: 0 };
}

function inProgress(
  model: ResourceProperties,
  context: NativeContext,
  callbackDelaySeconds: number,
): ProgressEventPayload {
  return {
    status: 'IN_PROGRESS',
    message: '',
    callbackDelaySeconds,
    callbackContext: { ...context },
    resourceModel: model,
  };
}

function clientFor(request: HandlerRequestPayload): SSOAdminClient {
  const { accessKeyId, secretAccessKey, sessionToken } = request.requestData.callerCredentials;
  // A client per invocation, as the Java ClientBuilder builds one per call; the endpoint comes from
  // AWS_ENDPOINT_URL_SSO_ADMIN (the emulator).
  return new SSOAdminClient({
    region: request.region,
    credentials: { accessKeyId, secretAccessKey, sessionToken },
    maxAttempts: NATIVE_STRATEGY.sdkMaxAttempts,
    retryMode: 'standard',
    requestHandler: { httpAgent: sharedAgent },
  });
}

/** AssignmentProxy.checkIfAssignmentAlreadyExist: pages ListAccountAssignments for the account and permission set. */
async function assignmentExists(client: SSOAdminClient, key: AssignmentKey): Promise<boolean> {
  let nextToken: string | undefined;
  try {
    do {
      const page = await client.send(
        new ListAccountAssignmentsCommand({
          InstanceArn: key.InstanceArn,
          AccountId: key.TargetId,
          PermissionSetArn: key.PermissionSetArn,
          NextToken: nextToken,
        }),
      );
      if (
        page.AccountAssignments?.some(
          (assignment) =>
            assignment.PrincipalId === key.PrincipalId && assignment.PrincipalType === key.PrincipalType,
        )
      ) {
        return true;
      }
      nextToken = page.NextToken;
    } while (nextToken);
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return false;
    throw error;
  }
  return false;
}

async function submit(
  client: SSOAdminClient,
  action: 'CREATE' | 'DELETE',
  key: AssignmentKey,
): Promise<string> {
  const status: AccountAssignmentOperationStatus | undefined =
    action === 'CREATE'
      ? (await client.send(new CreateAccountAssignmentCommand(key))).AccountAssignmentCreationStatus
      : (await client.send(new DeleteAccountAssignmentCommand(key))).AccountAssignmentDeletionStatus;
  if (!status?.RequestId) throw new Error('the write returned no RequestId');
  return status.RequestId;
}

async function describe(
  client: SSOAdminClient,
  action: 'CREATE' | 'DELETE',
  instanceArn: string,
  requestId: string,
): Promise<AccountAssignmentOperationStatus | undefined> {
  return action === 'CREATE'
    ? (
        await client.send(
          new DescribeAccountAssignmentCreationStatusCommand({
            InstanceArn: instanceArn,
            AccountAssignmentCreationRequestId: requestId,
          }),
        )
      ).AccountAssignmentCreationStatus
    : (
        await client.send(
          new DescribeAccountAssignmentDeletionStatusCommand({
            InstanceArn: instanceArn,
            AccountAssignmentDeletionRequestId: requestId,
          }),
        )
      ).AccountAssignmentDeletionStatus;
}

/** ReadHandler: up to 5 attempts, an in-process 5-10 s wait after each throttle. */
async function nativeRead(client: SSOAdminClient, model: ResourceProperties): Promise<ProgressEventPayload> {
  const key = keyOf(model);
  for (let attempt = 1; ; attempt++) {
    try {
      return (await assignmentExists(client, key))
        ? { status: 'SUCCESS', message: '', callbackDelaySeconds: 0, resourceModel: model }
        : failed('NotFound', 'Assignment not exists for given entity.');
    } catch (error) {
      if (errorName(error) !== 'ThrottlingException') return failed('GeneralServiceException', String(error));
      if (attempt >= NATIVE_STRATEGY.readAttempts) return failed('Throttling', 'Read throttled');
      const { min, maxExclusive } = NATIVE_STRATEGY.readRetryWaitMs;
      await sleep(randomInt(min, maxExclusive));
    }
  }
}

async function nativeWrite(
  action: 'CREATE' | 'DELETE',
  request: HandlerRequestPayload,
  lambdaContext: LambdaContextLike,
): Promise<ProgressEventPayload> {
  const model = request.requestData.resourceProperties;
  const key = keyOf(model);
  const client = clientFor(request);
  const context = readContext(request.callbackContext);
  try {
    if (context.requestId === undefined) {
      const exists = await assignmentExists(client, key);
      if (action === 'CREATE' && exists) return failed('AlreadyExists', 'Assignment already exists.');
      if (action === 'DELETE' && !exists) return failed('NotFound', 'Assignment not exist any more.');
      context.requestId = await submit(client, action, key);
    }
    for (;;) {
      const pollStartedAt = Date.now();
      const status = await describe(client, action, key.InstanceArn, context.requestId);
      if (status?.Status === 'SUCCEEDED') break;
      if (status?.Status === 'FAILED') {
        return failed(
          'GeneralServiceException',
          `Request ${context.requestId} failed due to: ${status.FailureReason}`,
        );
      }
      context.attempts++;
      if (context.attempts * NATIVE_STRATEGY.pollDelayMs > NATIVE_STRATEGY.stabilizationTimeoutMs) {
        return failed('NotStabilized', 'Exceeded attempts to wait');
      }
      const elapsedMs = Date.now() - pollStartedAt;
      if (lambdaContext.getRemainingTimeInMillis() > NATIVE_STRATEGY.pollDelayMs + 2 * elapsedMs + 100) {
        await sleep(NATIVE_STRATEGY.pollDelayMs);
        continue;
      }
      return inProgress(
        model,
        context,
        Math.max(NATIVE_STRATEGY.pollDelayMs / 1000, NATIVE_STRATEGY.minCallbackSeconds),
      );
    }
  } catch (error) {
    const name = errorName(error);
    if (name === 'ThrottlingException' || name === 'ConflictException') {
      const { min, maxExclusive } = NATIVE_STRATEGY.retryLaterSeconds;
      return inProgress(model, context, randomInt(min, maxExclusive));
    }
    return failed('GeneralServiceException', `${name}: ${String(error)}`);
  }
  if (action === 'DELETE') return { status: 'SUCCESS', message: '', callbackDelaySeconds: 0 };
  return nativeRead(client, model);
}

/** The native-like entrypoint: CREATE, DELETE and READ, in the driver's payload shapes. */
export async function nativeLikeEntrypoint(
  request: HandlerRequestPayload,
  lambdaContext: LambdaContextLike,
): Promise<ProgressEventPayload> {
  switch (request.action) {
    case 'CREATE':
    case 'DELETE':
      return nativeWrite(request.action, request, lambdaContext);
    case 'READ':
      return nativeRead(clientFor(request), request.requestData.resourceProperties);
    default:
      return failed('InvalidRequest', `${request.action} is not modelled by the native-like handler`);
  }
}

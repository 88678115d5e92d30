// Builds HandlerRequest payloads and Lambda contexts the way CloudFormation does when it drives a handler.
// Field set: lib dist/interface.d.ts HandlerRequest/RequestData; the CloudFormation CLI builds the same
// request for `cfn test` (cloudformation-cli src/rpdk/core/contract/resource_client.py make_request).
import { randomUUID } from 'node:crypto';
import {
  type CallbackContext,
  cloneJson,
  type CredentialsPayload,
  type HandlerAction,
  type HandlerRequestPayload,
  type LambdaContextLike,
  type ProgressEventPayload,
  type RequestDataPayload,
  type ResourceProperties,
} from './types';

export const DEFAULT_REGION = 'us-east-1';
export const DEFAULT_ACCOUNT_ID = '123456789012';
export const DEFAULT_LOGICAL_RESOURCE_ID = 'DriverResource';
export const DEFAULT_STACK_NAME = 'driver-stack';
export const DEFAULT_RESOURCE_TYPE_VERSION = '00000001';
export const DEFAULT_LAMBDA_TIMEOUT_MS = 60_000;
export const DEFAULT_MEMORY_LIMIT_MB = 256;

/**
 * Fake temporary credentials shaped like STS ones (ASIA... key id, 40-char secret, session token); the
 * key id and secret are the placeholder values from the AWS documentation. Nothing on loopback checks them.
 */
export const DEFAULT_CALLER_CREDENTIALS: Readonly<CredentialsPayload> = Object.freeze({
  accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken:
    'IQoJb3JpZ2luX2VjEDriverFakeSessionTokenForLoopbackOnly0000000000000000000000000000000000000000',
});

/** Settings that stay the same for every operation against one stack. */
export type RequestDefaults = {
  /** resourceType, e.g. 'AWS::SSO::Assignment'. */
  typeName: string;
  resourceTypeVersion?: string;
  region?: string;
  awsAccountId?: string;
  callerCredentials?: CredentialsPayload;
  /**
   * Leave unset locally: with provider credentials the lib starts CloudWatch Logs / S3 / metrics clients
   * against real AWS (resource.js initializeRuntime).
   */
  providerCredentials?: CredentialsPayload;
  providerLogGroupName?: string;
  /** A CloudFormation stack ARN; defaults to a fresh one in the region/account. */
  stackId?: string;
  logicalResourceId?: string;
  systemTags?: Record<string, string>;
  stackTags?: Record<string, string>;
  previousStackTags?: Record<string, string>;
  /** Leave unset unless the type declares a type configuration: the lib fails InternalFailure otherwise. */
  typeConfiguration?: Record<string, unknown>;
};

/** What differs between operations. */
export type OperationInput = {
  action: HandlerAction;
  properties: ResourceProperties;
  previousProperties?: ResourceProperties;
  /** Defaults to a fresh UUID: CloudFormation issues one per operation. */
  bearerToken?: string;
  /** Set only when resuming an operation (a re-invocation). */
  callbackContext?: CallbackContext;
  nextToken?: string;
};

export function stackArn(
  region: string,
  awsAccountId: string,
  stackName: string,
  stackUuid = randomUUID(),
): string {
  return `arn:aws:cloudformation:${region}:${awsAccountId}:stack/${stackName}/${stackUuid}`;
}

/** The first HandlerRequest of an operation. */
export function buildHandlerRequest(defaults: RequestDefaults, input: OperationInput): HandlerRequestPayload {
  const region = defaults.region ?? DEFAULT_REGION;
  const awsAccountId = defaults.awsAccountId ?? DEFAULT_ACCOUNT_ID;
  const requestData: RequestDataPayload = {
    callerCredentials: { ...(defaults.callerCredentials ?? DEFAULT_CALLER_CREDENTIALS) },
    logicalResourceId: defaults.logicalResourceId ?? DEFAULT_LOGICAL_RESOURCE_ID,
    resourceProperties: cloneJson(input.properties),
  };
  if (input.previousProperties !== undefined) {
    requestData.previousResourceProperties = cloneJson(input.previousProperties);
  }
  if (defaults.providerCredentials !== undefined)
    requestData.providerCredentials = { ...defaults.providerCredentials };
  if (defaults.providerLogGroupName !== undefined)
    requestData.providerLogGroupName = defaults.providerLogGroupName;
  if (defaults.systemTags !== undefined) requestData.systemTags = { ...defaults.systemTags };
  if (defaults.stackTags !== undefined) requestData.stackTags = { ...defaults.stackTags };
  if (defaults.previousStackTags !== undefined)
    requestData.previousStackTags = { ...defaults.previousStackTags };
  if (defaults.typeConfiguration !== undefined)
    requestData.typeConfiguration = cloneJson(defaults.typeConfiguration);

  const request: HandlerRequestPayload = {
    action: input.action,
    awsAccountId,
    bearerToken: input.bearerToken ?? randomUUID(),
    region,
    resourceType: defaults.typeName,
    resourceTypeVersion: defaults.resourceTypeVersion ?? DEFAULT_RESOURCE_TYPE_VERSION,
    stackId: defaults.stackId ?? stackArn(region, awsAccountId, DEFAULT_STACK_NAME),
    requestData,
  };
  if (input.callbackContext !== undefined) request.callbackContext = cloneJson(input.callbackContext);
  if (input.nextToken !== undefined) request.nextToken = input.nextToken;
  return request;
}

/**
 * The request CloudFormation sends after an IN_PROGRESS event: same operation (bearer token, stack, action),
 * the returned resourceModel as the new resourceProperties and the returned callbackContext.
 * `callerCredentials` lets the caller refresh credentials per invocation, as CloudFormation may.
 */
export function buildReinvocationRequest(
  previous: HandlerRequestPayload,
  response: ProgressEventPayload,
  callerCredentials: CredentialsPayload = previous.requestData.callerCredentials,
): HandlerRequestPayload {
  const next: HandlerRequestPayload = cloneJson(previous);
  next.requestData.callerCredentials = { ...callerCredentials };
  // Without a returned model (a contract violation when checks are on) keep sending the last properties.
  if (response.resourceModel !== undefined)
    next.requestData.resourceProperties = cloneJson(response.resourceModel);
  if (response.callbackContext !== undefined) {
    next.callbackContext = cloneJson(response.callbackContext);
  } else {
    delete next.callbackContext;
  }
  return next;
}

export type LambdaContextOptions = {
  functionName: string;
  region?: string;
  awsAccountId?: string;
  lambdaTimeoutMs?: number;
  memoryLimitInMB?: number;
  /** Milliseconds clock; defaults to performance.now. */
  now?: () => number;
};

/** A Lambda context whose remaining time counts down from the Lambda timeout, starting now. */
export function createLambdaContext(options: LambdaContextOptions): LambdaContextLike {
  const now = options.now ?? (() => performance.now());
  const timeoutMs = options.lambdaTimeoutMs ?? DEFAULT_LAMBDA_TIMEOUT_MS;
  const startedAt = now();
  const region = options.region ?? DEFAULT_REGION;
  const awsAccountId = options.awsAccountId ?? DEFAULT_ACCOUNT_ID;
  return {
    awsRequestId: randomUUID(),
    functionName: options.functionName,
    functionVersion: '$LATEST',
    memoryLimitInMB: options.memoryLimitInMB ?? DEFAULT_MEMORY_LIMIT_MB,
    invokedFunctionArn: `arn:aws:lambda:${region}:${awsAccountId}:function:${options.functionName}`,
    getRemainingTimeInMillis: () => Math.max(0, Math.round(timeoutMs - (now() - startedAt))),
  };
}

/** A Lambda function name derived from a type name, e.g. AWS::SSO::Assignment -> aws-sso-assignment-handler. */
export function functionNameFor(typeName: string): string {
  return `${typeName.toLowerCase().replace(/::/g, '-')}-handler`;
}

/** The secret strings of a request (credentials and bearer token), for redaction. */
export function secretsOf(request: HandlerRequestPayload): string[] {
  const credentials = [request.requestData.callerCredentials, request.requestData.providerCredentials];
  return [
    request.bearerToken,
    ...credentials.flatMap((c) =>
      c === undefined ? [] : [c.accessKeyId, c.secretAccessKey, c.sessionToken],
    ),
  ].filter((secret) => secret.length > 0);
}

/** `text` with every secret replaced by <redacted>, longest first so a secret containing another goes whole. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  return [...secrets]
    .sort((left, right) => right.length - left.length)
    .reduce((masked, secret) => masked.split(secret).join('<redacted>'), text);
}

/** A copy of the request with credentials replaced, safe to keep in records (the bearer token stays). */
export function redactCredentials(request: HandlerRequestPayload): HandlerRequestPayload {
  const redacted = cloneJson(request);
  const mask: CredentialsPayload = {
    accessKeyId: '<redacted>',
    secretAccessKey: '<redacted>',
    sessionToken: '<redacted>',
  };
  redacted.requestData.callerCredentials = { ...mask };
  if (redacted.requestData.providerCredentials !== undefined)
    redacted.requestData.providerCredentials = { ...mask };
  return redacted;
}

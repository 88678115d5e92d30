// The two event formats a handler can be invoked with, and conversions between them:
// - HandlerRequest: what CloudFormation sends to the Lambda (the lib's `entrypoint`);
// - TestEvent: what `sam local invoke` sends in the plugin's sam-tests/*.json (the lib's `testEntrypoint`,
//   resource.js parseTestRequest: { credentials, action, request: UnmodeledRequest fields, callbackContext }).
import { randomUUID } from 'node:crypto';
import Ajv from 'ajv';
import {
  buildHandlerRequest,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_CALLER_CREDENTIALS,
  DEFAULT_LOGICAL_RESOURCE_ID,
  DEFAULT_REGION,
  type RequestDefaults,
} from './request';
import {
  type CallbackContext,
  cloneJson,
  type CredentialsPayload,
  type Entrypoint,
  HANDLER_ACTIONS,
  type HandlerAction,
  type HandlerRequestPayload,
  type ResourceProperties,
  type TestEntrypoint,
  type TestEventPayload,
  type TestEventRequestPayload,
} from './types';

export type EventFormat = 'handler-request' | 'test-event';

export class EventFormatError extends Error {
  override readonly name = 'EventFormatError';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Tells a HandlerRequest (has `requestData`) from a TestEvent (has `request` and `credentials`).
 * Throws EventFormatError when the JSON is neither or looks like both.
 */
export function detectEventFormat(json: unknown): EventFormat {
  if (!isPlainObject(json)) throw new EventFormatError('An event must be a JSON object');
  const looksLikeHandlerRequest = isPlainObject(json.requestData);
  const looksLikeTestEvent = isPlainObject(json.request) && isPlainObject(json.credentials);
  if (looksLikeHandlerRequest && looksLikeTestEvent) {
    throw new EventFormatError(
      'Ambiguous event: it has both requestData (HandlerRequest) and request (TestEvent)',
    );
  }
  if (looksLikeHandlerRequest) return 'handler-request';
  if (looksLikeTestEvent) return 'test-event';
  throw new EventFormatError(
    'Unknown event format: expected a HandlerRequest (with requestData) or a TestEvent (with credentials and request)',
  );
}

// Shapes as found in files: CloudFormation and `cfn` write null for absent optional fields.
type Nullable<T> = { [K in keyof T]?: T[K] | null };
type RawHandlerRequest = Nullable<Omit<HandlerRequestPayload, 'requestData'>> &
  Pick<HandlerRequestPayload, 'action' | 'awsAccountId' | 'bearerToken' | 'region'> & {
    requestData: Nullable<HandlerRequestPayload['requestData']>;
  };
type RawTestEvent = {
  credentials: CredentialsPayload;
  action: HandlerAction;
  request: Nullable<TestEventRequestPayload>;
  callbackContext?: CallbackContext | null;
  region?: string | null;
};

const nullableObject = { type: ['object', 'null'] };
const nullableString = { type: ['string', 'null'] };
const stringMap = { type: ['object', 'null'], additionalProperties: { type: 'string' } };
const credentialsSchema = {
  type: 'object',
  required: ['accessKeyId', 'secretAccessKey', 'sessionToken'],
  properties: {
    accessKeyId: { type: 'string' },
    secretAccessKey: { type: 'string' },
    sessionToken: { type: 'string' },
  },
};
const nullableCredentials = { anyOf: [credentialsSchema, { type: 'null' }] };

// Only what the lib needs to deserialize the event is required; the rest is filled from defaults.
const handlerRequestSchema = {
  type: 'object',
  required: ['action', 'awsAccountId', 'bearerToken', 'region', 'requestData'],
  properties: {
    action: { enum: [...HANDLER_ACTIONS] },
    awsAccountId: { type: 'string', minLength: 1 },
    bearerToken: { type: 'string', minLength: 1 },
    region: { type: 'string', minLength: 1 },
    resourceType: nullableString,
    resourceTypeVersion: nullableString,
    stackId: nullableString,
    nextToken: nullableString,
    callbackContext: nullableObject,
    requestContext: nullableObject,
    requestData: {
      type: 'object',
      properties: {
        callerCredentials: nullableCredentials,
        providerCredentials: nullableCredentials,
        providerLogGroupName: nullableString,
        logicalResourceId: nullableString,
        resourceProperties: nullableObject,
        previousResourceProperties: nullableObject,
        systemTags: stringMap,
        stackTags: stringMap,
        previousStackTags: stringMap,
        typeConfiguration: nullableObject,
      },
    },
  },
};

const testEventSchema = {
  type: 'object',
  required: ['credentials', 'action', 'request'],
  properties: {
    credentials: credentialsSchema,
    action: { enum: [...HANDLER_ACTIONS] },
    callbackContext: nullableObject,
    region: nullableString,
    request: {
      type: 'object',
      properties: {
        clientRequestToken: nullableString,
        desiredResourceState: nullableObject,
        previousResourceState: nullableObject,
        logicalResourceIdentifier: nullableString,
        region: nullableString,
        awsAccountId: nullableString,
        nextToken: nullableString,
        desiredResourceTags: stringMap,
        previousResourceTags: stringMap,
        systemTags: stringMap,
      },
    },
  },
};

const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
const validateHandlerRequest = ajv.compile<RawHandlerRequest>(handlerRequestSchema);
const validateTestEvent = ajv.compile<RawTestEvent>(testEventSchema);

/** Validates a HandlerRequest read from a file and fills what it omits (resourceType, stackId, ...) from defaults. */
export function parseHandlerRequest(json: unknown, defaults: RequestDefaults): HandlerRequestPayload {
  if (!validateHandlerRequest(json)) {
    throw new EventFormatError(`Invalid HandlerRequest: ${ajv.errorsText(validateHandlerRequest.errors)}`);
  }
  const data = json.requestData;
  const request = buildHandlerRequest(
    {
      ...defaults,
      typeName: json.resourceType ?? defaults.typeName,
      resourceTypeVersion: json.resourceTypeVersion ?? defaults.resourceTypeVersion,
      region: json.region,
      awsAccountId: json.awsAccountId,
      stackId: json.stackId ?? defaults.stackId,
      callerCredentials: data.callerCredentials ?? defaults.callerCredentials,
      providerCredentials: data.providerCredentials ?? defaults.providerCredentials,
      providerLogGroupName: data.providerLogGroupName ?? defaults.providerLogGroupName,
      logicalResourceId: data.logicalResourceId ?? defaults.logicalResourceId,
      systemTags: data.systemTags ?? defaults.systemTags,
      stackTags: data.stackTags ?? defaults.stackTags,
      previousStackTags: data.previousStackTags ?? defaults.previousStackTags,
      typeConfiguration: data.typeConfiguration ?? defaults.typeConfiguration,
    },
    {
      action: json.action,
      properties: data.resourceProperties ?? {},
      previousProperties: data.previousResourceProperties ?? undefined,
      bearerToken: json.bearerToken,
      callbackContext: json.callbackContext ?? undefined,
      nextToken: json.nextToken ?? undefined,
    },
  );
  if (json.requestContext) request.requestContext = cloneJson(json.requestContext);
  return request;
}

/** Validates a TestEvent read from a file (nulls dropped, missing token and state filled). */
export function parseTestEvent(json: unknown): TestEventPayload {
  if (!validateTestEvent(json)) {
    throw new EventFormatError(`Invalid TestEvent: ${ajv.errorsText(validateTestEvent.errors)}`);
  }
  const raw = json.request;
  const request: TestEventRequestPayload = {
    clientRequestToken: raw.clientRequestToken ?? randomUUID(),
    desiredResourceState: cloneJson(raw.desiredResourceState ?? {}),
    logicalResourceIdentifier: raw.logicalResourceIdentifier ?? DEFAULT_LOGICAL_RESOURCE_ID,
  };
  if (raw.previousResourceState) request.previousResourceState = cloneJson(raw.previousResourceState);
  if (raw.region) request.region = raw.region;
  if (raw.awsAccountId) request.awsAccountId = raw.awsAccountId;
  if (raw.nextToken) request.nextToken = raw.nextToken;
  if (raw.desiredResourceTags) request.desiredResourceTags = { ...raw.desiredResourceTags };
  if (raw.previousResourceTags) request.previousResourceTags = { ...raw.previousResourceTags };
  if (raw.systemTags) request.systemTags = { ...raw.systemTags };
  const event: TestEventPayload = {
    credentials: { ...json.credentials },
    action: json.action,
    request,
    callbackContext: json.callbackContext ? cloneJson(json.callbackContext) : null,
  };
  const region = json.region ?? raw.region;
  if (region) event.region = region;
  return event;
}

export type TestEventInput = {
  action: HandlerAction;
  properties: ResourceProperties;
  previousProperties?: ResourceProperties;
  credentials?: CredentialsPayload;
  region?: string;
  awsAccountId?: string;
  logicalResourceId?: string;
  /** Defaults to a fresh UUID (it plays the bearer token's role). */
  clientRequestToken?: string;
  callbackContext?: CallbackContext;
};

/** A TestEvent as the plugin's sam-tests files hold them, with region/account also set on the request. */
export function buildTestEvent(input: TestEventInput): TestEventPayload {
  const region = input.region ?? DEFAULT_REGION;
  const request: TestEventRequestPayload = {
    clientRequestToken: input.clientRequestToken ?? randomUUID(),
    desiredResourceState: cloneJson(input.properties),
    logicalResourceIdentifier: input.logicalResourceId ?? DEFAULT_LOGICAL_RESOURCE_ID,
    region,
    awsAccountId: input.awsAccountId ?? DEFAULT_ACCOUNT_ID,
  };
  if (input.previousProperties !== undefined)
    request.previousResourceState = cloneJson(input.previousProperties);
  return {
    credentials: { ...(input.credentials ?? DEFAULT_CALLER_CREDENTIALS) },
    action: input.action,
    request,
    callbackContext: input.callbackContext === undefined ? null : cloneJson(input.callbackContext),
    region,
  };
}

/**
 * The TestEvent carrying the same request: bearerToken -> clientRequestToken, resourceProperties ->
 * desiredResourceState, stackTags -> desiredResourceTags (the mapping of resource.js castResourceRequest).
 * Provider credentials, stack id and type configuration have no TestEvent field and are dropped.
 */
export function handlerRequestToTestEvent(request: HandlerRequestPayload): TestEventPayload {
  const data = request.requestData;
  const testRequest: TestEventRequestPayload = {
    clientRequestToken: request.bearerToken,
    desiredResourceState: cloneJson(data.resourceProperties),
    logicalResourceIdentifier: data.logicalResourceId,
    region: request.region,
    awsAccountId: request.awsAccountId,
  };
  if (data.previousResourceProperties !== undefined) {
    testRequest.previousResourceState = cloneJson(data.previousResourceProperties);
  }
  if (request.nextToken !== undefined) testRequest.nextToken = request.nextToken;
  if (data.stackTags !== undefined) testRequest.desiredResourceTags = { ...data.stackTags };
  if (data.previousStackTags !== undefined) testRequest.previousResourceTags = { ...data.previousStackTags };
  if (data.systemTags !== undefined) testRequest.systemTags = { ...data.systemTags };
  return {
    credentials: { ...data.callerCredentials },
    action: request.action,
    request: testRequest,
    callbackContext: request.callbackContext === undefined ? null : cloneJson(request.callbackContext),
    region: request.region,
  };
}

/** The HandlerRequest carrying the same request; what a TestEvent lacks (stack, type) comes from defaults. */
export function testEventToHandlerRequest(
  event: TestEventPayload,
  defaults: RequestDefaults,
): HandlerRequestPayload {
  const request = event.request;
  return buildHandlerRequest(
    {
      ...defaults,
      region: event.region ?? request.region ?? defaults.region,
      awsAccountId: request.awsAccountId ?? defaults.awsAccountId,
      callerCredentials: event.credentials,
      logicalResourceId: request.logicalResourceIdentifier,
      stackTags: request.desiredResourceTags ?? defaults.stackTags,
      previousStackTags: request.previousResourceTags ?? defaults.previousStackTags,
      systemTags: request.systemTags ?? defaults.systemTags,
    },
    {
      action: event.action,
      properties: request.desiredResourceState,
      previousProperties: request.previousResourceState,
      bearerToken: request.clientRequestToken,
      callbackContext: event.callbackContext ?? undefined,
      nextToken: request.nextToken,
    },
  );
}

/** Any event file (either format) as a HandlerRequest, ready for runAction/runEvent. */
export function toHandlerRequest(json: unknown, defaults: RequestDefaults): HandlerRequestPayload {
  return detectEventFormat(json) === 'handler-request'
    ? parseHandlerRequest(json, defaults)
    : testEventToHandlerRequest(parseTestEvent(json), defaults);
}

/**
 * Wraps the lib's `testEntrypoint` as an Entrypoint, so the driver's re-invocation loop and contract checks
 * can run against it: each HandlerRequest is converted with handlerRequestToTestEvent.
 * Beware: the lib's testEntrypoint logs the whole event, credentials included (resource.js testEntrypoint).
 */
export function adaptTestEntrypoint(testEntrypoint: TestEntrypoint): Entrypoint {
  return (request, context) => testEntrypoint(handlerRequestToTestEvent(request), context);
}

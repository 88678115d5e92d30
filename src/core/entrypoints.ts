import { randomUUID } from 'node:crypto';
import {
  Action,
  BaseModel,
  BaseResource,
  HandlerErrorCode,
  LambdaContext,
} from '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib';
import { runInInvocation } from './invocation';
import { isRecord } from './records';
import { failedPayload, JsonObject } from './progress';
import { SchemaValidator, ValidationResult } from './validation';

export type Entrypoint = (event: unknown, context?: Partial<LambdaContext>) => Promise<unknown>;

export interface Entrypoints {
  /** Production: CloudFormation's HandlerRequest. */
  readonly entrypoint: Entrypoint;
  /** Local testing (SAM `TestEntrypoint`, cfn test): the TestEvent format. */
  readonly testEntrypoint: Entrypoint;
}

function asObject(value: unknown): JsonObject | undefined {
  return isRecord(value) ? value : undefined;
}

function hasCredentials(value: unknown): boolean {
  const credentials = asObject(value);
  return (
    typeof credentials?.accessKeyId === 'string' &&
    credentials.accessKeyId !== '' &&
    typeof credentials.secretAccessKey === 'string' &&
    credentials.secretAccessKey !== ''
  );
}

function validateFor(validator: SchemaValidator, action: unknown, properties: unknown): ValidationResult {
  switch (action) {
    case Action.Create:
    case Action.Update:
      return validator.validateModel(properties);
    case Action.Read:
    case Action.Delete:
      return validator.validateIdentifier(properties);
    case Action.List:
      return validator.validateListInput(properties ?? {});
    default:
      // Unknown actions are the runtime lib's to reject.
      return { valid: true };
  }
}

/**
 * A TestEvent (what SAM's TestEntrypoint and `cfn test` send) as the HandlerRequest CloudFormation would
 * send, so both entrypoints share one path: the runtime lib's `entrypoint`, which redacts credentials and
 * the bearer token from logs (its own `testEntrypoint` logs the whole event, credentials included).
 */
export function handlerRequestFromTestEvent(event: JsonObject, typeName: string): JsonObject {
  const request = asObject(event.request) ?? {};
  return {
    action: event.action,
    awsAccountId: typeof request.awsAccountId === 'string' ? request.awsAccountId : '000000000000',
    bearerToken: typeof request.clientRequestToken === 'string' ? request.clientRequestToken : randomUUID(),
    region: typeof event.region === 'string' ? event.region : (process.env.AWS_REGION ?? 'us-east-1'),
    resourceType: typeName,
    requestData: {
      callerCredentials: event.credentials,
      resourceProperties: request.desiredResourceState,
      previousResourceProperties: request.previousResourceState,
      logicalResourceId: request.logicalResourceIdentifier,
    },
    callbackContext: event.callbackContext ?? undefined,
    // A TestEvent carries a LIST page's token in its request (the lib's UnmodeledRequest.nextToken).
    nextToken: typeof request.nextToken === 'string' ? request.nextToken : undefined,
  };
}

/**
 * Wraps the runtime lib's entrypoint: validates the raw properties against the schema before anything
 * else (the lib drops unknown properties and nulls while building the model), and records the invocation's
 * deadline and type name for the handlers.
 */
export function buildEntrypoints<T extends BaseModel, C extends BaseModel>(
  resource: BaseResource<T, C>,
  validator: SchemaValidator,
  defaultTypeName: string,
): Entrypoints {
  const entrypoint: Entrypoint = async (event, context) => {
    const request = asObject(event);
    if (!request) return failedPayload(HandlerErrorCode.InvalidRequest, 'The request is not a JSON object');
    const requestData = asObject(request.requestData);
    const verdict = validateFor(validator, request.action, requestData?.resourceProperties);
    if (!verdict.valid) {
      console.log(`[${String(request.action)}] rejected before any AWS call: ${verdict.message}`);
      return failedPayload(HandlerErrorCode.InvalidRequest, verdict.message);
    }
    if (!hasCredentials(requestData?.callerCredentials)) {
      // The runtime lib keeps the previous invocation's caller session when a request has none; never let a
      // request run on another caller's credentials.
      return failedPayload(
        HandlerErrorCode.InvalidCredentials,
        'CloudFormation passed no caller credentials: register the type with an execution role',
      );
    }
    const typeName =
      typeof request.resourceType === 'string' && request.resourceType !== ''
        ? request.resourceType
        : defaultTypeName;
    const remainingMs = context?.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY;
    const lambdaContext: LambdaContext = {
      ...context,
      getRemainingTimeInMillis: context?.getRemainingTimeInMillis ?? (() => remainingMs),
    };
    return runInInvocation({ deadline: Date.now() + remainingMs, typeName }, () =>
      resource.entrypoint(request, lambdaContext),
    );
  };
  const testEntrypoint: Entrypoint = async (event, context) => {
    const testEvent = asObject(event);
    if (!testEvent)
      return failedPayload(HandlerErrorCode.InvalidRequest, 'The test event is not a JSON object');
    return entrypoint(handlerRequestFromTestEvent(testEvent, defaultTypeName), context);
  };
  return { entrypoint, testEntrypoint };
}

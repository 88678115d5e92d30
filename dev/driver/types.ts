// Payload shapes exchanged between CloudFormation and a resource type handler Lambda.
// They mirror HandlerRequest / RequestData / TestEvent in the runtime lib
// (@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib dist/interface.d.ts) and the
// serialized ProgressEvent (dist/proxy.d.ts), as plain JSON rather than the lib's class-transformer DTOs.
// Declared as type aliases (not interfaces) so they stay assignable to Record<string, unknown>.

export const HANDLER_ACTIONS = ['CREATE', 'READ', 'UPDATE', 'DELETE', 'LIST'] as const;
export type HandlerAction = (typeof HANDLER_ACTIONS)[number];

export const OPERATION_STATUSES = ['SUCCESS', 'FAILED', 'IN_PROGRESS'] as const;
export type OperationStatusValue = (typeof OPERATION_STATUSES)[number];

/** A resource model as JSON: the schema's properties, keyed by their schema names (InstanceArn, ...). */
export type ResourceProperties = Record<string, unknown>;
export type CallbackContext = Record<string, unknown>;

export type CredentialsPayload = {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
};

export type RequestDataPayload = {
  callerCredentials: CredentialsPayload;
  providerCredentials?: CredentialsPayload;
  providerLogGroupName?: string;
  logicalResourceId: string;
  resourceProperties: ResourceProperties;
  previousResourceProperties?: ResourceProperties;
  systemTags?: Record<string, string>;
  stackTags?: Record<string, string>;
  previousStackTags?: Record<string, string>;
  typeConfiguration?: Record<string, unknown>;
};

/** Legacy re-invocation context (lib interface.d.ts RequestContext); current CloudFormation uses callbackContext. */
export type RequestContextPayload = {
  invocation: number;
  callbackContext?: CallbackContext;
  cloudWatchEventsRuleName?: string;
  cloudWatchEventsTargetId?: string;
};

/** What CloudFormation sends to the handler Lambda (the lib's `entrypoint` input). */
export type HandlerRequestPayload = {
  action: HandlerAction;
  awsAccountId: string;
  bearerToken: string;
  region: string;
  resourceType: string;
  resourceTypeVersion: string;
  stackId: string;
  nextToken?: string;
  requestData: RequestDataPayload;
  callbackContext?: CallbackContext;
  requestContext?: RequestContextPayload;
};

/** The serialized ProgressEvent the handler returns (lib proxy.d.ts ProgressEvent after serialize()). */
export type ProgressEventPayload = {
  status: OperationStatusValue;
  errorCode?: string;
  message: string;
  callbackContext?: CallbackContext;
  callbackDelaySeconds: number;
  resourceModel?: ResourceProperties;
  resourceModels?: ResourceProperties[];
  nextToken?: string;
};

/** The fields of the Lambda Node.js context object that the lib reads (lib interface.d.ts LambdaContext). */
export type LambdaContextLike = {
  awsRequestId: string;
  functionName: string;
  functionVersion: string;
  memoryLimitInMB: number;
  invokedFunctionArn: string;
  getRemainingTimeInMillis(): number;
};

/**
 * The handler Lambda entry point. The result is typed `unknown` on purpose: the driver parses and checks it
 * (a function returning Promise<ProgressEventPayload> is assignable to this type).
 */
export type Entrypoint = (event: HandlerRequestPayload, context: LambdaContextLike) => Promise<unknown>;

/** The `request` of a TestEvent: the lib's UnmodeledRequest fields (interface.d.ts BaseResourceHandlerRequest). */
export type TestEventRequestPayload = {
  clientRequestToken: string;
  desiredResourceState: ResourceProperties;
  previousResourceState?: ResourceProperties;
  logicalResourceIdentifier: string;
  // The lib's testEntrypoint takes the handler request's region/account from here, not from the event's
  // top-level region (resource.js parseTestRequest), so converters fill both.
  region?: string;
  awsAccountId?: string;
  nextToken?: string;
  desiredResourceTags?: Record<string, string>;
  previousResourceTags?: Record<string, string>;
  systemTags?: Record<string, string>;
};

/** The lib's `testEntrypoint` input (interface.d.ts TestEvent); the format of `sam-tests/*.json` events. */
export type TestEventPayload = {
  credentials: CredentialsPayload;
  action: HandlerAction;
  request: TestEventRequestPayload;
  callbackContext: CallbackContext | null;
  region?: string;
};

/** The lib's `testEntrypoint`; it returns a ProgressEvent instance, which the driver JSON-serializes. */
export type TestEntrypoint = (event: TestEventPayload, context: LambdaContextLike) => Promise<unknown>;

/**
 * Deep copy of a JSON value. Not structuredClone: under jest, structuredClone builds objects from another realm,
 * which class-transformer (used by the lib to deserialize requests) does not recognise as plain objects, so
 * the handler would receive empty models and contexts.
 */
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

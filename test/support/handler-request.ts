import { randomUUID } from 'node:crypto';

/** Realistic-looking but fake caller credentials, so tests can check they never reach a log line. */
export const CALLER_CREDENTIALS = {
  accessKeyId: 'ASIAEXAMPLECALLER123',
  secretAccessKey: 'callerSecretKey/EXAMPLE+0123456789abcdefghij',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLEcallerSessionTokenValue0123456789',
};

export interface RequestOptions {
  callbackContext?: Record<string, unknown>;
  bearerToken?: string;
  /** resourceType: the schema's typeName, or a registered name such as Org::SSO::… */
  resourceType: string;
  callerCredentials?: Record<string, string> | undefined;
  /** UPDATE: the previous properties (requestData.previousResourceProperties). */
  previousProperties?: unknown;
  /** A LIST page's NextToken, where CloudFormation puts it (HandlerRequest.nextToken). */
  nextToken?: string;
}

/** A HandlerRequest as CloudFormation sends it to a registry type's handler. */
export function handlerRequest(
  action: 'CREATE' | 'READ' | 'UPDATE' | 'DELETE' | 'LIST',
  resourceProperties: unknown,
  options: RequestOptions,
): Record<string, unknown> {
  return {
    action,
    awsAccountId: '111122223333',
    bearerToken: options.bearerToken ?? randomUUID(),
    region: 'us-east-1',
    resourceType: options.resourceType,
    resourceTypeVersion: '00000001',
    stackId:
      'arn:aws:cloudformation:us-east-1:111122223333:stack/sso-test/6a4c1f40-0000-4000-8000-000000000000',
    requestData: {
      callerCredentials: 'callerCredentials' in options ? options.callerCredentials : CALLER_CREDENTIALS,
      logicalResourceId: 'Assignment',
      resourceProperties,
      ...(options.previousProperties === undefined
        ? {}
        : { previousResourceProperties: options.previousProperties }),
      systemTags: {},
      stackTags: {},
    },
    callbackContext: options.callbackContext,
    ...(options.nextToken === undefined ? {} : { nextToken: options.nextToken }),
  };
}

export const LAMBDA_CONTEXT = {
  awsRequestId: 'c7c3c3a4-0000-4000-8000-000000000001',
  functionName: 'TypeFunction',
  functionVersion: '$LATEST',
  memoryLimitInMB: 256,
  getRemainingTimeInMillis: () => 60_000,
};

/** The serialized ProgressEvent the entrypoint returns, as a plain record for assertions. */
export interface ProgressPayload {
  status: string;
  errorCode?: string;
  message?: string;
  callbackContext?: Record<string, unknown>;
  callbackDelaySeconds?: number;
  resourceModel?: Record<string, unknown>;
  resourceModels?: Record<string, unknown>[];
  nextToken?: string;
}

export function asProgress(value: unknown): ProgressPayload {
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof (value as { status?: unknown }).status !== 'string'
  ) {
    throw new Error(`not a progress event: ${JSON.stringify(value)}`);
  }
  return value as ProgressPayload;
}

import {
  BaseModel,
  HandlerErrorCode,
  OperationStatus,
  ProgressEvent,
} from '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib';
import { progressContext, WriteProgress } from './callback-context';

export type JsonObject = Record<string, unknown>;

export function failed<T extends BaseModel>(
  code: HandlerErrorCode,
  message: string,
): ProgressEvent<T, JsonObject> {
  return ProgressEvent.builder<ProgressEvent<T, JsonObject>>()
    .status(OperationStatus.Failed)
    .errorCode(code)
    .message(message)
    .build();
}

/** A write that calls back: its progress goes to CloudFormation as the callback context (see callback-context.ts). */
export function inProgress<T extends BaseModel>(
  model: T,
  progress: WriteProgress,
  callbackDelaySeconds: number,
  message: string,
): ProgressEvent<T, JsonObject> {
  return ProgressEvent.builder<ProgressEvent<T, JsonObject>>()
    .status(OperationStatus.InProgress)
    .resourceModel(model)
    .callbackContext(progressContext(progress))
    .callbackDelaySeconds(callbackDelaySeconds)
    .message(message)
    .build();
}

export function succeeded<T extends BaseModel>(model?: T): ProgressEvent<T, JsonObject> {
  const builder = ProgressEvent.builder<ProgressEvent<T, JsonObject>>().status(OperationStatus.Success);
  if (model) builder.resourceModel(model);
  return builder.build();
}

/** A LIST page; `nextToken` when more pages follow (absent, i.e. null, on the last page). */
export function listed<T extends BaseModel>(models: T[], nextToken?: string): ProgressEvent<T, JsonObject> {
  const builder = ProgressEvent.builder<ProgressEvent<T, JsonObject>>()
    .status(OperationStatus.Success)
    .resourceModels(models);
  if (nextToken !== undefined) builder.nextToken(nextToken);
  return builder.build();
}

/** The serialized FAILED response CloudFormation expects, for answers given before the runtime lib runs. */
export function failedPayload(code: HandlerErrorCode, message: string): JsonObject {
  return { status: OperationStatus.Failed, errorCode: code, message, callbackDelaySeconds: 0 };
}

import {
  BaseModel,
  HandlerErrorCode,
  ProgressEvent,
} from '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib';
import { currentInvocation } from './invocation';
import { failed, JsonObject } from './progress';

/** The type CloudFormation invoked (a private registration has its own name), else the schema's name. */
export function invokedTypeName(schemaTypeName: string): string {
  return currentInvocation()?.typeName ?? schemaTypeName;
}

/** A primary identifier as CloudFormation prints multi-part identifiers: the values joined with '|'. */
export function identifierText(values: readonly string[]): string {
  return values.join('|');
}

export function notFound<T extends BaseModel>(
  schemaTypeName: string,
  identifier: readonly string[],
): ProgressEvent<T, JsonObject> {
  return failed(
    HandlerErrorCode.NotFound,
    `Resource of type '${invokedTypeName(schemaTypeName)}' with identifier '${identifierText(identifier)}' was not found.`,
  );
}

export function alreadyExists<T extends BaseModel>(
  schemaTypeName: string,
  identifier: readonly string[],
): ProgressEvent<T, JsonObject> {
  return failed(
    HandlerErrorCode.AlreadyExists,
    `Resource of type '${invokedTypeName(schemaTypeName)}' with identifier '${identifierText(identifier)}' already exists.`,
  );
}

// Checks a handler response against the resource type handler contract, the way CloudFormation and the
// CloudFormation CLI's contract tests (`cfn test`) judge it.
// Contract: https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-test-contract.html
// The per-status assertions (no error code on IN_PROGRESS/SUCCESS, a valid error code on FAILED, no callback
// delay on terminal events, no resourceModels on IN_PROGRESS/FAILED, the primary identifier on every
// IN_PROGRESS model, READ/LIST never IN_PROGRESS) follow cloudformation-cli
// src/rpdk/core/contract/resource_client.py (assert_in_progress / assert_success / assert_failed / call).
import { HandlerErrorCode } from '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib/dist/interface';
import {
  type CallbackContext,
  type HandlerAction,
  OPERATION_STATUSES,
  type OperationStatusValue,
  type ProgressEventPayload,
  type ResourceProperties,
} from './types';

/** Every rule the driver enforces, with the sentence a violation reports. */
export const CONTRACT_RULES = {
  // Shape rules: always enforced, the driver cannot interpret the response without them.
  'response-json-object': 'the response must be a JSON-serializable object',
  'status-valid': 'status must be one of SUCCESS, FAILED, IN_PROGRESS',
  'field-types':
    'errorCode/message/nextToken must be strings, callbackContext/resourceModel objects, resourceModels an array of objects',
  'callback-delay-non-negative': 'callbackDelaySeconds must be a non-negative number',
  // Contract rules.
  'success-no-error-code': 'a SUCCESS event must not carry an errorCode',
  'failed-error-code-valid': 'a FAILED event must carry a valid HandlerErrorCode',
  'failed-message-non-empty': 'a FAILED event must carry a non-empty message',
  'in-progress-no-error-code': 'an IN_PROGRESS event must not carry an errorCode',
  'in-progress-has-primary-identifier':
    'an IN_PROGRESS event must carry a resourceModel with the primary identifier',
  'read-list-synchronous': 'READ and LIST handlers must not return IN_PROGRESS',
  'terminal-no-callback-delay': 'SUCCESS and FAILED events must have callbackDelaySeconds 0',
  'no-resource-models-unless-success': 'IN_PROGRESS and FAILED events must not carry resourceModels',
  'delete-success-no-model': 'a DELETE SUCCESS event must not carry a resourceModel',
  'read-success-has-primary-identifier':
    'a READ SUCCESS event must carry a resourceModel with the primary identifier',
  'write-success-has-primary-identifier':
    'a CREATE/UPDATE SUCCESS event must carry a resourceModel with the primary identifier',
  'list-success-has-models': 'a LIST SUCCESS event must carry resourceModels (an array, possibly empty)',
  'list-models-have-primary-identifier':
    'every model in a LIST SUCCESS event must carry the primary identifier',
} as const;

export type ContractRuleId = keyof typeof CONTRACT_RULES;

export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';

  constructor(
    readonly rule: ContractRuleId,
    readonly action: HandlerAction,
    readonly detail?: string,
  ) {
    super(
      `Contract violation [${rule}] on ${action}: ${CONTRACT_RULES[rule]}${detail ? ` (${detail})` : ''}`,
    );
  }
}

/**
 * The error codes a handler built on the runtime lib can return: the lib's HandlerErrorCode enum (1.0.6 has 15;
 * the Java plugin's extra codes such as HandlerInternalFailure or NonCompliant are not in it).
 */
export const LIB_HANDLER_ERROR_CODES: readonly string[] = Object.values(HandlerErrorCode);

export type ContractRules = {
  /** The schema's primaryIdentifier JSON pointers, e.g. ['/properties/InstanceArn', ...]. */
  primaryIdentifier: readonly string[];
  /** Defaults to LIB_HANDLER_ERROR_CODES. */
  allowedErrorCodes?: readonly string[];
};

const PROPERTIES_POINTER_PREFIX = '/properties/';

/** Reads a schema pointer such as '/properties/Tags/0/Key' out of a resource model. */
export function valueAtPointer(model: ResourceProperties, pointer: string): unknown {
  if (!pointer.startsWith(PROPERTIES_POINTER_PREFIX)) {
    throw new Error(`Schema pointer ${pointer} does not start with ${PROPERTIES_POINTER_PREFIX}`);
  }
  const segments = pointer
    .slice(PROPERTIES_POINTER_PREFIX.length)
    .split('/')
    // RFC 6901 escapes: ~1 is '/', ~0 is '~' (decoded in that order).
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  let current: unknown = model;
  for (const segment of segments) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) {
      current = current[Number(segment)];
    } else if (isPlainObject(current)) {
      current = current[segment];
    } else {
      return undefined;
    }
  }
  return current;
}

/** The primary identifier pointers whose value is missing (absent, null or empty string) from the model. */
export function missingPrimaryIdentifiers(
  model: ResourceProperties | undefined,
  primaryIdentifier: readonly string[],
): string[] {
  return primaryIdentifier.filter((pointer) => {
    if (model === undefined) return true;
    const value = valueAtPointer(model, pointer);
    return value === undefined || value === null || value === '';
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Turns whatever the entrypoint returned into a ProgressEventPayload, enforcing only the shape rules.
 * The value is JSON round-tripped first, as Lambda serializes the handler's result (this also turns the
 * lib's ProgressEvent/BaseModel instances into plain JSON via their toJSON). Top-level nulls count as absent,
 * as in the lib's BaseDto.serialize.
 */
export function parseProgressEvent(action: HandlerAction, response: unknown): ProgressEventPayload {
  let json: unknown;
  try {
    const text = JSON.stringify(response);
    json = text === undefined ? undefined : JSON.parse(text);
  } catch (error) {
    throw new ContractViolation('response-json-object', action, `not serializable: ${String(error)}`);
  }
  if (!isPlainObject(json)) {
    throw new ContractViolation(
      'response-json-object',
      action,
      `got ${json === null ? 'null' : typeof json}`,
    );
  }
  const fields = Object.fromEntries(Object.entries(json).filter(([, value]) => value !== null));

  const status = fields.status;
  if (typeof status !== 'string' || !(OPERATION_STATUSES as readonly string[]).includes(status)) {
    throw new ContractViolation('status-valid', action, `got ${JSON.stringify(status)}`);
  }
  const wrongType = (field: string, expected: string): ContractViolation =>
    new ContractViolation('field-types', action, `${field} is ${typeof fields[field]}, expected ${expected}`);
  for (const field of ['errorCode', 'message', 'nextToken']) {
    if (fields[field] !== undefined && typeof fields[field] !== 'string') throw wrongType(field, 'string');
  }
  for (const field of ['callbackContext', 'resourceModel']) {
    if (fields[field] !== undefined && !isPlainObject(fields[field])) throw wrongType(field, 'object');
  }
  const resourceModels = fields.resourceModels;
  if (
    resourceModels !== undefined &&
    !(Array.isArray(resourceModels) && resourceModels.every(isPlainObject))
  ) {
    throw wrongType('resourceModels', 'array of objects');
  }
  // CloudFormation treats an absent delay as 0; the lib always emits one.
  const callbackDelaySeconds = fields.callbackDelaySeconds ?? 0;
  if (
    typeof callbackDelaySeconds !== 'number' ||
    !Number.isFinite(callbackDelaySeconds) ||
    callbackDelaySeconds < 0
  ) {
    throw new ContractViolation(
      'callback-delay-non-negative',
      action,
      `got ${JSON.stringify(callbackDelaySeconds)}`,
    );
  }

  const event: ProgressEventPayload = {
    status: status as OperationStatusValue,
    message: (fields.message as string | undefined) ?? '',
    callbackDelaySeconds,
  };
  if (fields.errorCode !== undefined) event.errorCode = fields.errorCode as string;
  if (fields.callbackContext !== undefined) event.callbackContext = fields.callbackContext as CallbackContext;
  if (fields.resourceModel !== undefined) event.resourceModel = fields.resourceModel as ResourceProperties;
  if (resourceModels !== undefined) event.resourceModels = resourceModels as ResourceProperties[];
  if (fields.nextToken !== undefined) event.nextToken = fields.nextToken as string;
  return event;
}

/** Applies the contract rules (not the shape rules) to an already parsed event; throws ContractViolation. */
export function checkParsedEvent(
  action: HandlerAction,
  event: ProgressEventPayload,
  rules: ContractRules,
): void {
  const allowedErrorCodes = rules.allowedErrorCodes ?? LIB_HANDLER_ERROR_CODES;
  const requireIdentifier = (
    rule: ContractRuleId,
    model: ResourceProperties | undefined,
    where = '',
  ): void => {
    const missing = missingPrimaryIdentifiers(model, rules.primaryIdentifier);
    if (missing.length > 0) {
      throw new ContractViolation(
        rule,
        action,
        model === undefined ? `no resourceModel${where}` : `missing ${missing.join(', ')}${where}`,
      );
    }
  };

  switch (event.status) {
    case 'IN_PROGRESS':
      if (action === 'READ' || action === 'LIST')
        throw new ContractViolation('read-list-synchronous', action);
      if (event.errorCode !== undefined) {
        throw new ContractViolation('in-progress-no-error-code', action, `got ${event.errorCode}`);
      }
      if (event.resourceModels !== undefined)
        throw new ContractViolation('no-resource-models-unless-success', action);
      requireIdentifier('in-progress-has-primary-identifier', event.resourceModel);
      return;
    case 'FAILED':
      if (event.errorCode === undefined || !allowedErrorCodes.includes(event.errorCode)) {
        throw new ContractViolation(
          'failed-error-code-valid',
          action,
          `got ${JSON.stringify(event.errorCode)}`,
        );
      }
      if (event.message.trim() === '') throw new ContractViolation('failed-message-non-empty', action);
      if (event.callbackDelaySeconds !== 0) {
        throw new ContractViolation(
          'terminal-no-callback-delay',
          action,
          `got ${event.callbackDelaySeconds}`,
        );
      }
      if (event.resourceModels !== undefined)
        throw new ContractViolation('no-resource-models-unless-success', action);
      return;
    case 'SUCCESS':
      if (event.errorCode !== undefined) {
        throw new ContractViolation('success-no-error-code', action, `got ${event.errorCode}`);
      }
      if (event.callbackDelaySeconds !== 0) {
        throw new ContractViolation(
          'terminal-no-callback-delay',
          action,
          `got ${event.callbackDelaySeconds}`,
        );
      }
      switch (action) {
        case 'DELETE':
          if (event.resourceModel !== undefined)
            throw new ContractViolation('delete-success-no-model', action);
          return;
        case 'READ':
          requireIdentifier('read-success-has-primary-identifier', event.resourceModel);
          return;
        case 'CREATE':
        case 'UPDATE':
          requireIdentifier('write-success-has-primary-identifier', event.resourceModel);
          return;
        case 'LIST':
          if (event.resourceModels === undefined)
            throw new ContractViolation('list-success-has-models', action);
          event.resourceModels.forEach((model, index) =>
            requireIdentifier('list-models-have-primary-identifier', model, ` in resourceModels[${index}]`),
          );
          return;
      }
  }
}

/**
 * Parses a raw entrypoint response and checks it against every rule for `action`.
 * Returns the parsed event; throws ContractViolation naming the first rule broken.
 */
export function checkResponse(
  action: HandlerAction,
  response: unknown,
  rules: ContractRules,
): ProgressEventPayload {
  const event = parseProgressEvent(action, response);
  checkParsedEvent(action, event, rules);
  return event;
}

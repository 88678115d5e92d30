// What `npm run invoke` does with one event file: find the resource type it is for, and run it through that
// type's entrypoint (testEntrypoint for a sam-tests TestEvent, entrypoint for a HandlerRequest), once or,
// with `follow`, re-invoking while IN_PROGRESS as CloudFormation would.
import * as path from 'node:path';
import {
  adaptTestEntrypoint,
  checkResponse,
  ContractViolation,
  createLambdaContext,
  detectEventFormat,
  Driver,
  DriverError,
  type EventFormat,
  functionNameFor,
  type HandlerAction,
  parseHandlerRequest,
  parseTestEvent,
  type ResourceProperties,
} from '../driver';
import { DEFAULT_WORLD } from '../emulator';
import {
  isTypeKey,
  REPOSITORY_ROOT,
  RESOURCE_TYPES,
  resourceType,
  resourceTypeByName,
  type ResourceTypeEntry,
  TYPE_KEYS,
} from '../types';

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The resource properties an event carries: desiredResourceState (TestEvent) or resourceProperties. */
export function propertiesOfEvent(json: unknown): ResourceProperties {
  const event = asRecord(json);
  const properties =
    detectEventFormat(json) === 'test-event'
      ? asRecord(event?.request)?.desiredResourceState
      : asRecord(event?.requestData)?.resourceProperties;
  return asRecord(properties) ?? {};
}

/**
 * The resource `--existing` seeds for an event: its own model, or for a LIST (whose properties are only a
 * filter) the type's demo model narrowed by that filter.
 */
export function resourceToSeed(json: unknown, entry: ResourceTypeEntry): ResourceProperties {
  const properties = propertiesOfEvent(json);
  const action = asRecord(json)?.action;
  return action === 'LIST' ? { ...entry.demoModel(DEFAULT_WORLD), ...properties } : properties;
}

export class EventTypeError extends Error {
  override readonly name = 'EventTypeError';
}

/**
 * The type an event is for, from (in order) an explicit key, a HandlerRequest's resourceType, the type folder
 * the file sits in (e.g. application-assignment/sam-tests/), or the only schema declaring all its properties.
 */
export function typeForEvent(
  json: unknown,
  hints: { type?: string; filePath?: string } = {},
): ResourceTypeEntry {
  if (hints.type !== undefined) {
    if (!isTypeKey(hints.type)) {
      throw new EventTypeError(`--type must be one of ${TYPE_KEYS.join(', ')}; got '${hints.type}'`);
    }
    return resourceType(hints.type);
  }
  const declared = asRecord(json)?.resourceType;
  if (typeof declared === 'string' && declared !== '') {
    const entry = resourceTypeByName(declared);
    if (!entry)
      throw new EventTypeError(`The event's resourceType ${declared} is not a type of this project`);
    return entry;
  }
  if (hints.filePath !== undefined) {
    const absolute = path.resolve(hints.filePath);
    const byFolder = RESOURCE_TYPES.find(
      (entry) =>
        entry.folder !== '' && absolute.startsWith(path.join(REPOSITORY_ROOT, entry.folder) + path.sep),
    );
    if (byFolder) return byFolder;
  }
  const names = Object.keys(propertiesOfEvent(json));
  const candidates = RESOURCE_TYPES.filter(
    (entry) => names.length > 0 && names.every((name) => name in entry.schema.properties),
  );
  if (candidates.length === 1 && candidates[0]) return candidates[0];
  throw new EventTypeError(
    `Cannot tell which type the event is for from its properties (${names.join(', ') || 'none'}); pass --type`,
  );
}

export interface InvokeEventOptions {
  /** Re-invoke while IN_PROGRESS, as CloudFormation does (default: one invocation, as `sam local invoke`). */
  follow?: boolean;
  /** With follow: multiplies the callback delays (default 1). */
  timeScale?: number;
  /** With follow: one line per invocation. */
  log?: (line: string) => void;
}

export interface InvokeEventResult {
  format: EventFormat;
  /** The (last) response, as the JSON the entrypoint returned. */
  response: unknown;
  invocations: number;
  /** Set when the response breaks the handler contract. */
  contractViolation?: string;
}

function toJson(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

/** Runs the event through the type's handlers (loaded on first use: set the SSO Admin endpoint before). */
export async function invokeEvent(
  json: unknown,
  entry: ResourceTypeEntry,
  options: InvokeEventOptions = {},
): Promise<InvokeEventResult> {
  const format = detectEventFormat(json);
  const handlers = await entry.loadHandlers();
  const rules = { primaryIdentifier: entry.primaryIdentifier };

  if (options.follow) {
    const driver = new Driver({
      entrypoint:
        format === 'test-event' ? adaptTestEntrypoint(handlers.testEntrypoint) : handlers.entrypoint,
      typeName: entry.typeName,
      primaryIdentifier: entry.primaryIdentifier,
      timeScale: options.timeScale ?? 1,
      logPrefix: '',
      log: options.log ?? (() => undefined),
    });
    try {
      const result = await driver.runEvent(json);
      return { format, response: result.final, invocations: result.invocations.length };
    } catch (error: unknown) {
      if (error instanceof ContractViolation || error instanceof DriverError) {
        const last = error instanceof DriverError ? error.invocations.at(-1)?.response : undefined;
        return { format, response: last, invocations: 0, contractViolation: error.message };
      }
      throw error;
    }
  }

  const context = createLambdaContext({ functionName: functionNameFor(entry.typeName) });
  let action: HandlerAction;
  let raw: unknown;
  if (format === 'test-event') {
    const event = parseTestEvent(json);
    action = event.action;
    raw = await handlers.testEntrypoint(event, context);
  } else {
    const request = parseHandlerRequest(json, { typeName: entry.typeName });
    action = request.action;
    raw = await handlers.entrypoint(request, context);
  }
  const response = toJson(raw);
  try {
    checkResponse(action, response, rules);
    return { format, response, invocations: 1 };
  } catch (error: unknown) {
    if (error instanceof ContractViolation) {
      return { format, response, invocations: 1, contractViolation: error.message };
    }
    throw error;
  }
}

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
import { exampleTypeName, withoutOrganization } from '../package/type-name';
import {
  isTypeKey,
  REPOSITORY_ROOT,
  RESOURCE_TYPES,
  resourceType,
  type ResourceTypeEntry,
  TYPE_KEYS,
} from '../types';
import { ScaledClock } from './scaled-clock';

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

/** The event's action (undefined when it has none, which parsing the event then reports). */
export function actionOfEvent(json: unknown): string | undefined {
  const action = asRecord(json)?.action;
  return typeof action === 'string' ? action : undefined;
}

/**
 * Actions whose event `npm run invoke` seeds by default: they act on a resource that already exists, so
 * without it READ and DELETE can only answer NotFound and LIST an empty list. CREATE starts from nothing.
 */
export const SEEDED_BY_DEFAULT: ReadonlySet<string> = new Set(['READ', 'DELETE', 'LIST']);

/**
 * The resource seeding adds for an event: its own model, or for a LIST (whose properties are only a
 * filter) the type's demo model narrowed by that filter.
 */
export function resourceToSeed(json: unknown, entry: ResourceTypeEntry): ResourceProperties {
  const properties = propertiesOfEvent(json);
  const action = asRecord(json)?.action;
  return action === 'LIST' ? { ...entry.demoModel(DEFAULT_WORLD), ...properties } : properties;
}

const SECRET_FIELDS: ReadonlySet<string> = new Set([
  'accessKeyId',
  'secretAccessKey',
  'sessionToken',
  'bearerToken',
]);

/**
 * Every credential value and bearer token in an event, at any depth, to mask in the log lines --verbose
 * prints. The lib's entrypoint already redacts the ones it knows (resource.js); this is the second guard
 * (the lib's own testEntrypoint, for one, logs the whole event).
 */
export function secretsOfEvent(json: unknown): string[] {
  const secrets = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    const record = asRecord(value);
    if (record === undefined) return;
    for (const [field, child] of Object.entries(record)) {
      if (SECRET_FIELDS.has(field) && typeof child === 'string' && child !== '') secrets.add(child);
      else visit(child);
    }
  };
  visit(json);
  return [...secrets];
}

/** The requestData fields that make the runtime lib call AWS itself, beside the handlers' own calls. */
export const PROVIDER_LOGGING_FIELDS = ['providerCredentials', 'providerLogGroupName'] as const;

export interface LocalOnlyEvent {
  json: unknown;
  /** The PROVIDER_LOGGING_FIELDS the event set (non-null) and that were removed. */
  removed: string[];
}

/**
 * The event without providerCredentials and providerLogGroupName. Given provider credentials, lib 1.0.6
 * publishes CloudWatch metrics, creates an S3 bucket `<providerLogGroupName>-<account>` for log files and
 * a CloudWatch Logs group and stream (resource.js initializeRuntime), all in AWS whatever endpoint the
 * handlers use. Without them it logs to the console only, as `sam local invoke` does. A TestEvent has
 * neither field and comes back unchanged.
 */
export function withoutProviderLogging(json: unknown): LocalOnlyEvent {
  const event = asRecord(json);
  const requestData = asRecord(event?.requestData);
  if (event === undefined || requestData === undefined) return { json, removed: [] };
  const removed = PROVIDER_LOGGING_FIELDS.filter(
    (field) => requestData[field] !== undefined && requestData[field] !== null,
  );
  const kept = Object.fromEntries(
    Object.entries(requestData).filter(
      ([field]) => !(PROVIDER_LOGGING_FIELDS as readonly string[]).includes(field),
    ),
  );
  return { json: { ...event, requestData: kept }, removed };
}

export class EventTypeError extends Error {
  override readonly name = 'EventTypeError';
}

/**
 * The type a HandlerRequest's resourceType names. CloudFormation sends the name the type is registered
 * under (Org::SSO::Assignment, Acme::SSO::Assignment, ...), so only the part after the namespace counts.
 */
export function typeForResourceTypeName(typeName: string): ResourceTypeEntry | undefined {
  if (typeName.split('::').length !== 3) return undefined;
  return RESOURCE_TYPES.find(
    (entry) => withoutOrganization(entry.typeName) === withoutOrganization(typeName),
  );
}

/** The name CloudFormation would send for the type: the example registered name, e.g. Org::SSO::Assignment. */
export function registeredNameOf(entry: ResourceTypeEntry): string {
  return exampleTypeName(entry.typeName);
}

/** The resourceType a HandlerRequest declares, when it declares one. */
export function declaredResourceType(json: unknown): string | undefined {
  const declared = asRecord(json)?.resourceType;
  return typeof declared === 'string' && declared !== '' ? declared : undefined;
}

/**
 * The type an event is for, from (in order) an explicit key, a HandlerRequest's resourceType (any namespace), the type folder
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
  const declared = declaredResourceType(json);
  if (declared !== undefined) {
    const entry = typeForResourceTypeName(declared);
    if (!entry) {
      const known = RESOURCE_TYPES.map((candidate) => withoutOrganization(candidate.typeName)).join(' or ');
      throw new EventTypeError(
        `The event's resourceType '${declared}' is not a type of this project: after its namespace it must ` +
          `read ${known} (e.g. ${RESOURCE_TYPES.map(registeredNameOf).join(', ')}); or pass --type`,
      );
    }
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
  /** With follow: multiplies the callback delays (default 1). Ignored when `clock` is given. */
  timeScale?: number;
  /**
   * With follow: CloudFormation's clock, which the driver waits and measures its budget on. Give the same
   * clock to the in-process emulator, so a scaled run sees the answers a real-time run would.
   */
  clock?: ScaledClock;
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
  // What CloudFormation would send as resourceType: the event's own, or the example registered name.
  const typeName = declaredResourceType(json) ?? registeredNameOf(entry);

  if (options.follow) {
    const clock = options.clock ?? new ScaledClock(options.timeScale ?? 1);
    const driver = new Driver({
      entrypoint:
        format === 'test-event' ? adaptTestEntrypoint(handlers.testEntrypoint) : handlers.entrypoint,
      typeName,
      primaryIdentifier: entry.primaryIdentifier,
      // The clock shortens the waits; the driver waits and keeps time on it.
      timeScale: 1,
      sleep: clock.sleep,
      now: clock.now,
      // CloudFormation bounds an operation by time (the handler timeout, 120 minutes by default,
      // provider.definition.schema.v1.json timeoutInMinutes), not by a number of invocations.
      maxInvocations: Number.POSITIVE_INFINITY,
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

  const context = createLambdaContext({ functionName: functionNameFor(typeName) });
  let action: HandlerAction;
  let raw: unknown;
  if (format === 'test-event') {
    const event = parseTestEvent(json);
    action = event.action;
    raw = await handlers.testEntrypoint(event, context);
  } else {
    const request = parseHandlerRequest(json, { typeName });
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

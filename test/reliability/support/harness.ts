// Shared set-up for the reliability suite: one SSO Admin emulator per test file, the two resource types
// under test with a model valid in the emulator's seeded world, fresh caller credentials per test, a virtual
// clock for deadline cells, and small readers over the emulator's call log and the driver's records.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  buildHandlerRequest,
  buildReinvocationRequest,
  checkResponse,
  cloneJson,
  createLambdaContext,
  Driver,
  type CredentialsPayload,
  type Entrypoint,
  type HandlerAction,
  type HandlerRequestPayload,
  type ProgressEventPayload,
  type ResourceProperties,
  type RunOptions,
  type RunResult,
  functionNameFor,
  runRequest,
} from '../../../dev/driver';
import { useHandlerEmulator } from '../../support/emulator';
import { replaceInvocationClock } from '../../../src/core/invocation';
import { DEFAULT_WORLD, type EmulatorOptions, type RunningEmulator } from '../../../dev/emulator';
import {
  needsStateTable,
  RESOURCE_TYPES,
  resourceType,
  type HandlerModule,
  type ResourceTypeEntry,
  type TypeKey,
} from '../../../dev/types';

/** Account-assignment writes stay IN_PROGRESS this long in the emulator, so every CREATE/DELETE polls. */
export const PROVISIONING_MS = 50;
/** callbackDelaySeconds 1 -> 10 ms; the retry-later 3-15 s -> 30-150 ms. */
export const TIME_SCALE = 0.01;

export type { TypeKey };

/** One resource type under test, bound to one model, and how to see that model in the emulator. */
export interface TypeUnderTest {
  readonly key: TypeKey;
  readonly typeName: string;
  readonly entrypoint: Entrypoint;
  /** The handler module (imported on first use), whose `resource` is the runtime lib's resource object. */
  readonly handlers: () => Promise<HandlerModule>;
  readonly primaryIdentifier: readonly string[];
  /** A model valid against the schema and the emulator's seeded world. */
  readonly model: ResourceProperties;
  readonly createOperation: string;
  readonly deleteOperation: string;
  /** The SSO Admin read a READ of the model sends. */
  readonly readOperation: string;
  /** How many service resources (create writes) `model` stands for (1, or a group's assignment count). */
  size(model?: ResourceProperties): number;
  /** How many complete copies of `model`'s resource exist in the emulator now. */
  copies(emulator: RunningEmulator, model?: ResourceProperties): number;
  /** Deletes the model's resource behind the API's back; whether it existed. */
  removeOutOfBand(emulator: RunningEmulator, model?: ResourceProperties): boolean;
  /** Re-adds the model's resource behind the API's back (as already provisioned). */
  addOutOfBand(emulator: RunningEmulator, model?: ResourceProperties): void;
}

function typeUnderTest(entry: ResourceTypeEntry): TypeUnderTest {
  let handlers: Promise<HandlerModule> | undefined;
  const loaded = (): Promise<HandlerModule> => (handlers ??= entry.loadHandlers());
  const model = entry.demoModel(DEFAULT_WORLD);
  const { emulator: binding } = entry;
  return {
    key: entry.key,
    typeName: entry.typeName,
    entrypoint: async (request, context) => (await loaded()).entrypoint(request, context),
    handlers: loaded,
    primaryIdentifier: entry.primaryIdentifier,
    model,
    createOperation: binding.createOperation,
    deleteOperation: binding.deleteOperation,
    readOperation: binding.readOperation,
    size: (other = model) => binding.size(other),
    copies: (emulator, other = model) => binding.count(emulator, other),
    removeOutOfBand: (emulator, other = model) => binding.remove(emulator, other),
    addOutOfBand: (emulator, other = model) => binding.seed(emulator, other),
  };
}

const [ADMINISTRATOR_ACCESS, READ_ONLY_ACCESS] = DEFAULT_WORLD.permissionSets;
const [GRAFANA] = DEFAULT_WORLD.applications;

export { ADMINISTRATOR_ACCESS, GRAFANA, READ_ONLY_ACCESS };

/** Every registered type, for the cells that hold for all of them. */
export const TYPES: readonly TypeUnderTest[] = RESOURCE_TYPES.map(typeUnderTest);

/** One type, for its own cells (test/<type>/). */
export function underTest(key: TypeKey): TypeUnderTest {
  return typeUnderTest(resourceType(key));
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * Fresh temporary credentials shaped like STS ones: an ASIA… key id (20 characters), a 40-character secret
 * and a long session token. A fresh identity per test also gives each test its own SDK client (the handlers
 * cache one client per identity), so no retry-capacity state carries over between tests.
 */
export function sessionCredentials(): CredentialsPayload {
  const keyIdSuffix = Array.from(randomBytes(16), (byte) => BASE32[byte % BASE32.length]).join('');
  return {
    accessKeyId: `ASIA${keyIdSuffix}`,
    secretAccessKey: randomBytes(30).toString('base64'),
    sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(420).toString('base64')}`,
  };
}

/**
 * The file's emulator (test/support/emulator.ts) at the reliability suite's provisioning time and no rate limit,
 * with the state table when a registered type keeps state.
 */
export function useEmulator(options: EmulatorOptions = {}): () => RunningEmulator {
  return useHandlerEmulator({
    provisioningMs: PROVISIONING_MS,
    requestsPerSecond: Infinity,
    stateTable: needsStateTable(RESOURCE_TYPES),
    ...options,
  });
}

/** Silences the runtime lib's per-invocation console lines for the test (restored by restoreAllMocks). */
export function muteConsole(): void {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
}

export type TestDriver = {
  driver: Driver;
  /** The driver's own log lines (one per invocation). */
  lines: string[];
  /** The options every operation of this driver runs with (to re-send a request by hand). */
  options: RunOptions;
};

/** A driver for the type with fresh credentials, scaled waits and its log lines kept. */
export function driverFor(
  type: TypeUnderTest,
  overrides: Partial<RunOptions> = {},
  entrypoint: Entrypoint = type.entrypoint,
): TestDriver {
  const lines: string[] = [];
  const options: RunOptions = {
    typeName: type.typeName,
    primaryIdentifier: type.primaryIdentifier,
    callerCredentials: sessionCredentials(),
    timeScale: TIME_SCALE,
    log: (line) => lines.push(line),
    ...overrides,
  };
  return { driver: new Driver({ entrypoint, ...options }), lines, options };
}

/**
 * Date.now() moved forward by the driver's waits instead of sleeping, so the 25-minute stabilization deadline
 * passes in milliseconds. The handlers and the emulator (whose default clock is Date.now) both see it.
 * Date.now is replaced by hand rather than with jest.spyOn: a spy would record every one of the many
 * thousand calls a deadline cell makes.
 */
export class VirtualTime {
  private offsetMs = 0;
  private readonly realNow = Date.now;

  private restoreClock: (() => void) | undefined;

  install(): this {
    Date.now = () => this.realNow() + this.offsetMs;
    // The handlers' waits within an invocation move the virtual clock too, at once.
    this.restoreClock = replaceInvocationClock({
      now: this.now,
      sleep: async (ms) => {
        this.advance(ms);
        await Promise.resolve();
      },
    });
    return this;
  }

  uninstall(): void {
    Date.now = this.realNow;
    this.restoreClock?.();
  }

  readonly now = (): number => this.realNow() + this.offsetMs;

  readonly advance = (ms: number): void => {
    this.offsetMs += ms;
  };

  /** A driver `sleep` that advances virtual time by the wait, then runs `onWake` (fault changes between invocations). */
  sleeper(onWake: (wait: number) => void = () => undefined): (ms: number) => Promise<void> {
    let wait = 0;
    return async (ms: number) => {
      this.advance(ms);
      wait += 1;
      onWake(wait);
    };
  }
}

/** A VirtualTime installed for each test of the file (and uninstalled after it). */
export function useVirtualTime(): () => VirtualTime {
  let time: VirtualTime | undefined;
  beforeEach(() => {
    time = new VirtualTime().install();
  });
  afterEach(() => time?.uninstall());
  return () => {
    if (!time) throw new Error('virtual time is installed in beforeEach');
    return time;
  };
}

/** The runtime lib's resource object behind a type's entrypoint (one per warm Lambda container). */
export interface LibResource {
  readonly object: object;
  /** The lib's own testEntrypoint, which the handlers do not export. */
  testEntrypoint(event: unknown, context: object): Promise<unknown>;
}

export async function libResourceOf(type: TypeUnderTest): Promise<LibResource> {
  const resource: unknown = Reflect.get(await type.handlers(), 'resource');
  if (typeof resource !== 'object' || resource === null)
    throw new Error(`${type.typeName} exports no resource`);
  const testEntrypoint: unknown = Reflect.get(resource, 'testEntrypoint');
  if (typeof testEntrypoint !== 'function')
    throw new Error(`${type.typeName}'s resource has no testEntrypoint`);
  return {
    object: resource,
    testEntrypoint: async (event, context) => {
      const response: unknown = await Reflect.apply(testEntrypoint, resource, [event, context]);
      return response;
    },
  };
}

/**
 * The log filters of the runtime lib's console publisher. lib 1.0.6 creates that publisher once per resource
 * and adds the bearer-token and credential filters of every invocation to it without ever removing them
 * (resource.js entrypoint -> LoggerProxy.addFilter), so a warm container keeps every earlier invocation's
 * secrets and runs all their filters on each log line. Read through Reflect: the field is not public API.
 */
export function libLogFilters(resource: object): unknown[] | undefined {
  const publisher: unknown = Reflect.get(resource, 'platformLambdaLogger');
  if (typeof publisher !== 'object' || publisher === null) return undefined;
  const filters: unknown = Reflect.get(publisher, 'logFilters');
  return Array.isArray(filters) ? filters : undefined;
}

/** "<operation>:<outcome>" for every call (optionally of one operation), in arrival order. */
export function callLog(emulator: RunningEmulator, operation?: string): string[] {
  return emulator
    .calls()
    .filter((call) => operation === undefined || call.operation === operation)
    .map((call) => `${call.operation}:${call.outcome}`);
}

export function countCalls(emulator: RunningEmulator, operation: string, outcome?: string): number {
  return emulator
    .calls()
    .filter((call) => call.operation === operation && (outcome === undefined || call.outcome === outcome))
    .length;
}

/** Every response of the operation(s), in order. */
export function responsesOf(...results: RunResult[]): ProgressEventPayload[] {
  return results.flatMap((result) => result.invocations.map((record) => record.response));
}

/** The callbackDelaySeconds of every IN_PROGRESS response. */
export function callbackDelays(result: RunResult): number[] {
  return result.invocations
    .filter((record) => record.response.status === 'IN_PROGRESS')
    .map((record) => record.response.callbackDelaySeconds);
}

/** The error codes of every FAILED response. */
export function errorCodes(...results: RunResult[]): string[] {
  return responsesOf(...results).flatMap((response) =>
    response.errorCode === undefined ? [] : [response.errorCode],
  );
}

/**
 * One Lambda invocation by hand (for crash cells): the response is checked against the contract like every
 * response the driver sees, and returned even if the caller then "loses" it.
 */
export async function invokeOnce(
  type: TypeUnderTest,
  request: HandlerRequestPayload,
  lambdaTimeoutMs?: number,
): Promise<ProgressEventPayload> {
  const context = createLambdaContext({ functionName: functionNameFor(type.typeName), lambdaTimeoutMs });
  const raw = await type.entrypoint(cloneJson(request), context);
  return checkResponse(request.action, raw, { primaryIdentifier: type.primaryIdentifier });
}

/** CREATE of the type's model through a fresh driver, expected to SUCCEED: that driver and the model it answered. */
export async function createdResource(
  type: TypeUnderTest,
): Promise<{ driver: Driver; model: ResourceProperties }> {
  const { driver } = driverFor(type);
  const result = await driver.create(type.model);
  expect(result.final).toMatchObject({ status: 'SUCCESS', resourceModel: type.model });
  return { driver, model: result.final.resourceModel ?? type.model };
}

/** The first HandlerRequest of an operation, as CloudFormation would build it with the driver's settings. */
export function firstRequest(
  options: RunOptions,
  action: HandlerAction,
  properties: ResourceProperties,
): HandlerRequestPayload {
  return buildHandlerRequest(options, { action, properties, bearerToken: randomUUID() });
}

export { buildReinvocationRequest, runRequest };

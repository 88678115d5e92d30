// Every sam-tests/ event through `npm run invoke`'s code path (dev/demo/invoke-event.ts) against the emulator:
// on a fresh emulator, and with the event's resource already there.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  parseProgressEvent,
  parseTestEvent,
  type ProgressEventPayload,
  type ResourceProperties,
  testEventToHandlerRequest,
  type TestEventPayload,
} from '../../dev/driver';
import {
  clearStateTable,
  type LocalServices,
  pointSdkAt,
  type RunningEmulator,
  startLocalServices,
} from '../../dev/emulator';
import {
  EventTypeError,
  invokeEvent,
  resourceToSeed,
  typeForEvent,
  withoutProviderLogging,
} from '../../dev/demo/invoke-event';
import {
  availableResourceTypes,
  callsOf,
  needsStateTable,
  RESOURCE_TYPES,
  type ResourceTypeEntry,
  seedResource,
} from '../../dev/types';

let services: LocalServices;
let emulator: RunningEmulator;
let restoreEndpoints: () => void;

beforeAll(async () => {
  // With the state table when a type keeps state.
  services = await startLocalServices({
    provisioningMs: 200,
    stateTable: needsStateTable(availableResourceTypes()),
  });
  emulator = services.emulator;
  restoreEndpoints = pointSdkAt(emulator.endpoint, services.stateTableEndpoint);
});

afterAll(async () => {
  await services.close();
  restoreEndpoints();
});

beforeEach(async () => {
  emulator.reset();
  if (services.stateTableEndpoint !== undefined) await clearStateTable(services.stateTableEndpoint);
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => jest.restoreAllMocks());

interface SamEvent {
  file: string;
  json: unknown;
  event: TestEventPayload;
}

function samEvents(entry: ResourceTypeEntry): SamEvent[] {
  return readdirSync(entry.samTestsDir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => {
      const fullPath = path.join(entry.samTestsDir, file);
      const json: unknown = JSON.parse(readFileSync(fullPath, 'utf8'));
      return { file: fullPath, json, event: parseTestEvent(json) };
    });
}

/** The response as a checked ProgressEvent (parseProgressEvent throws on a malformed one). */
function asEvent(response: unknown): ProgressEventPayload {
  return parseProgressEvent('READ', response);
}

const types = availableResourceTypes();

/**
 * `actual` is `expected` plus, at most, what the handlers add to a model: a primary identifier CREATE generated
 * and read-only properties (none for a type whose identifiers are all given and that has no read-only ones).
 */
function expectModel(entry: ResourceTypeEntry, actual: unknown, expected: ResourceProperties): void {
  expect(actual).toMatchObject(expected);
  const added = new Set(
    [...entry.primaryIdentifier, ...(entry.schema.readOnlyProperties ?? [])].map((pointer) =>
      pointer.replace(/^\/properties\//, ''),
    ),
  );
  const extra = Object.keys(actual ?? {}).filter((name) => !(name in expected));
  expect(extra.filter((name) => !added.has(name))).toEqual([]);
}

describe.each(types.map((entry) => [entry.typeName, entry] as const))(
  '%s sam-tests events',
  (_name, entry) => {
    const events = samEvents(entry);
    const cases = events.map((sample) => [path.basename(sample.file), sample] as const);
    const modelOf = (sample: SamEvent): ResourceProperties => sample.event.request.desiredResourceState;
    const exists = (sample: SamEvent): boolean => entry.emulator.exists(emulator, modelOf(sample));

    test.each(cases)('%s is recognised as this type by its path', (_file, sample) => {
      expect(typeForEvent(sample.json, { filePath: sample.file }).key).toBe(entry.key);
    });

    test.each(cases)(
      '%s without its resource (--absent): one invocation, the expected answer',
      async (_file, sample) => {
        const result = await invokeEvent(sample.json, entry);
        expect(result).toMatchObject({ format: 'test-event', invocations: 1 });
        expect(result.contractViolation).toBeUndefined();
        const response = asEvent(result.response);
        switch (sample.event.action) {
          case 'CREATE':
            // A CREATE first answers IN_PROGRESS, carrying the model's identifier; nothing is written yet or
            // the write is under way.
            expect(response.status).toBe('IN_PROGRESS');
            expectModel(entry, response.resourceModel, modelOf(sample));
            break;
          case 'LIST':
            expect(response).toMatchObject({ status: 'SUCCESS', resourceModels: [] });
            break;
          default:
            expect(response).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
            expect(callsOf(emulator, entry.emulator.deleteOperation)).toEqual([]);
        }
      },
    );

    test.each(cases)('%s with the resource seeded (the default but for CREATE)', async (_file, sample) => {
      await seedResource(entry, emulator, resourceToSeed(sample.json, entry), services.stateTableEndpoint);
      const result = await invokeEvent(sample.json, entry, { follow: true, timeScale: 0.05 });
      expect(result.contractViolation).toBeUndefined();
      const response = asEvent(result.response);
      switch (sample.event.action) {
        case 'CREATE':
          expect(response).toMatchObject({ status: 'FAILED', errorCode: 'AlreadyExists' });
          break;
        case 'READ':
          expect(response.status).toBe('SUCCESS');
          expectModel(entry, response.resourceModel, modelOf(sample));
          break;
        case 'UPDATE':
          // In place, to the event's desired state (a type without an update handler has no update.json).
          expect(response.status).toBe('SUCCESS');
          expectModel(entry, response.resourceModel, modelOf(sample));
          expect(exists(sample)).toBe(true);
          break;
        case 'LIST':
          expect(response.status).toBe('SUCCESS');
          expect(response.resourceModels).toHaveLength(1);
          expectModel(entry, response.resourceModels?.[0], resourceToSeed(sample.json, entry));
          break;
        case 'DELETE':
          expect(response.status).toBe('SUCCESS');
          expect(exists(sample)).toBe(false);
          break;
        default:
          throw new Error(`unexpected action ${sample.event.action}`);
      }
    });

    test('create.json followed to the end (--follow) creates the resource', async () => {
      const create = events.find((sample) => sample.event.action === 'CREATE');
      if (!create) throw new Error('sam-tests has no CREATE event');
      const result = await invokeEvent(create.json, entry, { follow: true, timeScale: 0.05 });
      expect(result.invocations).toBeGreaterThan(1);
      const response = asEvent(result.response);
      expect(response.status).toBe('SUCCESS');
      expectModel(entry, response.resourceModel, modelOf(create));
      expect(exists(create)).toBe(true);
    });

    test('the same READ as a HandlerRequest goes through entrypoint, typed by its resourceType', async () => {
      const read = events.find((sample) => sample.event.action === 'READ');
      if (!read) throw new Error('sam-tests has no READ event');
      await seedResource(entry, emulator, modelOf(read), services.stateTableEndpoint);
      const request = testEventToHandlerRequest(read.event, { typeName: entry.typeName });
      expect(typeForEvent(request).key).toBe(entry.key);
      const result = await invokeEvent(request, entry);
      expect(result.format).toBe('handler-request');
      const response = asEvent(result.response);
      expect(response.status).toBe('SUCCESS');
      expectModel(entry, response.resourceModel, modelOf(read));
    });
  },
);

describe('typeForEvent', () => {
  const types = availableResourceTypes();

  function readEventOf(entry: ResourceTypeEntry): SamEvent {
    const read = samEvents(entry).find((sample) => sample.event.action === 'READ');
    if (!read) throw new Error(`${entry.typeName} has no READ event in sam-tests`);
    return read;
  }

  test.each(types)('an explicit type ($key) wins; an unknown one is refused', (entry) => {
    // Another type's event where there is one, so the event alone would say otherwise.
    const other = types.find((candidate) => candidate !== entry) ?? entry;
    const read = readEventOf(other);
    expect(typeForEvent(read.json, { type: entry.key }).key).toBe(entry.key);
    expect(() => typeForEvent(read.json, { type: 'bucket' })).toThrow(EventTypeError);
  });

  test.each(types)('without path or type, the properties of $key decide', (entry) => {
    expect(typeForEvent(readEventOf(entry).json).key).toBe(entry.key);
    const minimal = {
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: '' },
      action: 'READ',
      request: {
        desiredResourceState: Object.fromEntries((entry.schema.required ?? []).map((name) => [name, 'x'])),
      },
    };
    expect(typeForEvent(minimal).key).toBe(entry.key);
  });

  test("a HandlerRequest's resourceType counts in any namespace: the user's registered name", () => {
    for (const entry of availableResourceTypes()) {
      const [, service, resource] = entry.typeName.split('::');
      for (const namespace of ['Org', 'Acme', 'AWS']) {
        const request = { resourceType: `${namespace}::${service}::${resource}`, requestData: {} };
        expect(typeForEvent(request).key).toBe(entry.key);
      }
    }
  });

  /** What each registered type's name keeps after its namespace (e.g. the service and resource). */
  const sourceNames = RESOURCE_TYPES.map((entry) => entry.typeName.split('::').slice(1).join('::'));

  test.each([
    'Acme::S3::Bucket',
    ...sourceNames.flatMap((name) => [name, `Acme::${name}::MODULE`, `Acme::${name}s`]),
  ])('a resourceType naming no type of this project is refused, naming it: %s', (typeName) => {
    expect(() => typeForEvent({ resourceType: typeName, requestData: {} })).toThrow(
      new EventTypeError(
        `The event's resourceType '${typeName}' is not a type of this project: after its namespace it must read ` +
          `${sourceNames.join(' or ')} (e.g. ${sourceNames.map((name) => `Org::${name}`).join(', ')}); or pass --type`,
      ),
    );
  });

  test('properties no single type declares are refused', () => {
    const ambiguous = {
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: '' },
      action: 'READ',
      request: { desiredResourceState: { PrincipalId: 'id' } },
    };
    expect(() => typeForEvent(ambiguous)).toThrow(EventTypeError);
  });
});

describe('withoutProviderLogging', () => {
  const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' };

  test('removes providerCredentials and providerLogGroupName, keeps everything else, leaves the input alone', () => {
    const request = {
      action: 'READ',
      resourceType: 'Org::Fake::Thing',
      requestData: {
        callerCredentials: credentials,
        providerCredentials: credentials,
        providerLogGroupName: 'org-fake-thing-logs',
        resourceProperties: { TargetId: '222233334444' },
      },
    };
    const copy = JSON.parse(JSON.stringify(request));
    const { json, removed } = withoutProviderLogging(request);
    expect(removed).toEqual(['providerCredentials', 'providerLogGroupName']);
    expect(json).toEqual({
      action: 'READ',
      resourceType: 'Org::Fake::Thing',
      requestData: { callerCredentials: credentials, resourceProperties: { TargetId: '222233334444' } },
    });
    expect(request).toEqual(copy);
  });

  test('null fields are dropped but not reported; a TestEvent (which has neither) comes back as it was', () => {
    const request = {
      action: 'READ',
      requestData: { providerCredentials: null, providerLogGroupName: null },
    };
    expect(withoutProviderLogging(request)).toEqual({
      json: { action: 'READ', requestData: {} },
      removed: [],
    });
    const testEvent = { credentials, action: 'READ', request: { desiredResourceState: {} } };
    expect(withoutProviderLogging(testEvent)).toEqual({ json: testEvent, removed: [] });
  });
});

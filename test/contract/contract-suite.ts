// The rules of the CloudFormation CLI contract suite (`cfn test`) for a type with create/read/delete/list
// handlers whose identifiers are all createOnly, run through the driver (which applies the handler-contract
// checks to every response) against the SSO Admin emulator. The rules and their inputs follow
// cloudformation-cli src/rpdk/core/contract/suite/resource/handler_create.py, handler_delete.py and
// handler_commons.py: LIST gets the whole created model, READ must give back the input's properties,
// a second CREATE of the same model must fail AlreadyExists, and after DELETE, READ and DELETE must fail NotFound.
// Each rule also checks the emulator's state and call log.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  DEFAULT_CALLER_CREDENTIALS,
  Driver,
  type ResourceProperties,
  type RunResult,
} from '../../dev/driver';
import { pointSdkAt, type RunningEmulator, startEmulator } from '../../dev/emulator';
import { LIST_PAGE_ENV } from '../../src/core/list-pages';
import {
  callsOf,
  primaryIdentifierOf,
  resourceType,
  type ResourceTypeEntry,
  type TypeKey,
} from '../../dev/types';

/** A write held IN_PROGRESS by the emulator until release(). */
export interface HeldWrite {
  release(): void;
  /** Asserts, from the emulator, that the handler really waited (e.g. it polled a status it saw IN_PROGRESS). */
  assertHeld(): void;
}

/** What differs between types: how to hold a write back and how to make one fail in the emulator. */
export interface ContractFixture {
  key: TypeKey;
  holdWrite(emulator: RunningEmulator, model: ResourceProperties, action: 'CREATE' | 'DELETE'): HeldWrite;
  /** Adds `count` other resources that a LIST filtered by `model` returns too (so LIST has several pages). */
  seedListNeighbours(emulator: RunningEmulator, model: ResourceProperties, count: number): void;
  /** Makes the next CREATE of `model` fail; returns what the FAILED event must carry. */
  failCreate(
    emulator: RunningEmulator,
    model: ResourceProperties,
  ): { errorCode: string; messageContains: string };
}

/** Account-assignment writes stay IN_PROGRESS this long (emulator clock), so the handlers poll. */
const PROVISIONING_MS = 200;
/** callbackDelaySeconds 1 -> 50 ms. */
const TIME_SCALE = 0.05;
/** A held write is released at the driver's third wait between invocations. */
const RELEASE_AT_WAIT = 3;
/** Other resources of the LIST filter seeded beside the one under test, so LIST spans several pages. */
const LIST_NEIGHBOURS = 3;

function readJson(file: string): ResourceProperties {
  return JSON.parse(readFileSync(file, 'utf8')) as ResourceProperties;
}

export function describeContract(fixture: ContractFixture): void {
  const entry: ResourceTypeEntry = resourceType(fixture.key);
  const createOperation = entry.emulator.createOperation;
  const deleteOperation = entry.emulator.deleteOperation;
  const input = readJson(path.join(entry.inputsDir, 'inputs_1_create.json'));
  const invalidInput = readJson(path.join(entry.inputsDir, 'inputs_1_invalid.json'));
  let emulator: RunningEmulator;
  let driver: Driver;
  let consoleLines: string[];
  let driverLines: string[];
  let restoreEndpoints: (() => void) | undefined;

  const identifier = (model: ResourceProperties | undefined): unknown[] =>
    primaryIdentifierOf(entry, model ?? {});
  const exists = (): boolean => entry.emulator.exists(emulator, input);
  const writes = (operation: string): number => callsOf(emulator, operation).length;

  async function createdModel(): Promise<ResourceProperties> {
    const created = await driver.create(input);
    expect(created.final).toMatchObject({ status: 'SUCCESS', resourceModel: input });
    expect(exists()).toBe(true);
    return created.final.resourceModel ?? {};
  }

  async function deleted(model: ResourceProperties): Promise<void> {
    const result = await driver.del(model);
    expect(result.final.status).toBe('SUCCESS');
    expect(exists()).toBe(false);
  }

  function expectFailed(result: RunResult, errorCode: string): void {
    expect(result.final).toMatchObject({ status: 'FAILED', errorCode });
  }

  /**
   * LIST as `cfn test` runs it (every page until nextToken is null), with a page budget of one SSO Admin call and
   * one model (src/core/list-pages.ts LIST_PAGE_ENV), beside LIST_NEIGHBOURS other resources of the filter: the
   * rules below then hold across pages, not only within one.
   */
  async function listedIdentifiers(model: ResourceProperties): Promise<unknown[][]> {
    fixture.seedListNeighbours(emulator, model, LIST_NEIGHBOURS);
    process.env[LIST_PAGE_ENV.workMs] = '0';
    process.env[LIST_PAGE_ENV.maxModels] = '1';
    try {
      const listed = await driver.listAll(model);
      expect(listed.final.status).toBe('SUCCESS');
      expect(listed.pages.length).toBeGreaterThanOrEqual(LIST_NEIGHBOURS);
      for (const page of listed.pages.slice(0, -1)) expect(page.final.nextToken).toEqual(expect.any(String));
      expect(listed.final.nextToken).toBeUndefined();
      const identifiers = listed.models.map(identifier);
      expect(new Set(identifiers.map((value) => JSON.stringify(value))).size).toBe(identifiers.length);
      return identifiers;
    } finally {
      delete process.env.SSO_LIST_PAGE_WORK_MS;
      delete process.env.SSO_LIST_PAGE_MAX_MODELS;
    }
  }

  /** Runs a write the emulator holds back; it is released when the driver waits for the RELEASE_AT_WAIT-th time. */
  async function heldWrite(action: 'CREATE' | 'DELETE', model: ResourceProperties): Promise<RunResult> {
    const held = fixture.holdWrite(emulator, input, action);
    let waits = 0;
    const sleep = async (ms: number): Promise<void> => {
      waits += 1;
      if (waits === RELEASE_AT_WAIT) held.release();
      await delay(ms);
    };
    const result = await driver.run(action, model, { sleep });
    held.assertHeld();
    return result;
  }

  function inProgressInvocations(result: RunResult) {
    return result.invocations.filter((record) => record.response.status === 'IN_PROGRESS');
  }

  beforeAll(async () => {
    emulator = await startEmulator({ provisioningMs: PROVISIONING_MS });
    // Before the handlers build their SSO Admin client (src/core/client.ts leaves endpoints to the SDK).
    restoreEndpoints = pointSdkAt(emulator.endpoint);
    const handlers = await entry.loadHandlers();
    driver = new Driver({
      entrypoint: handlers.entrypoint,
      typeName: entry.typeName,
      primaryIdentifier: entry.primaryIdentifier,
      timeScale: TIME_SCALE,
      log: (line) => driverLines.push(line),
    });
  });

  afterAll(async () => {
    await emulator.close();
    restoreEndpoints?.();
  });

  beforeEach(() => {
    emulator.reset();
    consoleLines = [];
    driverLines = [];
    // The runtime lib logs every invocation through console.log.
    jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      consoleLines.push(args.map(String).join(' '));
    });
  });

  afterEach(() => {
    jest.restoreAllMocks();
    // No test may have been throttled: call counts below would then include retries.
    expect(emulator.calls().filter((call) => call.outcome === 'ThrottlingException')).toEqual([]);
  });

  describe(`${entry.typeName} contract (cfn test rules, against the emulator)`, () => {
    test('inputs_1_invalid fails InvalidRequest before any SSO Admin call', async () => {
      const result = await driver.create(invalidInput);
      expectFailed(result, 'InvalidRequest');
      expect(emulator.calls()).toEqual([]);
    });

    test('create -> delete: both succeed; the resource exists only in between; no secret is logged', async () => {
      expect(exists()).toBe(false);
      const model = await createdModel();
      expect(identifier(model)).toEqual(identifier(input));
      await deleted(model);
      expect(writes(createOperation)).toBe(1);
      expect(writes(deleteOperation)).toBe(1);
      const logged = [...consoleLines, ...driverLines].join('\n');
      expect(consoleLines.length).toBeGreaterThan(0);
      for (const secret of [
        DEFAULT_CALLER_CREDENTIALS.secretAccessKey,
        DEFAULT_CALLER_CREDENTIALS.sessionToken,
      ]) {
        expect(logged).not.toContain(secret);
      }
    });

    test('create -> create: the second CREATE fails AlreadyExists without a second write', async () => {
      await createdModel();
      const second = await driver.create(input);
      expectFailed(second, 'AlreadyExists');
      expect(writes(createOperation)).toBe(1);
      expect(exists()).toBe(true);
    });

    test('create -> read: READ gives back the input model', async () => {
      const model = await createdModel();
      const read = await driver.read(model);
      expect(read.final.status).toBe('SUCCESS');
      expect(read.final.resourceModel).toEqual(input);
    });

    test('create -> list: LIST of the created model contains it (paged: every page until nextToken is null)', async () => {
      const model = await createdModel();
      expect(await listedIdentifiers(model)).toContainEqual(identifier(input));
    });

    test('delete -> read: READ fails NotFound', async () => {
      const model = await createdModel();
      await deleted(model);
      expectFailed(await driver.read(model), 'NotFound');
    });

    test('delete -> delete: the second DELETE fails NotFound without a second write', async () => {
      const model = await createdModel();
      await deleted(model);
      expectFailed(await driver.del(model), 'NotFound');
      expect(writes(deleteOperation)).toBe(1);
    });

    test('delete -> list: LIST no longer contains it (paged)', async () => {
      const model = await createdModel();
      await deleted(model);
      expect(await listedIdentifiers(model)).not.toContainEqual(identifier(input));
    });

    test('delete -> create: the same model can be created again', async () => {
      const model = await createdModel();
      await deleted(model);
      await createdModel();
      expect(writes(createOperation)).toBe(2);
    });

    test('CREATE held IN_PROGRESS by the service: IN_PROGRESS events carry the identifier, then SUCCESS', async () => {
      const result = await heldWrite('CREATE', input);
      const waiting = inProgressInvocations(result);
      expect(waiting.length).toBeGreaterThanOrEqual(2);
      for (const record of waiting)
        expect(identifier(record.response.resourceModel)).toEqual(identifier(input));
      expect(result.final).toMatchObject({ status: 'SUCCESS', resourceModel: input });
      expect(exists()).toBe(true);
      expect(writes(createOperation)).toBeGreaterThanOrEqual(1);
    });

    test('DELETE held IN_PROGRESS by the service: IN_PROGRESS events carry the identifier, then SUCCESS', async () => {
      const model = await createdModel();
      const result = await heldWrite('DELETE', model);
      const waiting = inProgressInvocations(result);
      expect(waiting.length).toBeGreaterThanOrEqual(1);
      for (const record of waiting)
        expect(identifier(record.response.resourceModel)).toEqual(identifier(input));
      expect(result.final.status).toBe('SUCCESS');
      expect(exists()).toBe(false);
    });

    test('a CREATE the service fails ends FAILED with the reason, and nothing is created', async () => {
      const expected = fixture.failCreate(emulator, input);
      const result = await driver.create(input);
      expectFailed(result, expected.errorCode);
      expect(result.final.message).toContain(expected.messageContains);
      expect(exists()).toBe(false);
      expect(writes(createOperation)).toBe(1);
    });
  });
}

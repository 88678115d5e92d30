// inputs/ (contract-test inputs) and sam-tests/ (SAM TestEntrypoint events) of every type: valid against
// the schema and written with the emulator's seeded IDs, so `cfn test` and `npm run invoke` work locally.
import Ajv from 'ajv';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { detectEventFormat, parseTestEvent, type ResourceProperties } from '../../dev/driver';
import { DEFAULT_WORLD } from '../../dev/emulator';
import { availableResourceTypes, type ResourceTypeEntry } from '../../dev/types';

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The resource schema as plain JSON Schema (its CloudFormation keywords such as primaryIdentifier dropped). */
function modelValidator(entry: ResourceTypeEntry) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile({
    type: 'object',
    definitions: entry.schema.definitions ?? {},
    properties: entry.schema.properties,
    required: entry.schema.required ?? [],
    additionalProperties: false,
  });
}

const WORLD_IDS = new Set<string>([
  DEFAULT_WORLD.instanceArn,
  ...DEFAULT_WORLD.permissionSets.map((permissionSet) => permissionSet.arn),
  ...DEFAULT_WORLD.users.map((user) => user.id),
  ...DEFAULT_WORLD.groups.map((group) => group.id),
  ...DEFAULT_WORLD.accounts.filter((account) => account.state === 'ACTIVE').map((account) => account.id),
  ...DEFAULT_WORLD.applications.map((application) => application.arn),
]);

/** Every value some enum of the schema allows, at any depth (the kinds, not IDs). */
function enumValues(entry: ResourceTypeEntry): Set<unknown> {
  const values = new Set<unknown>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        if (key === 'enum' && Array.isArray(child)) child.forEach((value) => values.add(value));
        else visit(child);
      }
    }
  };
  visit(entry.schema.properties);
  visit(entry.schema.definitions ?? {});
  return values;
}

/**
 * Every string that is not an enum value (the IDs), at any depth (a group's lists), names something in the seeded
 * world, and every principal is of its declared kind. Booleans and a primary identifier the template may leave
 * out (a name it chooses, generated when absent) name nothing.
 */
function expectSeededIds(entry: ResourceTypeEntry, model: ResourceProperties): void {
  const kinds = enumValues(entry);
  const freeNames = entry.primaryIdentifier
    .map((pointer) => pointer.replace('/properties/', ''))
    .filter((name) => !(entry.schema.required ?? []).includes(name));
  const visit = (name: string, value: unknown): void => {
    if (Array.isArray(value)) value.forEach((item, index) => visit(`${name}.${index}`, item));
    else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      for (const [key, child] of Object.entries(record)) visit(`${name}.${key}`, child);
      if (record.PrincipalType !== undefined) {
        const principals = record.PrincipalType === 'GROUP' ? DEFAULT_WORLD.groups : DEFAULT_WORLD.users;
        expect(principals.map((principal) => principal.id)).toContain(record.PrincipalId);
      }
    } else if (typeof value === 'string' && !kinds.has(value)) {
      expect({ [name]: WORLD_IDS.has(value) }).toEqual({ [name]: true });
    }
  };
  for (const [name, value] of Object.entries(model)) if (!freeNames.includes(name)) visit(name, value);
  if (model.PrincipalType !== undefined) {
    const principals = model.PrincipalType === 'GROUP' ? DEFAULT_WORLD.groups : DEFAULT_WORLD.users;
    expect(principals.map((principal) => principal.id)).toContain(model.PrincipalId);
  }
}

const types = availableResourceTypes();

describe.each(types.map((entry) => [entry.typeName, entry] as const))('%s project files', (_name, entry) => {
  const validate = modelValidator(entry);

  test('inputs_1_create is valid against the schema and uses the seeded world', () => {
    const input = readJson(path.join(entry.inputsDir, 'inputs_1_create.json')) as ResourceProperties;
    expect(validate(input) ? [] : validate.errors).toEqual([]);
    expectSeededIds(entry, input);
  });

  test('inputs_1_invalid breaks the schema', () => {
    expect(validate(readJson(path.join(entry.inputsDir, 'inputs_1_invalid.json')))).toBe(false);
  });

  test("the demo's model is valid and uses the seeded world", () => {
    const model = entry.demoModel(DEFAULT_WORLD);
    expect(validate(model) ? [] : validate.errors).toEqual([]);
    expectSeededIds(entry, model);
  });

  test("a demo scenario's models (created, updated, the drifted resource) are valid and use the seeded world", () => {
    const scenario = entry.demo;
    const models = scenario
      ? [
          scenario.model(DEFAULT_WORLD),
          scenario.update(DEFAULT_WORLD).model,
          scenario.drift(DEFAULT_WORLD).model,
        ]
      : [];
    for (const model of models) {
      expect(validate(model) ? [] : validate.errors).toEqual([]);
      expectSeededIds(entry, model);
    }
  });

  test('sam-tests holds TestEvents for CREATE, READ, DELETE and LIST (and UPDATE, with an update handler) with seeded IDs', () => {
    const files = readdirSync(entry.samTestsDir).filter((file) => file.endsWith('.json'));
    const events = files.map((file) => readJson(path.join(entry.samTestsDir, file)));
    expect(events.map((event) => detectEventFormat(event))).toEqual(files.map(() => 'test-event'));
    const parsed = events.map((event) => parseTestEvent(event));
    expect(parsed.map((event) => event.action).sort()).toEqual(
      [...['CREATE', 'DELETE', 'LIST', 'READ'], ...(entry.updatable ? ['UPDATE'] : [])].sort(),
    );
    for (const event of parsed) {
      if (event.action !== 'LIST') {
        expect(validate(event.request.desiredResourceState) ? [] : validate.errors).toEqual([]);
      }
      expectSeededIds(entry, event.request.desiredResourceState);
      const previous = event.request.previousResourceState;
      if (event.action === 'UPDATE') {
        expect(previous).toBeDefined();
        expect(validate(previous) ? [] : validate.errors).toEqual([]);
        if (previous) expectSeededIds(entry, previous);
      }
    }
  });
});

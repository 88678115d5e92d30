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
  ...DEFAULT_WORLD.accounts.filter((account) => account.status === 'ACTIVE').map((account) => account.id),
  ...DEFAULT_WORLD.applications.map((application) => application.arn),
]);

/** Every property that is not an enum (the IDs) names something in the seeded world, of the right kind. */
function expectSeededIds(entry: ResourceTypeEntry, model: ResourceProperties): void {
  for (const [name, value] of Object.entries(model)) {
    if (entry.schema.properties[name]?.enum !== undefined) continue;
    expect({ [name]: WORLD_IDS.has(String(value)) }).toEqual({ [name]: true });
  }
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

  test('sam-tests holds TestEvents for CREATE, READ, DELETE and LIST with seeded IDs', () => {
    const files = readdirSync(entry.samTestsDir).filter((file) => file.endsWith('.json'));
    const events = files.map((file) => readJson(path.join(entry.samTestsDir, file)));
    expect(events.map((event) => detectEventFormat(event))).toEqual(files.map(() => 'test-event'));
    const parsed = events.map((event) => parseTestEvent(event));
    expect(parsed.map((event) => event.action).sort()).toEqual(['CREATE', 'DELETE', 'LIST', 'READ']);
    for (const event of parsed) {
      if (event.action !== 'LIST') {
        expect(validate(event.request.desiredResourceState) ? [] : validate.errors).toEqual([]);
      }
      expectSeededIds(entry, event.request.desiredResourceState);
    }
  });
});

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { RESOURCE_TYPES } from '../../dev/types';

const ROOT = path.resolve(__dirname, '..', '..');
const META = path.join(ROOT, 'schema', 'meta');

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** The resource-provider meta-schema `cfn validate` uses, with its draft-07 references resolved locally. */
function providerSchemaValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
  // The formats the meta-schemas use (uri, uri-reference, regex, json-pointer): checked, not ignored.
  addFormats(ajv);
  // The provider schema refers to its siblings relative to its $id; draft-07 itself is built into Ajv.
  const base = 'https://schema.cloudformation.us-east-1.amazonaws.com/';
  for (const file of readdirSync(META).filter(
    (name) => name.endsWith('.json') && name !== 'meta-schema.json',
  )) {
    const schema = readJson(path.join(META, file));
    if (file !== 'provider.definition.schema.v1.json')
      ajv.addSchema(schema, schema.$id ? undefined : base + file);
  }
  return ajv.compile(readJson(path.join(META, 'provider.definition.schema.v1.json')));
}

describe.each(RESOURCE_TYPES)('resource schema $schemaFile', ({ schemaFile }) => {
  const schema = readJson(path.join(ROOT, schemaFile)) as {
    properties: Record<string, { description?: string; pattern?: string }>;
    handlers: Record<string, { permissions: string[] }>;
    primaryIdentifier: string[];
    createOnlyProperties?: string[];
    readOnlyProperties?: string[];
    required: string[];
  };

  test('is valid against provider.definition.schema.v1.json with zero errors', () => {
    const validate = providerSchemaValidator();
    const valid = validate(schema);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  test('the meta-schema check really rejects a broken schema', () => {
    const validate = providerSchemaValidator();
    expect(validate({ ...schema, primaryIdentifier: 'InstanceArn' })).toBe(false);
    expect(validate({ ...schema, handlers: { create: {} } })).toBe(false);
  });

  test('the meta-schema check knows every format it uses: compiles without a warning, rejects a bad value', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const validate = providerSchemaValidator();
      // Ajv warns "unknown format … ignored" for a format it was not given, and then accepts anything.
      expect(warn).not.toHaveBeenCalled();
      const [someProperty] = Object.keys(schema.properties);
      // `regex` and `json-pointer` formats: a pattern that is no regular expression, an identifier no pointer.
      const badPattern = {
        ...schema,
        properties: {
          ...schema.properties,
          [someProperty]: { ...schema.properties[someProperty], pattern: '^(' },
        },
      };
      expect(validate(badPattern)).toBe(false);
      expect(validate({ ...schema, primaryIdentifier: ['properties/InstanceArn'] })).toBe(false);
    } finally {
      warn.mockRestore();
    }
  });

  test('every property is described and every pattern is anchored', () => {
    for (const [name, property] of Object.entries(schema.properties)) {
      expect([name, (property.description ?? '').length > 20]).toEqual([name, true]);
      if (property.pattern) {
        expect(property.pattern.startsWith('^') && property.pattern.endsWith('$')).toBe(true);
      }
    }
  });

  test('handler permissions are exact: no wildcards, no duplicates', () => {
    for (const [handler, { permissions }] of Object.entries(schema.handlers)) {
      expect([handler, permissions.filter((permission) => permission.includes('*'))]).toEqual([handler, []]);
      expect(new Set(permissions).size).toBe(permissions.length);
      for (const permission of permissions) expect(permission).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
    }
  });

  test('every primary identifier is createOnly, and required unless CREATE generates it (then writable, not read-only)', () => {
    for (const pointer of schema.primaryIdentifier) {
      const name = pointer.replace('/properties/', '');
      expect(schema.createOnlyProperties ?? []).toContain(pointer);
      // Optional: CREATE generates it when absent (as AWS types generate names), so it can be given but never
      // changed, and is never read-only (a template may name it).
      if (!schema.required.includes(name)) expect(schema.readOnlyProperties ?? []).not.toContain(pointer);
    }
  });
});

const GENERATOR = ['--import', 'tsx', path.join(ROOT, 'dev', 'generate', 'generate.ts')];

// Prettier 3 cannot load inside Jest's module sandbox, so the generator runs as its own process.
test('generated files are up to date with their schemas (npm run generate)', () => {
  const run = () =>
    execFileSync(process.execPath, [...GENERATOR, '--check', '--list'], { cwd: ROOT, encoding: 'utf8' });
  expect(run).not.toThrow();
});

test('generated files say they are generated', () => {
  const listed = execFileSync(process.execPath, [...GENERATOR, '--list'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  const perType = RESOURCE_TYPES.flatMap((type) => [
    `${type.sourceDir}/models.ts`,
    `${type.sourceDir}/validators.ts`,
  ]);
  expect(listed).toEqual(expect.arrayContaining(perType));
  for (const file of listed) {
    expect(readFileSync(path.join(ROOT, file), 'utf8').split('\n')[0]).toMatch(
      /generated by `npm run generate`.*Do not edit it by hand/,
    );
  }
});

test('each registered schema file is the schema the registry imports', () => {
  for (const type of RESOURCE_TYPES) {
    expect(readJson(path.join(ROOT, type.schemaFile))).toEqual(type.schema);
  }
});

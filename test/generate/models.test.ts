import path from 'node:path';
import type { BaseModel } from '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib';
import { type ModelSchema, renderModels } from '../../dev/generate/models';
import { evaluate, fixtureSchema, typeErrors } from './support/generated-code';

const BANNER = '// generated from the fixture';
const source = renderModels(fixtureSchema(), BANNER);
const generated = evaluate(source);

function modelClass(name: string): typeof BaseModel {
  const value = generated[name];
  if (typeof value !== 'function') throw new Error(`the generated models have no class ${name}`);
  return value as typeof BaseModel;
}

function field(model: unknown, name: string): unknown {
  return Reflect.get(model as object, name);
}

const PLAIN = {
  Id: 'group-1',
  Principals: [
    { PrincipalType: 'USER', PrincipalId: 'user-1' },
    { PrincipalType: 'GROUP', PrincipalId: 'group-9' },
  ],
  PermissionSets: ['arn:aws:sso:::permissionSet/ps-1', 'arn:aws:sso:::permissionSet/ps-2'],
  Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: ['111122223333', '444455556666'] }],
  Owners: [{ Email: 'a@example.com' }],
  Settings: { Notify: true, Retry: { Attempts: 3 } },
  Labels: { team: 'platform' },
  AdoptExisting: false,
  Priority: 2,
  Weight: 0.5,
  AssignmentCount: 4,
};

test('the generated models type-check under the strict settings', () => {
  const asIfIn = path.join(__dirname, 'fixture-models.ts');
  expect(typeErrors(source, asIfIn)).toEqual([]);
}, 60_000);

test('deserialize builds nested class instances from arrays, $ref definitions and inline objects', () => {
  const model = modelClass('ResourceModel').deserialize(PLAIN);
  const principals = field(model, 'principals') as unknown[];
  expect(principals).toHaveLength(2);
  expect(principals[1]).toBeInstanceOf(modelClass('Principal'));
  expect(field(principals[1], 'principalId')).toBe('group-9');
  const [target] = field(model, 'targets') as unknown[];
  expect(target).toBeInstanceOf(modelClass('Targets'));
  expect(field(target, 'targetIds')).toEqual(['111122223333', '444455556666']);
  const settings = field(model, 'settings');
  expect(settings).toBeInstanceOf(modelClass('Settings'));
  expect(field(settings, 'retry')).toBeInstanceOf(modelClass('Retry'));
  expect(field(field(settings, 'retry'), 'attempts')).toBe(3);
});

test('uniqueItems with insertionOrder false is a Set, patternProperties a Map, as cfn generate types them', () => {
  const model = modelClass('ResourceModel').deserialize(PLAIN);
  expect(field(model, 'permissionSets')).toEqual(new Set(PLAIN.PermissionSets));
  const owners = field(model, 'owners');
  expect(owners).toBeInstanceOf(Set);
  expect([...(owners as Set<unknown>)][0]).toBeInstanceOf(modelClass('Owner'));
  expect(field(model, 'labels')).toEqual(new Map([['team', 'platform']]));
});

test('serialize round-trips the nested data', () => {
  const model = modelClass('ResourceModel').deserialize(PLAIN);
  expect(model.serialize()).toEqual(PLAIN);
});

test("CloudFormation's stringified booleans and numbers are cast back, in nested models too", () => {
  const model = modelClass('ResourceModel').deserialize({
    ...PLAIN,
    AdoptExisting: 'true',
    Priority: '7',
    Weight: '1.5',
    Settings: { Notify: 'false', Retry: { Attempts: '2' } },
  });
  expect(field(model, 'adoptExisting')).toBe(true);
  expect(field(model, 'priority')).toBe(BigInt(7));
  expect(field(model, 'weight')).toBe(1.5);
  expect(field(field(model, 'settings'), 'notify')).toBe(false);
  expect(model.serialize()).toMatchObject({
    Priority: 7,
    Settings: { Notify: false, Retry: { Attempts: 2 } },
  });
});

test('TypeConfigurationModel gets the typeConfiguration properties, sharing definitions with the resource', () => {
  const configuration = modelClass('TypeConfigurationModel').deserialize({
    TableName: 'assignments',
    Retry: { Attempts: 5 },
  });
  expect(field(configuration, 'tableName')).toBe('assignments');
  expect(field(configuration, 'retry')).toBeInstanceOf(modelClass('Retry'));
  expect(source.match(/export class Retry /g)).toHaveLength(1);
});

test('the shape follows cfn generate: nested classes extend BaseModel, @Type for models, container classes otherwise', () => {
  expect(source).toContain('export class Principal extends BaseModel {');
  expect(source).toMatch(/@Type\(\(\) => Principal\)\n\s+principals\?: Optional<Array<Principal>>;/);
  expect(source).toContain("transformValue(String, 'targetIds', value, obj, [Array])");
  expect(source).toContain('permissionSets?: Optional<Set<string>>;');
  expect(source).toContain('priority?: Optional<integer>;');
  expect(source).toContain('weight?: Optional<number>;');
  expect(source).toContain('adoptExisting?: Optional<boolean>;');
  // ResourceModel first, then its nested models in schema order, then the configuration model.
  const classes = [...source.matchAll(/export class (\w+)/g)].map((match) => match[1]);
  expect(classes).toEqual([
    'ResourceModel',
    'Principal',
    'Targets',
    'Owner',
    'Settings',
    'Retry',
    'TypeConfigurationModel',
  ]);
});

test('a schema the models cannot express is refused with the reason, not generated wrongly', () => {
  const base: ModelSchema = { typeName: 'Test::A::B', properties: {}, primaryIdentifier: [] };
  expect(() => renderModels({ ...base, properties: { A: { $ref: '#/properties/B' } } }, BANNER)).toThrow(
    /\$ref #\/properties\/B is not supported/,
  );
  expect(() =>
    renderModels(
      {
        ...base,
        properties: {
          Rule: { type: 'object', properties: { X: { type: 'string' } } },
          Other: { type: 'array', items: { $ref: '#/definitions/Rule' } },
        },
        definitions: { Rule: { type: 'object', properties: { Y: { type: 'string' } } } },
      },
      BANNER,
    ),
  ).toThrow(/model name Rule is used by/);
  expect(() =>
    renderModels(
      {
        ...base,
        properties: { Map: { type: 'object', patternProperties: { '.*': { $ref: '#/definitions/R' } } } },
        definitions: { R: { properties: { Y: { type: 'string' } } } },
      },
      BANNER,
    ),
  ).toThrow(/models inside a map/);
});

test('a property named like a TypeScript keyword keeps its schema name but gets a safe field', () => {
  const rendered = renderModels(
    { typeName: 'Test::A::B', properties: { Default: { type: 'string' } }, primaryIdentifier: [] },
    BANNER,
  );
  expect(rendered).toContain("@Expose({ name: 'Default' })");
  expect(rendered).toContain('default_?: Optional<string>;');
});

import { compileValidators, renderValidators } from '../../dev/generate/validators';
import { type CompiledValidator, SchemaValidator } from '../../src/core/validation';
import { evaluate, fixtureSchema } from './support/generated-code';

// The standalone code exactly as `npm run generate` writes it for a type, run as the bundle runs it.
const schema = fixtureSchema();
const source = renderValidators(schema, '// generated from the fixture');
const generated = evaluate(source);

function compiled(name: string): CompiledValidator {
  const value = generated[name];
  if (typeof value !== 'function') throw new Error(`the generated validators export no ${name}`);
  return value as CompiledValidator;
}

const validator = new SchemaValidator('Test::Generator::NestedLists', {
  model: compiled('validateModel'),
  identifier: compiled('validateIdentifier'),
  list: compiled('validateList'),
});

const VALID = {
  Principals: [
    { PrincipalType: 'USER', PrincipalId: 'user-1' },
    { PrincipalType: 'GROUP', PrincipalId: 'group-9' },
  ],
  PermissionSets: ['arn:aws:sso:::permissionSet/ps-1'],
  Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: ['111122223333'] }],
  Owners: [{ Email: 'a@example.com' }],
  Settings: { Notify: true, Retry: { Attempts: 3 } },
  Labels: { team: 'platform' },
  AdoptExisting: false,
  Priority: 2,
  Weight: 0.5,
};

function messageOf(properties: unknown): string {
  const result = validator.validateModel(properties);
  return result.valid ? '' : result.message;
}

test('a valid nested model passes', () => {
  expect(validator.validateModel(VALID)).toEqual({ valid: true });
});

const principal = { PrincipalType: 'USER', PrincipalId: 'user-1' };

test.each([
  [{ Principals: [{ PrincipalType: 'USER' }] }, 'Property Principals.0.PrincipalId is required'],
  [
    { Principals: [principal, { ...principal, Extra: 1 }] },
    'Property Principals.1.Extra is not defined by the schema',
  ],
  [
    { Principals: [{ ...principal, PrincipalType: 'ROLE' }] },
    'Property Principals.0.PrincipalType must be one of: USER, GROUP',
  ],
  [
    { Principals: [{ ...principal, PrincipalId: 'UPPER' }] },
    'Property Principals.0.PrincipalId must match the pattern',
  ],
  [{ Principals: [] }, 'Property Principals must have at least 1 items (minItems)'],
  [
    { Principals: Array.from({ length: 101 }, (_, index) => ({ ...principal, PrincipalId: `u-${index}` })) },
    'Property Principals must have at most 100 items (maxItems)',
  ],
  [
    { Principals: [principal, { ...principal, PrincipalId: 'user-2' }, { ...principal }] },
    'Property Principals must not contain duplicates (uniqueItems): items 0 and 2 are identical',
  ],
  [
    { Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: ['111122223333', '12'] }] },
    'Property Targets.0.TargetIds.1 must match the pattern ^\\d{12}$',
  ],
  [
    { Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: [] }] },
    'Property Targets.0.TargetIds must have at least 1 items',
  ],
  [{ Targets: 'AWS_ACCOUNT' }, 'Property Targets must be of type array'],
  [{ Settings: { Retry: { Attempts: 9 } } }, 'Property Settings.Retry.Attempts must be <= 5 (maximum)'],
  [{ Settings: { Notify: 'yes' } }, 'Property Settings.Notify must be of type boolean'],
  [{ Priority: 0 }, 'Property Priority must be >= 1 (minimum)'],
  [{ Priority: 1.5 }, 'Property Priority must be of type integer'],
  [{ Weight: 0 }, 'Property Weight must be > 0 (exclusiveMinimum)'],
  [{ AdoptExisting: 'yes' }, 'Property AdoptExisting must be of type boolean'],
  [{ Labels: { Team: 'x' } }, 'Property Labels.Team is not defined by the schema'],
  [{ Owners: [{}] }, 'Property Owners.0.Email is required'],
])('%j is rejected: %s', (change, expected) => {
  const message = messageOf({ ...VALID, ...change });
  expect(message).toContain(expected);
  expect(message).toContain('Invalid Test::Generator::NestedLists properties');
});

test('every broken nested rule is reported in one message', () => {
  const message = messageOf({
    ...VALID,
    Principals: [{ PrincipalType: 'ROLE' }],
    Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: ['1'] }],
    Priority: 11,
  });
  expect(message).toContain('Property Principals.0.PrincipalId is required');
  expect(message).toContain('Property Principals.0.PrincipalType must be one of');
  expect(message).toContain('Property Targets.0.TargetIds.0 must match the pattern');
  expect(message).toContain('Property Priority must be <= 10 (maximum)');
});

test('list input needs only the handlerSchema required properties and checks nested ones present', () => {
  expect(validator.validateListInput({ Labels: {} })).toEqual({ valid: true });
  const result = validator.validateListInput({ Labels: {}, Principals: [{ PrincipalType: 'USER' }] });
  expect(result.valid ? '' : result.message).toContain('Property Principals.0.PrincipalId is required');
});

test('each property and definition is checked by one function, shared by the model and list validators', () => {
  const functionOf = (id: string) => source.match(new RegExp(`sourceURL="${id.replace(/\//g, '\\/')}"`, 'g'));
  for (const name of Object.keys(schema.definitions ?? {})) {
    expect([name, functionOf(`/definitions/${name}`)?.length]).toEqual([name, 1]);
  }
  for (const name of Object.keys(schema.properties)) {
    expect([name, functionOf(`/properties/${name}`)?.length]).toEqual([name, 1]);
  }
  // Descriptions are annotations: they stay out of the bundle.
  expect(source).not.toContain('Who gets access');
});

test('the precompiled validators answer as the ones compiled at run time', () => {
  const runtime = compileValidators(schema);
  const inputs = [VALID, { ...VALID, Principals: [{}] }, { ...VALID, Priority: 'x', Extra: 1 }, null, []];
  for (const input of inputs) {
    const generatedModel = compiled('validateModel');
    expect([generatedModel(input), generatedModel.errors ?? null]).toEqual([
      runtime.model(input),
      runtime.model.errors ?? null,
    ]);
  }
});

test('READ and DELETE input needs only the primary identifier, and checks whatever else is present', () => {
  expect(validator.validateIdentifier({ Id: 'group-1' })).toEqual({ valid: true });
  const missing = validator.validateIdentifier({ Labels: {} });
  expect(missing.valid ? '' : missing.message).toContain('Property Id is required');
  const wrong = validator.validateIdentifier({ Id: 'group-1', Principals: [{ PrincipalType: 'USER' }] });
  expect(wrong.valid ? '' : wrong.message).toContain('Property Principals.0.PrincipalId is required');
});

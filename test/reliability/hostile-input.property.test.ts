import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { DEFAULT_WORLD } from '../../dev/emulator';
import { RESOURCE_TYPES, type HandlerModule, type ResourceTypeEntry } from '../../dev/types';
import { asProgress, handlerRequest, LAMBDA_CONTEXT } from '../support/handler-request';

/**
 * Property: whatever hostile or malformed properties arrive, the handler answers FAILED InvalidRequest,
 * names the offending property, makes no AWS call, and never fails with InternalFailure.
 */

interface PropertyRule {
  readonly type?: string;
  readonly pattern?: string;
  readonly enum?: readonly string[];
  readonly minLength?: number;
  readonly maxLength?: number;
}

interface TypeUnderTest {
  readonly typeName: string;
  readonly entry: ResourceTypeEntry;
  readonly properties: Readonly<Record<string, PropertyRule>>;
  readonly required: readonly string[];
  readonly validModel: Readonly<Record<string, unknown>>;
}

const TYPES: TypeUnderTest[] = RESOURCE_TYPES.map((entry) => ({
  typeName: entry.typeName,
  entry,
  properties: entry.schema.properties,
  required: entry.schema.required ?? [],
  validModel: entry.demoModel(DEFAULT_WORLD),
}));

const RUNS_PER_TYPE = 10_000;

/** A string that breaks the property's rule: wrong pattern, enum, or length. */
function invalidStringFor(rule: PropertyRule): fc.Arbitrary<string> {
  const breaksRule = (value: string): boolean =>
    // Any string breaks a property that is not a string (a list, an object, a boolean, an integer).
    (rule.type !== undefined && rule.type !== 'string') ||
    (rule.pattern !== undefined && !new RegExp(rule.pattern, 'u').test(value)) ||
    (rule.enum !== undefined && !rule.enum.includes(value)) ||
    (rule.minLength !== undefined && [...value].length < rule.minLength) ||
    (rule.maxLength !== undefined && [...value].length > rule.maxLength);
  return fc
    .oneof(
      fc.string(),
      fc.string({ unit: 'grapheme', maxLength: 64 }),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 64 }),
      fc.string({ minLength: 2_000, maxLength: 20_000 }),
      // ARNs of another partition or service, and near-misses of the real shapes.
      fc.constantFrom(
        'arn:azure:sso:::instance/ssoins-72230b9a8e8e8b7a',
        'arn:aws-toolongpartition:sso:::instance/ssoins-72230b9a8e8e8b7a',
        'arn:aws:iam:::instance/ssoins-72230b9a8e8e8b7a',
        'arn:aws:sso:::permissionSet/ssoins-72230b9a8e8e8b7a/ps-short',
        'arn:aws:sso::123456789012:application/ssoins-72230b9a8e8e8b7a/apl-1a2b3c4d',
        ' arn:aws:sso:::instance/ssoins-72230b9a8e8e8b7a',
        'arn:aws:sso:::instance/ssoins-72230b9a8e8e8b7a\n',
        '12345678901',
        '1234567890123',
        '１２３４５６７８９０１２',
        'user',
        'AWS_ACCOUNT ',
        '',
      ),
    )
    .filter(breaksRule);
}

const wrongTypedValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

type Mutation = {
  kind: 'remove' | 'wrong-type' | 'invalid-string' | 'null' | 'extra';
  property: string;
  value?: unknown;
};

/** Whether `value` already has the JSON type `type` (then it is no wrong-typed value for it). */
function hasType(type: string | undefined, value: unknown): boolean {
  switch (type) {
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    default:
      return false;
  }
}

function mutations(type: TypeUnderTest): fc.Arbitrary<Mutation> {
  // Read-only properties are the handlers' to answer, not the template's to break.
  const readOnly = new Set(
    (type.entry.schema.readOnlyProperties ?? []).map((pointer) => pointer.replace(/^\/properties\//, '')),
  );
  const names = Object.keys(type.properties).filter((name) => !readOnly.has(name));
  const known = new Set(names);
  const extraName = fc
    .oneof(
      fc.string({ minLength: 1, maxLength: 30 }),
      fc.constantFrom('__proto__', 'constructor', 'toString', 'instanceArn', 'Tags'),
    )
    .filter((name) => !known.has(name));
  return fc.oneof(
    fc.constantFrom(...type.required).map((property): Mutation => ({ kind: 'remove', property })),
    fc.constantFrom(...type.required).map((property): Mutation => ({ kind: 'null', property })),
    fc
      .constantFrom(...names)
      .chain((property) =>
        wrongTypedValue
          .filter((value) => !hasType(type.properties[property].type, value))
          .map((value): Mutation => ({ kind: 'wrong-type', property, value })),
      ),
    fc.constantFrom(...names).chain((property) =>
      invalidStringFor(type.properties[property]).map((value): Mutation => ({
        kind: 'invalid-string',
        property,
        value,
      })),
    ),
    fc.tuple(extraName, fc.oneof(fc.string(), wrongTypedValue)).map(([property, value]): Mutation => ({
      kind: 'extra',
      property,
      value,
    })),
  );
}

function apply(model: Readonly<Record<string, unknown>>, mutation: Mutation): Record<string, unknown> {
  if (mutation.kind === 'remove') {
    return Object.fromEntries(Object.entries(model).filter(([name]) => name !== mutation.property));
  }
  const mutated: Record<string, unknown> = { ...model };
  if (mutation.kind === 'null') mutated[mutation.property] = null;
  // An own property even for '__proto__', as JSON.parse creates it from a request body.
  else
    Object.defineProperty(mutated, mutation.property, {
      value: mutation.value,
      enumerable: true,
      writable: true,
    });
  return mutated;
}

const sso = mockClient(SSOAdminClient);
/** The state table's client: a type that keeps state must not reach it either. */
const dynamodb = mockClient(DynamoDBClient);

/**
 * The actions whose validation a mutation must trip. READ and DELETE receive, and validate, only the primary
 * identifier (the handler contract): a mutation of another property, or an extra one where the identifier is
 * not the whole model, is CREATE's to reject (for a type whose identifier is every property, all three).
 */
function actionsFor(type: TypeUnderTest, mutation: Mutation): ('CREATE' | 'READ' | 'DELETE')[] {
  const identifier = type.entry.primaryIdentifier.map((pointer) => pointer.replace(/^\/properties\//, ''));
  const wholeModel = Object.keys(type.properties).every((name) => identifier.includes(name));
  const validatedByAll =
    mutation.kind === 'extra' ? wholeModel : identifier.includes(mutation.property) || wholeModel;
  return validatedByAll ? ['CREATE', 'READ', 'DELETE'] : ['CREATE'];
}

beforeAll(() => {
  // The lib's console logging would dominate this test's time and output.
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterAll(() => {
  jest.restoreAllMocks();
  sso.restore();
  dynamodb.restore();
});

describe.each(TYPES)('$typeName', (type) => {
  let entrypoint: HandlerModule['entrypoint'];
  beforeAll(async () => {
    ({ entrypoint } = await type.entry.loadHandlers());
  });

  test(`${RUNS_PER_TYPE} hostile models: InvalidRequest naming the property, zero AWS calls`, async () => {
    const cases = mutations(type).chain((mutation) =>
      fc.constantFrom(...actionsFor(type, mutation)).map((action) => [mutation, action] as const),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ([mutation, action]) => {
        // History only: a full reset per run adds sinon fakes until it warns of a leak.
        sso.resetHistory();
        dynamodb.resetHistory();
        const properties = apply(type.validModel, mutation);
        const response = asProgress(
          await entrypoint(
            handlerRequest(action, properties, { resourceType: type.typeName }),
            LAMBDA_CONTEXT,
          ),
        );
        expect(response.status).toBe('FAILED');
        expect(response.errorCode).toBe('InvalidRequest');
        expect(response.message).toContain(`Property ${mutation.property}`);
        expect(sso.calls()).toHaveLength(0);
        expect(dynamodb.calls()).toHaveLength(0);
      }),
      { numRuns: RUNS_PER_TYPE },
    );
  });

  test('properties that are not an object at all are InvalidRequest too', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string(), fc.integer(), fc.array(fc.anything()), fc.constant(null)),
        async (value) => {
          // History only: a full reset per run adds sinon fakes until it warns of a leak.
          sso.resetHistory();
          const response = asProgress(
            await entrypoint(
              handlerRequest('CREATE', value, { resourceType: type.typeName }),
              LAMBDA_CONTEXT,
            ),
          );
          expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
          expect(sso.calls()).toHaveLength(0);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('hostile request envelopes never crash the entrypoint', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (event) => {
        // History only: a full reset per run adds sinon fakes until it warns of a leak.
        sso.resetHistory();
        const response = asProgress(await entrypoint(event, LAMBDA_CONTEXT));
        expect(response.status).toBe('FAILED');
        expect(response.errorCode).not.toBe('InternalFailure');
        expect(sso.calls()).toHaveLength(0);
      }),
      { numRuns: 500 },
    );
  });
});

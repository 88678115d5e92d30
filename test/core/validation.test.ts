import { compileValidators } from '../../dev/generate/validators';
import { SchemaValidator } from '../../src/core/validation';

// Compiled here from the same input schemas `npm run generate` precompiles for the handlers.
const validators = compileValidators({
  properties: {
    Name: { type: 'string', minLength: 2, maxLength: 5, pattern: '^[a-z]+$' },
    Kind: { type: 'string', enum: ['A', 'B'] },
  },
  required: ['Name', 'Kind'],
  handlers: { list: { handlerSchema: { required: ['Kind'] } } },
});
const validator = new SchemaValidator('Test::Type', validators);

function messageOf(result: ReturnType<SchemaValidator['validateModel']>): string {
  return result.valid ? '' : result.message;
}

test('a valid model passes', () => {
  expect(validator.validateModel({ Name: 'abc', Kind: 'A' })).toEqual({ valid: true });
});

test.each([
  [{ Kind: 'A' }, 'Property Name is required'],
  [{ Name: 'abc', Kind: 'A', Extra: 1 }, 'Property Extra is not defined by the schema'],
  [{ Name: 3, Kind: 'A' }, 'Property Name must be of type string'],
  [{ Name: 'ABC', Kind: 'A' }, 'Property Name must match the pattern ^[a-z]+$'],
  [{ Name: 'a', Kind: 'A' }, 'Property Name must be at least 2 characters long'],
  [{ Name: 'abcdefg', Kind: 'A' }, 'Property Name must be at most 5 characters long'],
  [{ Name: 'abc', Kind: 'C' }, 'Property Kind must be one of: A, B'],
  [null, 'The resource properties must be of type object'],
  [['Name'], 'The resource properties must be of type object'],
])('%j is rejected: %s', (properties, expected) => {
  const message = messageOf(validator.validateModel(properties));
  expect(message).toContain(expected);
  expect(message).toContain('Invalid Test::Type properties');
});

test('every broken rule is reported, once', () => {
  const message = messageOf(validator.validateModel({ Name: 'A', Extra: true }));
  expect(message).toContain('Property Kind is required');
  expect(message).toContain('Property Extra is not defined');
  expect(message).toContain('Property Name must match');
  expect(message.split('Property Kind is required')).toHaveLength(2);
});

test('list input needs only the handlerSchema required properties but checks those present', () => {
  expect(validator.validateListInput({ Kind: 'B' })).toEqual({ valid: true });
  expect(messageOf(validator.validateListInput({ Name: 'abc' }))).toContain('Property Kind is required');
  expect(messageOf(validator.validateListInput({ Kind: 'B', Name: '1' }))).toContain(
    'Property Name must match',
  );
  expect(messageOf(validator.validateListInput({ Kind: 'B', Other: 1 }))).toContain('Property Other');
});

test('huge and unicode strings are rejected by their rule, not by a crash', () => {
  expect(messageOf(validator.validateModel({ Name: 'x'.repeat(1_000_000), Kind: 'A' }))).toContain(
    'at most 5',
  );
  expect(messageOf(validator.validateModel({ Name: 'ab\u{1F600}', Kind: 'A' }))).toContain('must match');
});

test('a rule without its own wording is named with its parameters (the generated code carries no message text)', () => {
  const stepped = new SchemaValidator(
    'Test::Type',
    compileValidators({ properties: { Size: { type: 'integer', multipleOf: 5 } }, required: ['Size'] }),
  );
  expect(messageOf(stepped.validateModel({ Size: 7 }))).toContain(
    'Property Size breaks the schema rule multipleOf {"multipleOf":5}',
  );
});

import type { ErrorObject } from 'ajv';

/**
 * A validation function as Ajv generates it (precompiled at `npm run generate`, see src/<type>/validators.ts):
 * true when valid, otherwise the reasons in `errors`.
 */
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

export interface CompiledValidators {
  /** CREATE and UPDATE: every schema rule. */
  readonly model: CompiledValidator;
  /** READ and DELETE: the primary identifier required (all CloudFormation sends), every present property checked. */
  readonly identifier: CompiledValidator;
  /** LIST: the list handlerSchema's required properties; every present property checked against its rule. */
  readonly list: CompiledValidator;
}

export type ValidationResult = { valid: true } | { valid: false; message: string };

/** `Principals.0.PrincipalId` from the JSON pointer `/Principals/0/PrincipalId`. */
function propertyPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

function describe(error: ErrorObject): string {
  const property = propertyPath(error.instancePath);
  const subject = property ? `Property ${property}` : 'The resource properties';
  // required and additionalProperties report on the object: name the member, under the object's path.
  const member = (name: unknown) => `Property ${property ? `${property}.` : ''}${String(name)}`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${member(params.missingProperty)} is required`;
    case 'additionalProperties':
      return `${member(params.additionalProperty)} is not defined by the schema (additionalProperties is false)`;
    case 'type':
      return `${subject} must be of type ${String(params.type)}`;
    case 'pattern':
      return `${subject} must match the pattern ${String(params.pattern)}`;
    case 'minLength':
      return `${subject} must be at least ${String(params.limit)} characters long`;
    case 'maxLength':
      return `${subject} must be at most ${String(params.limit)} characters long`;
    case 'enum':
      return `${subject} must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'minItems':
      return `${subject} must have at least ${String(params.limit)} items (minItems)`;
    case 'maxItems':
      return `${subject} must have at most ${String(params.limit)} items (maxItems)`;
    case 'uniqueItems':
      // Ajv names the first duplicate pair it finds: the earlier index is j.
      return `${subject} must not contain duplicates (uniqueItems): items ${String(params.j)} and ${String(params.i)} are identical`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${subject} must be ${String(params.comparison)} ${String(params.limit)} (${error.keyword})`;
    case 'minProperties':
    case 'maxProperties':
      return `${subject} must have ${error.keyword === 'minProperties' ? 'at least' : 'at most'} ${String(params.limit)} properties (${error.keyword})`;
    default:
      // The precompiled validators carry no message text (Ajv's `messages: false` keeps them small): name the
      // rule and its parameters instead.
      return `${subject} breaks the schema rule ${error.keyword} ${JSON.stringify(params)}`;
  }
}

/**
 * Validates the properties CloudFormation sends against the registered schema, before any AWS call.
 * CloudFormation validates templates itself, but `cfn test`, SAM invokes and direct registry calls do not,
 * and the runtime lib silently drops unknown properties and nulls when it builds the model.
 */
export class SchemaValidator {
  constructor(
    private readonly typeName: string,
    private readonly validators: CompiledValidators,
  ) {}

  /** A model for CREATE and UPDATE: every schema rule applies. */
  validateModel(properties: unknown): ValidationResult {
    return this.run(this.validators.model, properties);
  }

  /** READ and DELETE input: the primary identifier, and any other property CloudFormation passes, checked. */
  validateIdentifier(properties: unknown): ValidationResult {
    return this.run(this.validators.identifier, properties);
  }

  /**
   * LIST input: the list handlerSchema's required properties, each present property checked against its
   * rule. Other schema properties are accepted (contract tests pass the whole created model to LIST).
   */
  validateListInput(properties: unknown): ValidationResult {
    return this.run(this.validators.list, properties);
  }

  private run(validate: CompiledValidator, properties: unknown): ValidationResult {
    if (validate(properties)) return { valid: true };
    const messages = [...new Set((validate.errors ?? []).map(describe))];
    return { valid: false, message: `Invalid ${this.typeName} properties: ${messages.join('; ')}` };
  }
}

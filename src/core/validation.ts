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
  /** CREATE, READ and DELETE: every schema rule. */
  readonly model: CompiledValidator;
  /** LIST: the list handlerSchema's required properties; every present property checked against its rule. */
  readonly list: CompiledValidator;
}

export type ValidationResult = { valid: true } | { valid: false; message: string };

function describe(error: ErrorObject): string {
  const property = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const subject = property ? `Property ${property}` : 'The resource properties';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `Property ${String(params.missingProperty)} is required`;
    case 'additionalProperties':
      return `Property ${String(params.additionalProperty)} is not defined by the schema (additionalProperties is false)`;
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
    default:
      return `${subject} ${error.message ?? 'is invalid'}`;
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

  /** A model for CREATE, READ and DELETE: every schema rule applies. */
  validateModel(properties: unknown): ValidationResult {
    return this.run(this.validators.model, properties);
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

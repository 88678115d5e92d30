import Ajv, { ErrorObject, ValidateFunction } from 'ajv';

/** The parts of a resource schema that describe valid input. */
export interface ValidatableSchema {
  readonly typeName: string;
  readonly properties: Readonly<Record<string, object>>;
  readonly required?: readonly string[];
  readonly definitions?: Readonly<Record<string, object>>;
  readonly handlers?: {
    readonly list?: { readonly handlerSchema?: { readonly required?: readonly string[] } };
  };
}

export type ValidationResult = { valid: true } | { valid: false; message: string };

type Mode = 'model' | 'list';

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
  private readonly ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  private readonly compiled = new Map<Mode, ValidateFunction>();

  constructor(private readonly schema: ValidatableSchema) {}

  /** A model for CREATE, READ and DELETE: every schema rule applies. */
  validateModel(properties: unknown): ValidationResult {
    return this.run('model', properties);
  }

  /**
   * LIST input: the list handlerSchema's required properties, each present property checked against its
   * rule. Other schema properties are accepted (contract tests pass the whole created model to LIST).
   */
  validateListInput(properties: unknown): ValidationResult {
    return this.run('list', properties);
  }

  private run(mode: Mode, properties: unknown): ValidationResult {
    const validate = this.validatorFor(mode);
    if (validate(properties)) return { valid: true };
    const messages = [...new Set((validate.errors ?? []).map(describe))];
    return { valid: false, message: `Invalid ${this.schema.typeName} properties: ${messages.join('; ')}` };
  }

  private validatorFor(mode: Mode): ValidateFunction {
    let validate = this.compiled.get(mode);
    if (!validate) {
      const required =
        mode === 'model' ? this.schema.required : this.schema.handlers?.list?.handlerSchema?.required;
      validate = this.ajv.compile({
        type: 'object',
        properties: this.schema.properties,
        definitions: this.schema.definitions ?? {},
        required: [...(required ?? [])],
        additionalProperties: false,
      });
      this.compiled.set(mode, validate);
    }
    return validate;
  }
}

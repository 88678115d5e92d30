/**
 * The parts of a CloudFormation resource provider schema (schema/meta/provider.definition.schema.v1.json)
 * that the registration templates and the docs are generated from.
 */
export interface RegistryPropertySchema {
  type?: string | string[];
  description?: string;
  enum?: (string | number | boolean)[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  insertionOrder?: boolean;
  default?: unknown;
  items?: RegistryPropertySchema;
  $ref?: string;
  /** An object's own properties (inline, or in a definition), and which of them are required. */
  properties?: Record<string, RegistryPropertySchema>;
  required?: string[];
}

export interface RegistryHandler {
  permissions: string[];
  timeoutInMinutes?: number;
}

export interface RegistrySchema {
  typeName: string;
  description?: string;
  /** Object types the properties refer to with `$ref: #/definitions/<Name>`. */
  definitions?: Record<string, RegistryPropertySchema>;
  properties: Record<string, RegistryPropertySchema>;
  required?: string[];
  primaryIdentifier: string[];
  createOnlyProperties?: string[];
  readOnlyProperties?: string[];
  writeOnlyProperties?: string[];
  handlers?: Record<string, RegistryHandler>;
  /** The type configuration's properties, set per account and Region with SetTypeConfiguration. */
  typeConfiguration?: { properties?: Record<string, RegistryPropertySchema & { default?: unknown }> };
}

/**
 * The `StateTable` type configuration property of a type that keeps state in DynamoDB (the assignment group),
 * or undefined for a type without one.
 */
export function stateTableSetting(schema: RegistrySchema): RegistryPropertySchema | undefined {
  return schema.typeConfiguration?.properties?.StateTable;
}

/** `/properties/Name` -> `Name`; nested pointers are not used by these schemas. */
export function propertyNameOf(pointer: string): string {
  const parts = pointer.split('/');
  if (parts.length !== 3 || parts[1] !== 'properties') {
    throw new Error(`generate: nested property pointer ${pointer} is not supported`);
  }
  return parts[2];
}

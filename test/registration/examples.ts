// The example templates (examples/*.yaml) and the check of their resources' properties against the schemas.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { RegistrySchema } from '../../dev/generate/registry-schema';
import { RESOURCE_TYPES } from '../../dev/types';
import {
  type CloudFormationTemplate,
  isIntrinsic,
  readTemplate,
  type TemplateNode,
} from './cloudformation-yaml';

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');

const schemas = RESOURCE_TYPES.map(
  ({ schemaFile }) => JSON.parse(readFileSync(path.join(ROOT, schemaFile), 'utf8')) as RegistrySchema,
);

/** Examples use the private name the type is registered under: same service and resource, own namespace. */
export function schemaForType(type: string): RegistrySchema | undefined {
  const [namespace, ...rest] = type.split('::');
  if (namespace === 'AWS') return undefined;
  return schemas.find((schema) => schema.typeName.split('::').slice(1).join('::') === rest.join('::'));
}

const exampleFiles = readdirSync(EXAMPLES).filter((file) => file.endsWith('.yaml'));
export const templates: [string, CloudFormationTemplate][] = exampleFiles.map((file) => [
  file,
  readTemplate(path.join(EXAMPLES, file)),
]);

/** Problems with one resource's properties, checked against the type's schema. */
export function propertyProblems(
  template: CloudFormationTemplate,
  schema: RegistrySchema,
  properties: Record<string, TemplateNode>,
) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const problems: string[] = [];
  for (const name of schema.required ?? []) {
    if (!(name in properties)) problems.push(`missing required ${name}`);
  }
  for (const [name, value] of Object.entries(properties)) {
    const propertySchema = schema.properties[name];
    if (!propertySchema) {
      problems.push(`unknown property ${name}`);
      continue;
    }
    if (!isIntrinsic(value)) {
      // A literal must satisfy the schema as the handler will see it.
      if (!ajv.validate(propertySchema, value)) problems.push(`${name}: ${ajv.errorsText()}`);
      continue;
    }
    const reference = (value as { Ref?: string }).Ref;
    const parameter = reference ? template.Parameters?.[reference] : undefined;
    // A parameter's AllowedPattern must be the schema's, so a bad value fails before the handler runs.
    if (parameter?.AllowedPattern !== undefined && parameter.AllowedPattern !== propertySchema.pattern) {
      problems.push(`${name}: parameter ${reference} AllowedPattern differs from the schema pattern`);
    }
    if (parameter?.Default !== undefined && !ajv.validate(propertySchema, parameter.Default)) {
      problems.push(`${name}: default of ${reference}: ${ajv.errorsText()}`);
    }
  }
  return problems;
}

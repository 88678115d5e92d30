// The example templates (examples/*.yaml) and the check of their resources' properties against the schemas.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { RegistrySchema } from '../../dev/generate/registry-schema';
import {
  type CloudFormationTemplate,
  isIntrinsic,
  readTemplate,
  type TemplateNode,
} from './cloudformation-yaml';

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The schema of every type project in the repository, registered or not yet: a folder holding a
 * `.rpdk-config` (the root, and each type's folder), whose schema is the JSON file there declaring the
 * config's typeName. An example may so show a type whose handlers are still being written.
 */
function projectSchemas(): RegistrySchema[] {
  const folders = [
    ROOT,
    ...readdirSync(ROOT, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules')
      .map((entry) => path.join(ROOT, entry.name)),
  ].filter((folder) => existsSync(path.join(folder, '.rpdk-config')));
  return folders.flatMap((folder) => {
    const config = readJson(path.join(folder, '.rpdk-config'));
    const typeName = isRecord(config) ? config.typeName : undefined;
    return readdirSync(folder)
      .filter((file) => file.endsWith('.json') && !file.startsWith('package'))
      .map((file) => readJson(path.join(folder, file)))
      .filter(
        (schema): schema is RegistrySchema =>
          isRecord(schema) && schema.typeName === typeName && isRecord(schema.properties),
      );
  });
}

const schemas = projectSchemas();

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

/** A JSON Schema node as the resource schemas write them: the keywords the walk below follows. */
interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  pattern?: string;
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
}

/** `#/definitions/Name` resolved against the resource schema's definitions (the only $ref form they use). */
function resolved(
  node: SchemaNode | undefined,
  definitions: Record<string, SchemaNode>,
): SchemaNode | undefined {
  if (node?.$ref === undefined) return node;
  return resolved(definitions[node.$ref.replace(/^#\/definitions\//, '')], definitions);
}

/** The schema of the value at a JSON pointer inside a property (`/0/TargetIds` in Targets). */
function schemaAt(
  node: SchemaNode | undefined,
  segments: string[],
  definitions: Record<string, SchemaNode>,
): SchemaNode | undefined {
  const here = resolved(node, definitions);
  if (segments.length === 0 || here === undefined) return here;
  const [segment, ...rest] = segments;
  const child = /^\d+$/.test(segment) ? here.items : here.properties?.[segment];
  return schemaAt(child, rest, definitions);
}

interface IntrinsicSite {
  pointer: string;
  node: TemplateNode;
}

/**
 * The literal as the schema can check it: each intrinsic (decided at deployment) replaced by a placeholder
 * named after it, so list rules still hold (the same `!Ref` twice is a duplicate, as it will be once
 * deployed), and errors at the placeholders are left to the intrinsic's own check.
 */
function withPlaceholders(node: TemplateNode, pointer: string, sites: IntrinsicSite[]): TemplateNode {
  if (isIntrinsic(node)) {
    sites.push({ pointer, node });
    return `\u0000deployment-time ${JSON.stringify(node)}`;
  }
  if (Array.isArray(node))
    return node.map((item, index) => withPlaceholders(item, `${pointer}/${index}`, sites));
  if (typeof node === 'object' && node !== null) {
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) => [key, withPlaceholders(value, `${pointer}/${key}`, sites)]),
    );
  }
  return node;
}

/** A parameter's Default as the handler receives it: list parameters are comma-separated strings. */
function defaultValue(parameterType: string, value: TemplateNode): TemplateNode {
  const isList = parameterType === 'CommaDelimitedList' || parameterType.startsWith('List<');
  return isList && typeof value === 'string' ? value.split(',').map((item) => item.trim()) : value;
}

/** Problems with one resource's properties, checked against the type's schema. */
export function propertyProblems(
  template: CloudFormationTemplate,
  schema: RegistrySchema,
  properties: Record<string, TemplateNode>,
) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const { definitions = {} } = schema as RegistrySchema & { definitions?: Record<string, SchemaNode> };
  const problems: string[] = [];
  for (const name of schema.required ?? []) {
    if (!(name in properties)) problems.push(`missing required ${name}`);
  }
  for (const [name, value] of Object.entries(properties)) {
    const propertySchema = schema.properties[name] as SchemaNode | undefined;
    if (!propertySchema) {
      problems.push(`unknown property ${name}`);
      continue;
    }
    const root = { ...propertySchema, definitions };
    // A literal (intrinsics aside) must satisfy the schema as the handler will see it.
    const sites: IntrinsicSite[] = [];
    const literal = withPlaceholders(value, '', sites);
    const atIntrinsic = (error: ErrorObject) =>
      sites.some(
        ({ pointer }) => error.instancePath === pointer || error.instancePath.startsWith(`${pointer}/`),
      );
    if (!ajv.validate(root, literal)) {
      const errors = (ajv.errors ?? []).filter((error) => !atIntrinsic(error));
      if (errors.length > 0) problems.push(`${name}: ${ajv.errorsText(errors)}`);
    }
    for (const { pointer, node } of sites) {
      const where = `${name}${pointer}`;
      const reference = (node as { Ref?: string }).Ref;
      const parameter = reference ? template.Parameters?.[reference] : undefined;
      const valueSchema = schemaAt(propertySchema, pointer.split('/').slice(1), definitions);
      if (!parameter || !valueSchema) continue;
      // A list parameter's AllowedPattern applies to each item (CommaDelimitedList).
      const itemSchema =
        valueSchema.type === 'array' ? resolved(valueSchema.items, definitions) : valueSchema;
      // A parameter's AllowedPattern must be the schema's, or one alternative of it, so a bad value fails before
      // the handler runs (an OU parameter takes one of the ID kinds a target's `^(account|ou|root)$` accepts).
      if (
        parameter.AllowedPattern !== undefined &&
        !patternAlternatives(itemSchema?.pattern).includes(parameter.AllowedPattern)
      ) {
        problems.push(`${where}: parameter ${reference} AllowedPattern differs from the schema pattern`);
      }
      if (
        parameter.Default !== undefined &&
        !ajv.validate({ ...valueSchema, definitions }, defaultValue(parameter.Type, parameter.Default))
      ) {
        problems.push(`${where}: default of ${reference}: ${ajv.errorsText()}`);
      }
    }
  }
  return problems;
}

/**
 * A schema pattern and, when it is one anchored alternation `^(a|b|c)$` at the top level, each alternative as an
 * anchored pattern of its own (`^a$`, `^b$`, `^c$`): every one of them accepts only values the schema accepts.
 */
export function patternAlternatives(pattern: string | undefined): string[] {
  if (pattern === undefined) return [];
  const group = /^\^\((.*)\)\$$/.exec(pattern)?.[1];
  if (group === undefined) return [pattern];
  const alternatives: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < group.length; index += 1) {
    const char = group[index];
    if (char === '\\') index += 1;
    else if (char === '(' || char === '[') depth += 1;
    else if (char === ')' || char === ']') {
      depth -= 1;
      // The opening parenthesis closed early: the group does not enclose the whole pattern (`^(a)|(b)$`).
      if (depth < 0) return [pattern];
    } else if (char === '|' && depth === 0) {
      alternatives.push(group.slice(start, index));
      start = index + 1;
    }
  }
  alternatives.push(group.slice(start));
  if (depth !== 0) return [pattern];
  return [pattern, ...alternatives.map((alternative) => `^${alternative}$`)];
}

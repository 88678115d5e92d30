import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { RegistrySchema } from '../../dev/generate/registry-schema';
import { RESOURCE_TYPES } from '../../dev/types';
import {
  CloudFormationTemplate,
  isIntrinsic,
  readTemplate,
  TemplateNode,
  unresolvedReferences,
} from './cloudformation-yaml';

const ROOT = path.resolve(__dirname, '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');

const schemas = RESOURCE_TYPES.map(
  ({ schemaFile }) => JSON.parse(readFileSync(path.join(ROOT, schemaFile), 'utf8')) as RegistrySchema,
);

/** Examples use the private name the type is registered under: same service and resource, own namespace. */
function schemaForType(type: string): RegistrySchema | undefined {
  const [namespace, ...rest] = type.split('::');
  if (namespace === 'AWS') return undefined;
  return schemas.find((schema) => schema.typeName.split('::').slice(1).join('::') === rest.join('::'));
}

const exampleFiles = readdirSync(EXAMPLES).filter((file) => file.endsWith('.yaml'));
const templates: [string, CloudFormationTemplate][] = exampleFiles.map((file) => [
  file,
  readTemplate(path.join(EXAMPLES, file)),
]);

/** Problems with one resource's properties, checked against the type's schema. */
function propertyProblems(
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

describe.each(templates)('examples/%s', (_file, template) => {
  test('is a CloudFormation template whose references all resolve', () => {
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(typeof template.Description).toBe('string');
    expect(Object.keys(template.Resources).length).toBeGreaterThan(0);
    for (const resource of Object.values(template.Resources)) expect(typeof resource.Type).toBe('string');
    expect(unresolvedReferences(template)).toEqual([]);
  });

  test('declares our types under a private name, with properties valid against their schemas', () => {
    const ours = Object.entries(template.Resources).filter(([, resource]) => schemaForType(resource.Type));
    expect(ours.length).toBeGreaterThan(0);
    for (const [logicalId, resource] of ours) {
      const schema = schemaForType(resource.Type) as RegistrySchema;
      expect([logicalId, propertyProblems(template, schema, resource.Properties ?? {})]).toEqual([
        logicalId,
        [],
      ]);
    }
  });
});

describe('the examples together', () => {
  const assignments = templates.flatMap(([file, template]) =>
    Object.values(template.Resources)
      .filter((resource) => resource.Type.endsWith('::SSO::Assignment') && !resource.Type.startsWith('AWS::'))
      .map((resource) => ({ file, properties: resource.Properties ?? {} })),
  );

  test('cover a user, a group, several accounts in one template and an application assignment', () => {
    expect(assignments.some(({ properties }) => properties.PrincipalType === 'USER')).toBe(true);
    expect(assignments.some(({ properties }) => properties.PrincipalType === 'GROUP')).toBe(true);
    const targetsPerFile = new Map<string, Set<string>>();
    for (const { file, properties } of assignments) {
      const targets = targetsPerFile.get(file) ?? new Set<string>();
      targets.add(JSON.stringify(properties.TargetId));
      targetsPerFile.set(file, targets);
    }
    expect(Math.max(...[...targetsPerFile.values()].map((targets) => targets.size))).toBeGreaterThanOrEqual(
      3,
    );
    const applicationAssignments = templates.flatMap(([, template]) =>
      Object.values(template.Resources).filter((resource) =>
        resource.Type.endsWith('::SSO::ApplicationAssignment'),
      ),
    );
    expect(applicationAssignments.length).toBeGreaterThan(0);
  });

  test('the property check rejects a wrong literal, an unknown property and a missing one', () => {
    const [, template] = templates.find(([file]) => file === 'user-assignment.yaml') ?? [];
    expect(template).toBeDefined();
    const schema = schemaForType('Org::SSO::Assignment') as RegistrySchema;
    const properties = { ...(template as CloudFormationTemplate).Resources.UserAccess.Properties };
    properties.PrincipalType = 'ROLE';
    properties.Colour = 'blue';
    delete properties.TargetId;
    expect(propertyProblems(template as CloudFormationTemplate, schema, properties)).toEqual([
      'missing required TargetId',
      expect.stringMatching(/^PrincipalType: .*allowed values/),
      'unknown property Colour',
    ]);
  });
});

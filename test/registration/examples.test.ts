import { RegistrySchema } from '../../dev/generate/registry-schema';
import { RESOURCE_TYPES, type ResourceTypeEntry } from '../../dev/types';
import { unresolvedReferences } from './cloudformation-yaml';
import { propertyProblems, schemaForType, templates } from './examples';

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

/** Whether a resource declares `entry`'s type under a private name (same service and resource). */
function declares(entry: ResourceTypeEntry, type: string): boolean {
  return schemaForType(type)?.typeName === entry.typeName;
}

test.each(RESOURCE_TYPES)('the examples declare $typeName under a private name', (entry) => {
  const declared = templates.flatMap(([, template]) =>
    Object.values(template.Resources).filter((resource) => declares(entry, resource.Type)),
  );
  expect(declared.length).toBeGreaterThan(0);
});

import { RegistrySchema } from '../../dev/generate/registry-schema';
import { RESOURCE_TYPES, type ResourceTypeEntry } from '../../dev/types';
import { unresolvedReferences } from './cloudformation-yaml';
import { patternAlternatives, propertyProblems, schemaForType, templates } from './examples';

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

test("a parameter may take one alternative of a schema's anchored alternation, and nothing looser", () => {
  const target = '^(\\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$';
  expect(patternAlternatives(target)).toEqual([
    target,
    '^\\d{12}$',
    '^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$',
    '^r-[0-9a-z]{4,32}$',
  ]);
  // Not one alternation over the whole pattern: only the pattern itself.
  expect(patternAlternatives('^(a)|(b)$')).toEqual(['^(a)|(b)$']);
  expect(patternAlternatives('^arn:aws(-[a-z]{1,5}){0,3}:sso$')).toEqual(['^arn:aws(-[a-z]{1,5}){0,3}:sso$']);
  expect(patternAlternatives(undefined)).toEqual([]);
});

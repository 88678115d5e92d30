// What the example templates show of account assignments, and the examples' property check on one of them.
import { resourceType } from '../../dev/types';
import { withOrganization } from '../../dev/package/type-name';
import type { CloudFormationTemplate } from '../registration/cloudformation-yaml';
import { propertyProblems, schemaForType, templates } from '../registration/examples';

const entry = resourceType('assignment');
const assignments = templates.flatMap(([file, template]) =>
  Object.values(template.Resources)
    .filter((resource) => resource.Type.endsWith('::SSO::Assignment') && !resource.Type.startsWith('AWS::'))
    .map((resource) => ({ file, properties: resource.Properties ?? {} })),
);

test('the examples assign a user, a group, and several accounts in one template', () => {
  expect(assignments.some(({ properties }) => properties.PrincipalType === 'USER')).toBe(true);
  expect(assignments.some(({ properties }) => properties.PrincipalType === 'GROUP')).toBe(true);
  const targetsPerFile = new Map<string, Set<string>>();
  for (const { file, properties } of assignments) {
    const targets = targetsPerFile.get(file) ?? new Set<string>();
    targets.add(JSON.stringify(properties.TargetId));
    targetsPerFile.set(file, targets);
  }
  expect(Math.max(...[...targetsPerFile.values()].map((targets) => targets.size))).toBeGreaterThanOrEqual(3);
});

test('the property check rejects a wrong literal, an unknown property and a missing one', () => {
  const [, template] = templates.find(([file]) => file === 'user-assignment.yaml') ?? [];
  expect(template).toBeDefined();
  const schema = schemaForType(withOrganization(entry.typeName, 'Org'));
  expect(schema?.typeName).toBe(entry.typeName);
  if (!schema) return;
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

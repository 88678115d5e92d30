// What examples/organisation-access.yaml shows of assignment groups, and the examples' property check on the
// group's nested properties (lists of objects whose fields are parameters, lists of GetAtt ARNs).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import schema from '../../assignment-group/aws-sso-assignmentgroup.json';
import { withOrganization } from '../../dev/package/type-name';
import { REPOSITORY_ROOT } from '../../dev/types';
import {
  type CloudFormationTemplate,
  parseTemplate,
  type TemplateNode,
  unresolvedReferences,
} from '../registration/cloudformation-yaml';
import { propertyProblems, schemaForType, templates } from '../registration/examples';

const FILE = 'organisation-access.yaml';
const TYPE = withOrganization(schema.typeName, 'Org');

function exampleTemplate(): CloudFormationTemplate {
  const found = templates.find(([file]) => file === FILE);
  if (!found) throw new Error(`examples/${FILE} is missing`);
  return found[1];
}

function groupsOf(template: CloudFormationTemplate) {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === TYPE);
}

test('the examples find the group schema from its project folder, before the type is registered', () => {
  expect(schemaForType(TYPE)?.typeName).toBe(schema.typeName);
  expect(schemaForType(schema.typeName.replace(/^[^:]+/, 'AWS'))).toBeUndefined();
});

test('organisation-access.yaml parses as CloudFormation, its references resolve, and its groups are valid', () => {
  // Parsed here from the file too, so the test does not depend on how the shared list was built.
  const template = parseTemplate(readFileSync(path.join(REPOSITORY_ROOT, 'examples', FILE), 'utf8'));
  expect(template).toEqual(exampleTemplate());
  expect(unresolvedReferences(template)).toEqual([]);
  const groups = groupsOf(template);
  expect(groups.length).toBeGreaterThanOrEqual(3);
  for (const [logicalId, resource] of groups) {
    expect([logicalId, propertyProblems(template, schema, resource.Properties ?? {})]).toEqual([
      logicalId,
      [],
    ]);
  }
});

test('it declares a team per group: administrators, developers with two permission sets, an on-call user', () => {
  const template = exampleTemplate();
  const groups = groupsOf(template).map(([, resource]) => resource.Properties ?? {});
  const principalTypes = (properties: Record<string, TemplateNode>) =>
    (properties.Principals as { PrincipalType: string }[]).map((principal) => principal.PrincipalType);
  /** The permission set names a group grants, through GetAtt on the template's AWS::SSO::PermissionSet. */
  const permissionSetNames = (properties: Record<string, TemplateNode>) =>
    (properties.PermissionSets as { 'Fn::GetAtt': [string, string] }[]).map(
      (arn) => template.Resources[arn['Fn::GetAtt'][0]].Properties?.Name,
    );
  expect(groups.map(permissionSetNames)).toEqual(
    expect.arrayContaining([
      ['AdministratorAccess'],
      ['ReadOnlyAccess', 'PowerUserAccess'],
      ['ReadOnlyAccess'],
    ]),
  );
  expect(groups.flatMap(principalTypes)).toEqual(expect.arrayContaining(['GROUP', 'USER']));
  // One group lets CloudFormation generate its Name; one lists more than one target.
  expect(groups.some((properties) => properties.Name === undefined)).toBe(true);
  expect(groups.some((properties) => (properties.Targets as unknown[]).length > 1)).toBe(true);
});

describe('the property check reaches inside lists and objects', () => {
  const template = exampleTemplate();
  const [, admins] = groupsOf(template).find(([, resource]) => resource.Properties?.Name !== undefined) ?? [];
  const properties = admins?.Properties ?? {};
  const principal = (properties.Principals as Record<string, TemplateNode>[])[0];

  test('a 13-digit account and a duplicate principal, given as literals', () => {
    const broken = {
      ...properties,
      Principals: [principal, principal],
      Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: ['2222333344445'] }],
    };
    expect(propertyProblems(template, schema, broken)).toEqual([
      expect.stringMatching(/^Principals: .*duplicate items/),
      expect.stringMatching(/^Targets: .*TargetIds\/0 must (NOT have more than 12 characters|match pattern)/),
    ]);
  });

  test('an unknown field of a principal, and a principal type the schema does not know', () => {
    const broken = { ...properties, Principals: [{ ...principal, PrincipalType: 'ROLE', Colour: 'blue' }] };
    const problems = propertyProblems(template, schema, broken);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^Principals: /);
    expect(problems[0]).toMatch(/must NOT have additional properties/);
    expect(problems[0]).toMatch(/must be equal to one of the allowed values/);
  });

  test("a nested parameter whose AllowedPattern is not the schema's, and a list default that breaks it", () => {
    const loose: CloudFormationTemplate = {
      ...template,
      Parameters: {
        ...template.Parameters,
        SharedServicesAccountIds: { Type: 'CommaDelimitedList', AllowedPattern: '^\\d+$', Default: '1234' },
        PlatformAdminsGroupId: { Type: 'String', AllowedPattern: '^.+$' },
      },
    };
    expect(propertyProblems(loose, schema, properties)).toEqual([
      'Principals/0/PrincipalId: parameter PlatformAdminsGroupId AllowedPattern differs from the schema pattern',
      'Targets/0/TargetIds: parameter SharedServicesAccountIds AllowedPattern differs from the schema pattern',
      expect.stringMatching(/^Targets\/0\/TargetIds: default of SharedServicesAccountIds: .*\/0 must/),
    ]);
  });

  test('while a list default of valid accounts, and the example as written, pass', () => {
    const withDefault: CloudFormationTemplate = {
      ...template,
      Parameters: {
        ...template.Parameters,
        SharedServicesAccountIds: {
          ...(template.Parameters?.SharedServicesAccountIds ?? { Type: 'CommaDelimitedList' }),
          Default: '222233334444, 333344445555',
        },
      },
    };
    expect(propertyProblems(withDefault, schema, properties)).toEqual([]);
  });
});

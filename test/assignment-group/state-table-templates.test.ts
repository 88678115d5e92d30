// The assignment group keeps its state in DynamoDB: its execution role may use the state table and nothing else
// in DynamoDB, and its StackSet registration template creates the table. The group is not in dev/types.ts yet,
// so these render its templates straight from its schema.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  renderRegisterTypeTemplate,
  renderResourceRole,
  STATE_TABLE_PARAMETER,
} from '../../dev/generate/registration';
import type { RegistrySchema } from '../../dev/generate/registry-schema';
import { REPOSITORY_ROOT } from '../../dev/types';
import { STATE_TABLE } from '../../dev/types';
import {
  parseTemplate,
  type CloudFormationTemplate,
  type TemplateNode,
  unresolvedReferences,
} from '../registration/cloudformation-yaml';
import { expectedExecutionStatements, STATE_TABLE_ARN } from '../registration/execution-policy';

const SCHEMA_FILE = 'assignment-group/aws-sso-assignmentgroup.json';
const schema = JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, SCHEMA_FILE), 'utf8')) as RegistrySchema;

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string[];
  Resource: TemplateNode;
}

function executionStatements(template: CloudFormationTemplate): Statement[] {
  const properties = template.Resources.ExecutionRole.Properties as unknown as {
    Policies: { PolicyDocument: { Statement: Statement[] } }[];
  };
  return properties.Policies.flatMap((policy) => policy.PolicyDocument.Statement);
}

const DYNAMODB_ACTIONS = [
  ...new Set(
    Object.values(schema.handlers ?? {})
      .flatMap((handler) => handler.permissions)
      .filter((action) => action.startsWith('dynamodb:')),
  ),
].sort();

const renderings: [string, CloudFormationTemplate][] = [
  ['resource-role.yaml', parseTemplate(renderResourceRole(schema, SCHEMA_FILE))],
  [
    'templates/register-type-assignment-group.yaml',
    parseTemplate(renderRegisterTypeTemplate(schema, 'assignment-group', SCHEMA_FILE)),
  ],
];

test('the schema declares DynamoDB actions and a StateTable whose default is the shared constant', () => {
  // Without these the checks below would pass vacuously.
  expect(DYNAMODB_ACTIONS).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem']));
  expect(schema.typeConfiguration?.properties?.StateTable).toMatchObject({
    default: STATE_TABLE.defaultName,
  });
});

describe.each(renderings)('%s of the assignment group', (_file, template) => {
  test('every DynamoDB action is granted on the state table only, never on *', () => {
    const statements = executionStatements(template);
    expect(statements).toEqual(expectedExecutionStatements(schema));
    const onTable = statements.filter((statement) => statement.Action.some((a) => a.startsWith('dynamodb:')));
    expect(onTable).toEqual([
      { Sid: 'StateTable', Effect: 'Allow', Action: DYNAMODB_ACTIONS, Resource: STATE_TABLE_ARN },
    ]);
    for (const statement of statements.filter((candidate) => candidate.Resource === '*')) {
      expect(statement.Action.filter((action) => action.startsWith('dynamodb:'))).toEqual([]);
    }
  });

  test('the table name is a parameter defaulting to the shared default, with the type configuration rules', () => {
    const parameter = template.Parameters?.[STATE_TABLE_PARAMETER] as
      | { Type: string; Default: string; AllowedPattern: string; MinLength: number; MaxLength: number }
      | undefined;
    expect(parameter).toMatchObject({
      Type: 'String',
      Default: STATE_TABLE.defaultName,
      MinLength: 3,
      MaxLength: 255,
    });
    const allowed = new RegExp(parameter?.AllowedPattern ?? '');
    expect(allowed.test(STATE_TABLE.defaultName)).toBe(true);
    expect(allowed.test('groups/with/slashes')).toBe(false);
    expect(unresolvedReferences(template)).toEqual([]);
  });
});

describe('the StackSet registration template', () => {
  const template = renderings[1][1];

  test('creates the state table: on-demand, point-in-time recovery, encrypted, keyed by GroupName, retained', () => {
    expect(template.Resources.StateTable).toEqual({
      Type: 'AWS::DynamoDB::Table',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        TableName: { Ref: STATE_TABLE_PARAMETER },
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: STATE_TABLE.partitionKey, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: STATE_TABLE.partitionKey, KeyType: 'HASH' }],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      },
    });
  });

  test('registers the type only once the table exists, and outputs the table', () => {
    expect(template.Resources.ResourceVersion.DependsOn).toBe('StateTable');
    expect(template.Outputs?.StateTableName).toEqual({ Value: { Ref: 'StateTable' } });
    expect(template.Outputs?.StateTableArn).toEqual({ Value: { 'Fn::GetAtt': 'StateTable.Arn' } });
  });
});

describe('types without a StateTable are unchanged', () => {
  const stateless: RegistrySchema = {
    ...schema,
    typeConfiguration: undefined,
  };

  test('DynamoDB actions stay with the others on *, and no table or parameter appears', () => {
    const role = parseTemplate(renderResourceRole(stateless));
    expect(role.Parameters).toBeUndefined();
    expect(executionStatements(role)).toHaveLength(1);
    expect(executionStatements(role)[0].Resource).toBe('*');
    const registration = parseTemplate(renderRegisterTypeTemplate(stateless, 'x', 'x.json'));
    expect(registration.Resources.StateTable).toBeUndefined();
    expect(registration.Parameters?.[STATE_TABLE_PARAMETER]).toBeUndefined();
    expect(registration.Resources.ResourceVersion.DependsOn).toBeUndefined();
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { defaultLogGroupName, loggingTemplate, templateToYaml } from '../../dev/generate/registration';
import { RegistrySchema } from '../../dev/generate/registry-schema';
import { RESOURCE_TYPES } from '../../dev/types';
import { parseTemplate, readTemplate, TemplateNode, unresolvedReferences } from './cloudformation-yaml';
import { expectedExecutionStatements, keepsState } from './execution-policy';

const ROOT = path.resolve(__dirname, '..', '..');

type Properties = Record<string, TemplateNode>;
interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: TemplateNode;
  Condition?: TemplateNode;
}

/** `typeName` under the organisation `organization`. */
function inOrganization(typeName: string, organization: string): string {
  return [organization, ...typeName.split('::').slice(1)].join('::');
}

function policyStatements(properties: Properties | undefined): Statement[] {
  const policies = (properties?.Policies ?? []) as unknown as {
    PolicyDocument: { Statement: Statement[] };
  }[];
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
}

describe.each(RESOURCE_TYPES)('templates/register-type-$packageName.yaml', (entry) => {
  const { schemaFile, packageName } = entry;
  const schema = JSON.parse(readFileSync(path.join(ROOT, schemaFile), 'utf8')) as RegistrySchema;
  const file = path.join(ROOT, 'templates', `register-type-${packageName}.yaml`);
  const template = readTemplate(file);
  const resources = template.Resources;

  test('declares the log group, both roles, the resource version and the default version', () => {
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(
      Object.fromEntries(Object.entries(resources).map(([name, resource]) => [name, resource.Type])),
    ).toEqual({
      LogGroup: 'AWS::Logs::LogGroup',
      LogDeliveryRole: 'AWS::IAM::Role',
      ...(keepsState(schema) ? { StateTable: 'AWS::DynamoDB::Table' } : {}),
      ExecutionRole: 'AWS::IAM::Role',
      ResourceVersion: 'AWS::CloudFormation::ResourceVersion',
      ResourceDefaultVersion: 'AWS::CloudFormation::ResourceDefaultVersion',
    });
    expect(unresolvedReferences(template)).toEqual([]);
  });

  test('registers the package with the execution role and logging config, then makes it the default', () => {
    expect(resources.ResourceVersion.Properties).toEqual({
      TypeName: { Ref: 'TypeName' },
      SchemaHandlerPackage: { Ref: 'PackageS3Url' },
      ExecutionRoleArn: { 'Fn::GetAtt': 'ExecutionRole.Arn' },
      LoggingConfig: {
        LogGroupName: { Ref: 'LogGroup' },
        LogRoleArn: { 'Fn::GetAtt': 'LogDeliveryRole.Arn' },
      },
    });
    expect(resources.ResourceDefaultVersion.Properties).toEqual({
      TypeVersionArn: { Ref: 'ResourceVersion' },
    });
  });

  test('the execution role has exactly the union of the schema handler permissions', () => {
    expect(policyStatements(resources.ExecutionRole.Properties)).toEqual(expectedExecutionStatements(schema));
  });

  test('both roles trust CloudFormation in the deploying account only; the execution role this type only', () => {
    const trust = (name: string) =>
      (resources[name].Properties?.AssumeRolePolicyDocument as { Statement: { Condition: Properties }[] })
        .Statement[0];
    const sourceAccount = { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } };
    expect(trust('LogDeliveryRole').Condition).toEqual({ StringEquals: sourceAccount });
    expect(trust('ExecutionRole').Condition).toEqual({
      StringEquals: sourceAccount,
      StringLike: {
        'aws:SourceArn': {
          'Fn::Sub': [
            'arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:type/resource/${TypeName}/*',
            { TypeName: { 'Fn::Join': ['-', { 'Fn::Split': ['::', { Ref: 'TypeName' }] }] } },
          ],
        },
      },
    });
  });

  test('the log delivery role may write only to its log group and its type metric namespace', () => {
    const statements = policyStatements(resources.LogDeliveryRole.Properties);
    const bySid = Object.fromEntries(statements.map((statement) => [statement.Sid, statement]));
    expect(bySid.WriteHandlerLogs.Resource).toEqual({ 'Fn::GetAtt': 'LogGroup.Arn' });
    expect(bySid.PublishHandlerMetrics.Action).toBe('cloudwatch:PutMetricData');
    expect(bySid.PublishHandlerMetrics.Condition).toEqual({
      StringEquals: {
        'cloudwatch:namespace': {
          'Fn::Sub': [
            'AWS/CloudFormation/${TypeName}',
            { TypeName: { 'Fn::Join': ['/', { 'Fn::Split': ['::', { Ref: 'TypeName' }] }] } },
          ],
        },
      },
    });
  });

  test('is StackSet-ready: no account ID, Region or bucket is written into it', () => {
    const deployed = JSON.stringify([template.Resources, template.Outputs]);
    expect(deployed).not.toMatch(/\d{12}/);
    expect(deployed).not.toMatch(/\b(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d\b/);
    expect(deployed).not.toMatch(/s3:\/\//);
    expect(template.Parameters?.TypeName.Default).toBeUndefined();
    expect(template.Parameters?.PackageS3Url.Default).toBeUndefined();
  });

  test('its parameter patterns accept private type names and s3 zip URLs, and reject others', () => {
    const parameters = template.Parameters ?? {};
    const typeName = new RegExp(parameters.TypeName.AllowedPattern ?? '');
    expect(typeName.test(inOrganization(entry.typeName, 'Org'))).toBe(true);
    expect(typeName.test('Org::SSO')).toBe(false);
    expect(typeName.test('Org::SSO::Assign-ment')).toBe(false);
    const packageUrl = new RegExp(parameters.PackageS3Url.AllowedPattern ?? '');
    expect(packageUrl.test(`s3://my-bucket/packages/${packageName}.zip`)).toBe(true);
    expect(packageUrl.test(`https://my-bucket.s3.amazonaws.com/${packageName}.zip`)).toBe(false);
  });
});

describe.each(RESOURCE_TYPES)('logging stack template of $typeName (npm run register)', (entry) => {
  const typeName = inOrganization(entry.typeName, 'Org');

  test('names the log group as given and outputs it with the log role', () => {
    const template = parseTemplate(templateToYaml(loggingTemplate(typeName, 'my-logs')));
    expect(template.Resources.LogGroup.Properties?.LogGroupName).toBe('my-logs');
    expect(template.Outputs).toEqual({
      LogGroupName: { Value: { Ref: 'LogGroup' } },
      LogRoleArn: { Value: { 'Fn::GetAtt': 'LogDeliveryRole.Arn' } },
    });
    const statements = policyStatements(template.Resources.LogDeliveryRole.Properties);
    const metrics = statements.find((statement) => statement.Sid === 'PublishHandlerMetrics');
    expect(metrics?.Condition).toEqual({
      StringEquals: { 'cloudwatch:namespace': `AWS/CloudFormation/${typeName.split('::').join('/')}` },
    });
    expect(unresolvedReferences(template)).toEqual([]);
  });

  test('the default log group is <Org-Service-Type>-logs, as cfn submit names it', () => {
    expect(defaultLogGroupName(typeName)).toBe(`${typeName.split('::').join('-')}-logs`);
  });

  test('YAML output keeps dates quoted and writes no aliases', () => {
    const yaml = templateToYaml(loggingTemplate(typeName, 'my-logs'));
    expect(yaml).toContain("AWSTemplateFormatVersion: '2010-09-09'");
    expect(yaml).not.toMatch(/[&*]a\d/);
  });
});

/**
 * CloudFormation templates for registering a resource type, built from its schema so that the execution
 * role can never drift from the schema's handler permissions.
 *
 * - `renderResourceRole(schema)`: `resource-role.yaml`, in the shape `cfn generate` writes
 *   (cloudformation-cli `src/rpdk/core/templates/resource-role.yml` and `Project.generate`).
 *   The package step calls it again with the schema re-stamped to the private type name.
 * - `renderRegisterTypeTemplate(schema)`: a StackSet-ready template that registers the type from an S3
 *   package (log group, log delivery role, execution role, ResourceVersion, ResourceDefaultVersion).
 * - `loggingTemplate(typeName, logGroupName)`: the log group and log delivery role on their own, which
 *   `npm run register` deploys when no log role is given.
 *
 * A type whose schema has a `StateTable` type configuration property (the assignment group) keeps its state in
 * that DynamoDB table: its execution role may use the table and nothing else in DynamoDB, and its registration
 * template creates the table. Both name it with the `StateTableName` parameter.
 */
import { Document, isScalar, visit } from 'yaml';
import { TYPE_NAME_PATTERN } from '../package/type-name';
import { hyphenated } from '../package/type-name';
import { STATE_TABLE } from '../types';
import { RegistrySchema, stateTableSetting } from './registry-schema';

/** A template value: a literal or an intrinsic function in its long (JSON) form. */
export type TemplateValue = string | number | boolean | TemplateValue[] | { [key: string]: TemplateValue };
export type Template = { [key: string]: TemplateValue };

/** The meta-schema's default handler timeout (schema/meta/provider.definition.schema.v1.json). */
const DEFAULT_HANDLER_TIMEOUT_MINUTES = 120;
/** IAM bounds for MaxSessionDuration: 1 to 12 hours (AWS::IAM::Role MaxSessionDuration). */
const MIN_SESSION_SECONDS = 3600;
const MAX_SESSION_SECONDS = 43200;
/** `cfn generate` allows 70 seconds of role session per minute of the longest handler timeout. */
const SESSION_SECONDS_PER_HANDLER_MINUTE = 70;

const CLOUDFORMATION_SERVICE = 'resources.cloudformation.amazonaws.com';

/** Every action any handler declares, sorted, without duplicates: the execution role's permissions. */
export function handlerPermissions(schema: RegistrySchema): string[] {
  const actions = new Set<string>();
  for (const [handler, { permissions }] of Object.entries(schema.handlers ?? {})) {
    for (const action of permissions) {
      if (action === '') continue;
      if (action.includes('*')) {
        throw new Error(
          `generate: ${schema.typeName} ${handler} handler permission ${action} has a wildcard`,
        );
      }
      actions.add(action);
    }
  }
  return [...actions].sort();
}

/** The role session must outlast the longest handler, as `cfn generate` computes it. */
export function roleSessionSeconds(schema: RegistrySchema): number {
  const timeouts = Object.values(schema.handlers ?? {}).map(
    (handler) => handler.timeoutInMinutes ?? DEFAULT_HANDLER_TIMEOUT_MINUTES,
  );
  const longest = timeouts.length === 0 ? DEFAULT_HANDLER_TIMEOUT_MINUTES : Math.max(...timeouts);
  const wanted = SESSION_SECONDS_PER_HANDLER_MINUTE * longest;
  return Math.min(MAX_SESSION_SECONDS, Math.max(MIN_SESSION_SECONDS, wanted));
}

/**
 * How a template spells the type name: literally (a role for one known name) or computed from the
 * `TypeName` parameter (a StackSet template whose type name is chosen at deployment).
 */
interface TypeNameForms {
  /** `Org-SSO-Assignment`, as in type ARNs. */
  hyphenated: TemplateValue;
  /** `Org/SSO/Assignment`, as in the handler metric namespace. */
  slashed: TemplateValue;
}

function literalTypeName(typeName: string): TypeNameForms {
  return { hyphenated: hyphenated(typeName), slashed: typeName.split('::').join('/') };
}

function parameterTypeName(parameter: string): TypeNameForms {
  const parts = { 'Fn::Split': ['::', { Ref: parameter }] };
  return { hyphenated: { 'Fn::Join': ['-', parts] }, slashed: { 'Fn::Join': ['/', parts] } };
}

/** `Fn::Sub` with `${TypeName}` bound to a value that may itself be an intrinsic. */
function subWithTypeName(text: string, typeName: TemplateValue): TemplateValue {
  if (typeof typeName === 'string') {
    const substituted = text.split('${TypeName}').join(typeName);
    return substituted.includes('${') ? { 'Fn::Sub': substituted } : substituted;
  }
  return { 'Fn::Sub': [text, { TypeName: typeName }] };
}

/**
 * Only CloudFormation acting for this account's registration of this type may assume the role
 * (confused-deputy protection, as in the CloudFormation CLI's resource-role.yml).
 */
function executionTrustPolicy(forms: TypeNameForms): TemplateValue {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: CLOUDFORMATION_SERVICE },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          StringLike: {
            'aws:SourceArn': subWithTypeName(
              'arn:${AWS::Partition}:cloudformation:${AWS::Region}:${AWS::AccountId}:type/resource/${TypeName}/*',
              forms.hyphenated,
            ),
          },
        },
      },
    ],
  };
}

/** The template parameter that names the state table (types with a StateTable type configuration). */
export const STATE_TABLE_PARAMETER = 'StateTableName';

/**
 * The state table's ARN, the only resource the handlers' DynamoDB actions may touch. DynamoDB table ARNs are
 * arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName} (Service Authorization Reference, Amazon
 * DynamoDB, resource types).
 */
const STATE_TABLE_ARN: TemplateValue = {
  'Fn::Sub': `arn:\${AWS::Partition}:dynamodb:\${AWS::Region}:\${AWS::AccountId}:table/\${${STATE_TABLE_PARAMETER}}`,
};

/** The handler actions that act on the state table. */
const STATE_TABLE_ACTION = /^dynamodb:/;

function stateTableParameter(schema: RegistrySchema, description: string): TemplateValue {
  const setting = stateTableSetting(schema) ?? {};
  // The schema's rules for the type configuration value (DynamoDB's table name rules), so a name the handlers
  // would refuse cannot be deployed.
  return {
    Type: 'String',
    Description: description,
    Default: STATE_TABLE.defaultName,
    ...(setting.pattern === undefined ? {} : { AllowedPattern: setting.pattern }),
    ...(setting.minLength === undefined ? {} : { MinLength: setting.minLength }),
    ...(setting.maxLength === undefined ? {} : { MaxLength: setting.maxLength }),
  };
}

/**
 * The handler permissions as policy statements: everything on `*` (SSO Admin has no resource-level scoping for
 * most of its actions), except a state-keeping type's DynamoDB actions, which get its table's ARN only.
 */
function executionPolicyStatements(schema: RegistrySchema): TemplateValue[] {
  const actions = handlerPermissions(schema);
  const onStateTable = stateTableSetting(schema)
    ? actions.filter((action) => STATE_TABLE_ACTION.test(action))
    : [];
  const elsewhere = actions.filter((action) => !onStateTable.includes(action));
  const statements: TemplateValue[] = [];
  if (elsewhere.length > 0) statements.push({ Effect: 'Allow', Action: elsewhere, Resource: '*' });
  if (onStateTable.length > 0) {
    statements.push({ Sid: 'StateTable', Effect: 'Allow', Action: onStateTable, Resource: STATE_TABLE_ARN });
  }
  // With no actions at all, deny everything rather than write an empty (invalid) statement, as cfn does.
  return statements.length > 0 ? statements : [{ Effect: 'Deny', Action: '*', Resource: '*' }];
}

function executionRoleResource(schema: RegistrySchema, forms: TypeNameForms): TemplateValue {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      MaxSessionDuration: roleSessionSeconds(schema),
      AssumeRolePolicyDocument: executionTrustPolicy(forms),
      Path: '/',
      Policies: [
        {
          PolicyName: 'ResourceTypePolicy',
          PolicyDocument: { Version: '2012-10-17', Statement: executionPolicyStatements(schema) },
        },
      ],
    },
  };
}

/** The `resource-role.yaml` template as an object. */
export function resourceRoleTemplate(schema: RegistrySchema): Template {
  const keepsState = stateTableSetting(schema) !== undefined;
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      `Execution role that CloudFormation assumes to run the ${schema.typeName} handlers. ` +
      'Its policy is exactly the union of the handler permissions in the resource schema' +
      (keepsState ? ', its DynamoDB actions on the state table only.' : '.'),
    ...(keepsState
      ? {
          Parameters: {
            [STATE_TABLE_PARAMETER]: stateTableParameter(
              schema,
              'The DynamoDB table the handlers keep their state in: the StateTable of the type configuration.',
            ),
          },
        }
      : {}),
    Resources: { ExecutionRole: executionRoleResource(schema, literalTypeName(schema.typeName)) },
    Outputs: { ExecutionRoleArn: { Value: { 'Fn::GetAtt': 'ExecutionRole.Arn' } } },
  };
}

/**
 * The state table as `npm run register` creates it: on-demand, point-in-time recovery, encrypted with the AWS
 * managed key, keyed by the group name. Kept when the stack is deleted or the table replaced: it holds which
 * assignments each group owns, which nothing else records.
 */
function stateTableResource(): TemplateValue {
  return {
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
  };
}

/**
 * The log group and the role CloudFormation assumes to deliver handler logs and metrics.
 * Actions follow what the handler library calls with these credentials: CloudWatch Logs
 * DescribeLogGroups/CreateLogGroup/CreateLogStream/PutLogEvents (cloudformation-cli-typescript-lib
 * dist/log-delivery.js) and CloudWatch PutMetricData in namespace `AWS/CloudFormation/<Org/Service/Type>`
 * (dist/metrics.js).
 */
function loggingResources(
  forms: TypeNameForms,
  logGroupName: TemplateValue,
  retention: TemplateValue,
): Template {
  return {
    LogGroup: {
      Type: 'AWS::Logs::LogGroup',
      Properties: { LogGroupName: logGroupName, RetentionInDays: retention },
    },
    LogDeliveryRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: CLOUDFORMATION_SERVICE },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ],
        },
        Path: '/',
        Policies: [
          {
            PolicyName: 'LogAndMetricsDelivery',
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Sid: 'FindLogGroup',
                  Effect: 'Allow',
                  Action: 'logs:DescribeLogGroups',
                  Resource: {
                    'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*',
                  },
                },
                {
                  Sid: 'WriteHandlerLogs',
                  Effect: 'Allow',
                  Action: [
                    'logs:CreateLogGroup',
                    'logs:CreateLogStream',
                    'logs:DescribeLogStreams',
                    'logs:PutLogEvents',
                  ],
                  Resource: { 'Fn::GetAtt': 'LogGroup.Arn' },
                },
                {
                  Sid: 'PublishHandlerMetrics',
                  Effect: 'Allow',
                  Action: 'cloudwatch:PutMetricData',
                  Resource: '*',
                  Condition: {
                    StringEquals: {
                      'cloudwatch:namespace': subWithTypeName(
                        'AWS/CloudFormation/${TypeName}',
                        forms.slashed,
                      ),
                    },
                  },
                },
              ],
            },
          },
        ],
      },
    },
  };
}

const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
const DEFAULT_LOG_RETENTION_DAYS = 90;

/** `<Org-Service-Type>-logs`, the log group name `cfn submit` uses (with the name's own case). */
export function defaultLogGroupName(typeName: string): string {
  return `${hyphenated(typeName)}-logs`;
}

/** The stand-alone logging stack `npm run register` deploys when no log role ARN is given. */
export function loggingTemplate(typeName: string, logGroupName: string): Template {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `Log group and log delivery role for the ${typeName} resource type handlers.`,
    Resources: loggingResources(literalTypeName(typeName), logGroupName, DEFAULT_LOG_RETENTION_DAYS),
    Outputs: {
      LogGroupName: { Value: { Ref: 'LogGroup' } },
      LogRoleArn: { Value: { 'Fn::GetAtt': 'LogDeliveryRole.Arn' } },
    },
  };
}

/**
 * Registers the type from an S3 package and makes the new version the default. No account, Region or
 * bucket is hard-coded, so one template serves every stack instance of a StackSet.
 */
export function registerTypeTemplate(schema: RegistrySchema, packageName: string): Template {
  const forms = parameterTypeName('TypeName');
  const keepsState = stateTableSetting(schema) !== undefined;
  const exampleName = ['Org', ...schema.typeName.split('::').slice(1)].join('::');
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      `Registers the ${schema.typeName} mirror as a private resource type from its S3 package ` +
      `(build/${packageName}.zip) and sets it as the default version. StackSet-ready.`,
    Parameters: {
      TypeName: {
        Type: 'String',
        Description:
          `Private name to register, for example ${exampleName}. It must be the name the package was ` +
          'built with (npm run package -- --type-name).',
        AllowedPattern: TYPE_NAME_PATTERN,
        ConstraintDescription: 'Three parts separated by "::", each 2-64 letters or digits.',
      },
      PackageS3Url: {
        Type: 'String',
        Description: `s3:// URL of build/${packageName}.zip, readable by every account that deploys this template.`,
        AllowedPattern: '^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+\\.zip$',
        ConstraintDescription: 'An s3://bucket/key.zip URL.',
      },
      LogRetentionInDays: {
        Type: 'Number',
        Description: 'How long CloudWatch Logs keeps the handler logs.',
        Default: DEFAULT_LOG_RETENTION_DAYS,
        AllowedValues: LOG_RETENTION_DAYS,
      },
      ...(keepsState
        ? {
            [STATE_TABLE_PARAMETER]: stateTableParameter(
              schema,
              // No template resource sets a resource type's configuration (SetTypeConfiguration is an API
              // call), so the handlers use the schema's default unless told otherwise.
              `The DynamoDB table the handlers keep their state in. The handlers use ${STATE_TABLE.defaultName} ` +
                'unless the type configuration says otherwise: with another name, also run aws cloudformation ' +
                'set-type-configuration --type-arn <TypeArn> --configuration \'{"StateTable":"<name>"}\' in ' +
                'every account and Region (npm run register -- --state-table does both).',
            ),
          }
        : {}),
    },
    Resources: {
      ...loggingResources(
        forms,
        { 'Fn::Join': ['-', [forms.hyphenated, 'logs']] },
        { Ref: 'LogRetentionInDays' },
      ),
      ...(keepsState ? { StateTable: stateTableResource() } : {}),
      ExecutionRole: executionRoleResource(schema, forms),
      ResourceVersion: {
        Type: 'AWS::CloudFormation::ResourceVersion',
        // The type is not offered before the table its handlers need exists.
        ...(keepsState ? { DependsOn: 'StateTable' } : {}),
        Properties: {
          TypeName: { Ref: 'TypeName' },
          SchemaHandlerPackage: { Ref: 'PackageS3Url' },
          ExecutionRoleArn: { 'Fn::GetAtt': 'ExecutionRole.Arn' },
          LoggingConfig: {
            LogGroupName: { Ref: 'LogGroup' },
            LogRoleArn: { 'Fn::GetAtt': 'LogDeliveryRole.Arn' },
          },
        },
      },
      ResourceDefaultVersion: {
        Type: 'AWS::CloudFormation::ResourceDefaultVersion',
        // Ref of a ResourceVersion is the ARN of that version (AWS::CloudFormation::ResourceVersion, Return values).
        Properties: { TypeVersionArn: { Ref: 'ResourceVersion' } },
      },
    },
    Outputs: {
      TypeArn: { Value: { 'Fn::GetAtt': 'ResourceVersion.TypeArn' } },
      TypeVersionArn: { Value: { Ref: 'ResourceVersion' } },
      VersionId: { Value: { 'Fn::GetAtt': 'ResourceVersion.VersionId' } },
      ExecutionRoleArn: { Value: { 'Fn::GetAtt': 'ExecutionRole.Arn' } },
      LogGroupName: { Value: { Ref: 'LogGroup' } },
      ...(keepsState
        ? {
            // Ref of an AWS::DynamoDB::Table is its name (AWS::DynamoDB::Table, Return values).
            StateTableName: { Value: { Ref: 'StateTable' } },
            StateTableArn: { Value: { 'Fn::GetAtt': 'StateTable.Arn' } },
          }
        : {}),
    },
  };
}

export const YAML_BANNER =
  '# This file is generated by `npm run generate` from {{schema}}. Do not edit it by hand.';

/** A template as YAML (long-form intrinsics, so any YAML parser reads it), under a "generated" banner. */
/** A template as YAML in long-form intrinsics, so that any YAML parser reads it. */
export function templateToYaml(template: Template): string {
  // Repeated sub-objects are written out again: CloudFormation does not accept YAML aliases.
  const document = new Document(template, { aliasDuplicateObjects: false });
  visit(document, {
    Scalar(_key, node) {
      // Date-like strings (2010-09-09, 2012-10-17) stay strings under YAML 1.1 parsers too.
      if (isScalar(node) && typeof node.value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(node.value)) {
        node.type = 'QUOTE_SINGLE';
      }
    },
  });
  return document.toString({ lineWidth: 0, singleQuote: true });
}

/** A template as YAML under a "generated" banner. */
export function renderTemplate(template: Template, source: string): string {
  return `${YAML_BANNER.replace('{{schema}}', source)}\n${templateToYaml(template)}`;
}

export function renderResourceRole(schema: RegistrySchema, source = 'the resource schema'): string {
  return renderTemplate(resourceRoleTemplate(schema), source);
}

export function renderRegisterTypeTemplate(
  schema: RegistrySchema,
  packageName: string,
  source: string,
): string {
  return renderTemplate(registerTypeTemplate(schema, packageName), source);
}

// npm run register for a type that keeps state in DynamoDB (the assignment group, as registered in dev/types.ts):
// the state table before the type, the type configuration after it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CloudFormationClient,
  CloudFormationServiceException,
  CreateStackCommand,
  DescribeStacksCommand,
  DescribeTypeRegistrationCommand,
  RegisterTypeCommand,
  SetTypeConfigurationCommand,
  SetTypeDefaultVersionCommand,
} from '@aws-sdk/client-cloudformation';
import {
  ContinuousBackupsUnavailableException,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  DynamoDBServiceException,
  ResourceNotFoundException,
  UpdateContinuousBackupsCommand,
} from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { strToU8, zipSync } from 'fflate';
import {
  parseCommandLine,
  register,
  RegisterError,
  type RegisterDependencies,
  type RegisterOptions,
} from '../../dev/register/register';
import { RESOURCE_TYPES } from '../../dev/types';
import { STATE_TABLE } from '../../dev/types';
import { stateTableIsReady } from '../registration/state-table-mock';

const CREDENTIALS = { accessKeyId: 'AKIAREGISTERTEST0002', secretAccessKey: 'stateTableTestSecret/EXAMPLE' };
const TYPE_NAME = 'Org::SSO::AssignmentGroup';
const TYPE_ARN = 'arn:aws:cloudformation:eu-west-1:111122223333:type/resource/Org-SSO-AssignmentGroup';
const VERSION_ARN = `${TYPE_ARN}/00000001`;
const ROLE_STACK = 'org-sso-assignmentgroup-role-stack';
const LOGGING_STACK = 'org-sso-assignmentgroup-logging-stack';

const cloudFormation = mockClient(CloudFormationClient);
const s3 = mockClient(S3Client);
const dynamoDb = mockClient(DynamoDBClient);

let workDir: string;
let lines: string[];

function deps(): RegisterDependencies {
  return {
    cloudFormation: new CloudFormationClient({ region: 'eu-west-1', credentials: CREDENTIALS }),
    s3: new S3Client({ region: 'eu-west-1', credentials: CREDENTIALS }),
    dynamoDb: new DynamoDBClient({ region: 'eu-west-1', credentials: CREDENTIALS }),
    log: (line) => lines.push(line),
    timing: { minDelay: 0.001, maxDelay: 0.002, maxWaitTime: 2 },
    now: () => new Date('2026-03-04T05:06:07.890Z'),
  };
}

function options(overrides: Partial<RegisterOptions> = {}): RegisterOptions {
  const packagePath = path.join(workDir, 'assignment-group.zip');
  writeFileSync(
    packagePath,
    zipSync({
      'schema.json': strToU8(JSON.stringify({ typeName: TYPE_NAME })),
      '.rpdk-config': strToU8(JSON.stringify({ typeName: TYPE_NAME })),
    }),
  );
  return {
    typeName: TYPE_NAME,
    bucket: 'my-artifacts',
    packageName: 'assignment-group',
    packagePath,
    logGroupName: 'Org-SSO-AssignmentGroup-logs',
    ...overrides,
  };
}

function stackOutputs(stackName: string, outputs: Record<string, string>): void {
  cloudFormation.on(DescribeStacksCommand, { StackName: stackName }).resolves({
    Stacks: [
      {
        StackName: stackName,
        StackStatus: 'CREATE_COMPLETE',
        CreationTime: new Date(),
        Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      },
    ],
  });
}

function registrationSucceeds(): void {
  s3.on(PutObjectCommand).resolves({});
  cloudFormation.on(CreateStackCommand).resolves({ StackId: 'stack' });
  stackOutputs(ROLE_STACK, { ExecutionRoleArn: 'arn:aws:iam::111122223333:role/execution' });
  stackOutputs(LOGGING_STACK, {
    LogRoleArn: 'arn:aws:iam::111122223333:role/logs',
    LogGroupName: 'Org-SSO-AssignmentGroup-logs',
  });
  cloudFormation.on(RegisterTypeCommand).resolves({ RegistrationToken: 'token' });
  cloudFormation
    .on(DescribeTypeRegistrationCommand)
    .resolves({ ProgressStatus: 'COMPLETE', TypeArn: TYPE_ARN, TypeVersionArn: VERSION_ARN });
  cloudFormation.on(SetTypeDefaultVersionCommand).resolves({});
  cloudFormation.on(SetTypeConfigurationCommand).resolves({ ConfigurationArn: `${TYPE_ARN}/configuration` });
}

/** A DynamoDB with no table until CreateTable, which makes it CREATING for one DescribeTable, then ACTIVE. */
function tableIsAbsent(tableName: string = STATE_TABLE.defaultName): void {
  let describes = 0;
  let created = false;
  dynamoDb.on(DescribeTableCommand).callsFake(() => {
    if (!created) {
      throw new ResourceNotFoundException({ $metadata: { httpStatusCode: 400 }, message: 'not found' });
    }
    describes += 1;
    return {
      Table: {
        TableName: tableName,
        TableStatus: describes === 1 ? 'CREATING' : 'ACTIVE',
        KeySchema: [{ AttributeName: STATE_TABLE.partitionKey, KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: STATE_TABLE.partitionKey, AttributeType: 'S' }],
      },
    };
  });
  dynamoDb.on(CreateTableCommand).callsFake(() => {
    created = true;
    return { TableDescription: { TableName: tableName, TableStatus: 'CREATING' } };
  });
  dynamoDb.on(UpdateContinuousBackupsCommand).resolves({});
}

function accessDenied(action: string): DynamoDBServiceException {
  return new DynamoDBServiceException({
    name: 'AccessDeniedException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: `User is not authorized to perform: ${action}`,
  });
}

/** Every call to the three services, in the order they were made (sinon numbers calls across all stubs). */
function callOrder(): string[] {
  return [...cloudFormation.calls(), ...s3.calls(), ...dynamoDb.calls()]
    .sort((first, second) => (first.calledBefore(second) ? -1 : 1))
    .map((call) => (call.args[0] as object).constructor.name.replace(/Command$/, ''));
}

async function failure(run: Promise<unknown>): Promise<RegisterError> {
  const error = await run.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RegisterError);
  return error as RegisterError;
}

beforeEach(() => {
  cloudFormation.reset();
  s3.reset();
  dynamoDb.reset();
  lines = [];
  workDir = mkdtempSync(path.join(tmpdir(), 'register-state-table-'));
});
afterEach(() => rmSync(workDir, { recursive: true, force: true }));

test('a new table: created (on-demand, encrypted) and ACTIVE with recovery on before the type; configured after', async () => {
  registrationSucceeds();
  tableIsAbsent();
  const result = await register(options(), deps());

  expect(callOrder()).toEqual([
    'PutObject',
    'DescribeTable',
    'CreateTable',
    'DescribeTable',
    'DescribeTable',
    'UpdateContinuousBackups',
    'CreateStack',
    'DescribeStacks',
    'DescribeStacks',
    'CreateStack',
    'DescribeStacks',
    'DescribeStacks',
    'RegisterType',
    'DescribeTypeRegistration',
    'SetTypeDefaultVersion',
    'SetTypeConfiguration',
  ]);
  expect(dynamoDb.commandCalls(CreateTableCommand)[0].args[0].input).toEqual({
    TableName: STATE_TABLE.defaultName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: STATE_TABLE.partitionKey, AttributeType: 'S' }],
    KeySchema: [{ AttributeName: STATE_TABLE.partitionKey, KeyType: 'HASH' }],
    SSESpecification: { Enabled: true },
  });
  expect(dynamoDb.commandCalls(UpdateContinuousBackupsCommand)[0].args[0].input).toEqual({
    TableName: STATE_TABLE.defaultName,
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
  });
  const roleStack = cloudFormation
    .commandCalls(CreateStackCommand)
    .find((call) => call.args[0].input.StackName === ROLE_STACK);
  expect(roleStack?.args[0].input.Parameters).toEqual([
    { ParameterKey: 'StateTableName', ParameterValue: STATE_TABLE.defaultName },
  ]);
  // The configuration belongs to the type, not a version (SetTypeConfiguration, TypeArn).
  expect(cloudFormation.commandCalls(SetTypeConfigurationCommand)[0].args[0].input).toEqual({
    TypeArn: TYPE_ARN,
    Configuration: JSON.stringify({ StateTable: STATE_TABLE.defaultName }),
  });
  expect(result.stateTable).toBe(STATE_TABLE.defaultName);
  expect(lines).toContain(`Creating state table ${STATE_TABLE.defaultName}`);
  expect(lines.join('\n')).not.toContain(CREDENTIALS.secretAccessKey);
});

test('an existing table is kept, its recovery ensured; registering twice creates nothing twice', async () => {
  registrationSucceeds();
  tableIsAbsent();
  await register(options(), deps());
  await register(options(), deps());
  expect(dynamoDb.commandCalls(CreateTableCommand)).toHaveLength(1);
  expect(dynamoDb.commandCalls(UpdateContinuousBackupsCommand)).toHaveLength(2);
  expect(cloudFormation.commandCalls(SetTypeConfigurationCommand)).toHaveLength(2);
  expect(lines).toContain(`State table ${STATE_TABLE.defaultName} exists; keeping it`);
});

test('--state-table names the table everywhere: creation, the role parameter and the configuration', async () => {
  registrationSucceeds();
  tableIsAbsent('team-groups');
  await register(options({ stateTable: 'team-groups' }), deps());
  expect(dynamoDb.commandCalls(CreateTableCommand)[0].args[0].input.TableName).toBe('team-groups');
  expect(
    cloudFormation.commandCalls(CreateStackCommand).flatMap((call) => call.args[0].input.Parameters ?? []),
  ).toEqual([{ ParameterKey: 'StateTableName', ParameterValue: 'team-groups' }]);
  expect(cloudFormation.commandCalls(SetTypeConfigurationCommand)[0].args[0].input.Configuration).toBe(
    '{"StateTable":"team-groups"}',
  );
});

test('recovery not yet available on a new table is retried until it is', async () => {
  registrationSucceeds();
  tableIsAbsent();
  dynamoDb
    .on(UpdateContinuousBackupsCommand)
    .rejectsOnce(
      new ContinuousBackupsUnavailableException({
        $metadata: { httpStatusCode: 400 },
        message: 'Backups are being enabled for the table',
      }),
    )
    .resolves({});
  await register(options(), deps());
  expect(dynamoDb.commandCalls(UpdateContinuousBackupsCommand)).toHaveLength(2);
});

test.each(['dynamodb:CreateTable', 'dynamodb:UpdateContinuousBackups'])(
  'denied %s: names the table and the permission, and registers nothing',
  async (action) => {
    registrationSucceeds();
    tableIsAbsent();
    if (action === 'dynamodb:CreateTable') dynamoDb.on(CreateTableCommand).rejects(accessDenied(action));
    else dynamoDb.on(UpdateContinuousBackupsCommand).rejects(accessDenied(action));
    const error = await failure(register(options(), deps()));
    expect(error.message).toContain(`State table ${STATE_TABLE.defaultName}`);
    expect(error.message).toContain(
      `access denied. The caller needs ${action} on the table ${STATE_TABLE.defaultName}`,
    );
    expect(cloudFormation.commandCalls(CreateStackCommand)).toHaveLength(0);
    expect(cloudFormation.commandCalls(RegisterTypeCommand)).toHaveLength(0);
  },
);

test('denied DescribeTable names its permission', async () => {
  registrationSucceeds();
  dynamoDb.on(DescribeTableCommand).rejects(accessDenied('dynamodb:DescribeTable'));
  const error = await failure(register(options(), deps()));
  expect(error.message).toContain(
    `The caller needs dynamodb:DescribeTable on the table ${STATE_TABLE.defaultName}`,
  );
});

test('denied SetTypeConfiguration names the permission and the table it was setting', async () => {
  registrationSucceeds();
  stateTableIsReady(dynamoDb);
  cloudFormation.on(SetTypeConfigurationCommand).rejects(
    new CloudFormationServiceException({
      name: 'AccessDenied',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
      message: 'not authorized to perform: cloudformation:SetTypeConfiguration',
    }),
  );
  const error = await failure(register(options(), deps()));
  expect(error.message).toMatch(
    new RegExp(`^SetTypeConfiguration \\(StateTable ${STATE_TABLE.defaultName}\\): access denied`),
  );
  expect(error.message).toContain(`cloudformation:SetTypeConfiguration on ${TYPE_ARN}`);
});

test('an existing table with another key is refused before the type is registered', async () => {
  registrationSucceeds();
  dynamoDb.on(DescribeTableCommand).resolves({
    Table: {
      TableName: STATE_TABLE.defaultName,
      TableStatus: 'ACTIVE',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    },
  });
  const error = await failure(register(options(), deps()));
  expect(error.message).toContain(`partition key ${STATE_TABLE.partitionKey}`);
  expect(dynamoDb.commandCalls(UpdateContinuousBackupsCommand)).toHaveLength(0);
  expect(cloudFormation.commandCalls(RegisterTypeCommand)).toHaveLength(0);
});

describe('command line', () => {
  const base = ['--type-name', TYPE_NAME, '--bucket', 'b'];

  test('--state-table is read for a type that keeps state', () => {
    const parsed = parseCommandLine([...base, '--state-table', 'team-groups']);
    expect(parsed !== 'help' && parsed.options.stateTable).toBe('team-groups');
  });

  test('a name DynamoDB would refuse is a usage error, before any AWS call', () => {
    expect(() => parseCommandLine([...base, '--state-table', 'no spaces'])).toThrow(
      '--state-table no spaces is not a DynamoDB table name',
    );
  });

  test('--state-table for a type without state is refused', () => {
    const stateless = RESOURCE_TYPES[0];
    const typeName = ['Org', ...stateless.typeName.split('::').slice(1)].join('::');
    expect(() =>
      parseCommandLine(['--type-name', typeName, '--bucket', 'b', '--state-table', 'groups']),
    ).toThrow(`--state-table applies only to a type that keeps state in DynamoDB; ${stateless.packageName}`);
  });
});

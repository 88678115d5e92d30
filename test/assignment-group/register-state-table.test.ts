// npm run register for a type that keeps state in DynamoDB (the assignment group, as registered in dev/types.ts):
// the state table before the type, the type configuration after it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateStackCommand,
  RegisterTypeCommand,
  SetTypeConfigurationCommand,
} from '@aws-sdk/client-cloudformation';
import {
  ContinuousBackupsUnavailableException,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBServiceException,
  ResourceNotFoundException,
  UpdateContinuousBackupsCommand,
} from '@aws-sdk/client-dynamodb';
import { parseCommandLine, register, type RegisterOptions } from '../../dev/register/register';
import { RESOURCE_TYPES, resourceType } from '../../dev/types';
import { STATE_TABLE } from '../../dev/types';
import {
  awsError,
  cloudFormationMock as cloudFormation,
  CREDENTIALS,
  dynamoDbMock as dynamoDb,
  failure,
  registerDependencies,
  registerOptions,
  registration,
  registrationSucceeds,
  resetRegisterMocks,
  s3Mock as s3,
  writePackage,
} from '../registration/register-mock';
import { stateTableIsReady } from '../registration/state-table-mock';

/** The group as registered under the organisation Org. */
const GROUP = registration(resourceType('assignment-group'));
const TYPE_NAME = GROUP.typeName;
const TYPE_ARN = GROUP.typeArn;
const ROLE_STACK = GROUP.roleStack;

let workDir: string;
let packagePath: string;
let lines: string[];

const deps = () => registerDependencies((line) => lines.push(line));

function options(overrides: Partial<RegisterOptions> = {}): RegisterOptions {
  return registerOptions(GROUP, packagePath, overrides);
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

beforeEach(() => {
  resetRegisterMocks();
  lines = [];
  workDir = mkdtempSync(path.join(tmpdir(), 'register-state-table-'));
  packagePath = path.join(workDir, `${GROUP.entry.packageName}.zip`);
  writePackage(packagePath, TYPE_NAME);
});
afterEach(() => rmSync(workDir, { recursive: true, force: true }));

test('a new table: created (on-demand, encrypted) and ACTIVE with recovery on before the type; configured after', async () => {
  registrationSucceeds(GROUP);
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
  registrationSucceeds(GROUP);
  tableIsAbsent();
  await register(options(), deps());
  await register(options(), deps());
  expect(dynamoDb.commandCalls(CreateTableCommand)).toHaveLength(1);
  expect(dynamoDb.commandCalls(UpdateContinuousBackupsCommand)).toHaveLength(2);
  expect(cloudFormation.commandCalls(SetTypeConfigurationCommand)).toHaveLength(2);
  expect(lines).toContain(`State table ${STATE_TABLE.defaultName} exists; keeping it`);
});

test('--state-table names the table everywhere: creation, the role parameter and the configuration', async () => {
  registrationSucceeds(GROUP);
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
  registrationSucceeds(GROUP);
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
    registrationSucceeds(GROUP);
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
  registrationSucceeds(GROUP);
  dynamoDb.on(DescribeTableCommand).rejects(accessDenied('dynamodb:DescribeTable'));
  const error = await failure(register(options(), deps()));
  expect(error.message).toContain(
    `The caller needs dynamodb:DescribeTable on the table ${STATE_TABLE.defaultName}`,
  );
});

test('denied SetTypeConfiguration names the permission and the table it was setting', async () => {
  registrationSucceeds(GROUP);
  stateTableIsReady(dynamoDb);
  cloudFormation
    .on(SetTypeConfigurationCommand)
    .rejects(awsError('AccessDenied', 403, 'not authorized to perform: cloudformation:SetTypeConfiguration'));
  const error = await failure(register(options(), deps()));
  expect(error.message).toMatch(
    new RegExp(`^SetTypeConfiguration \\(StateTable ${STATE_TABLE.defaultName}\\): access denied`),
  );
  expect(error.message).toContain(`cloudformation:SetTypeConfiguration on ${TYPE_ARN}`);
});

test('an existing table with another key is refused before the type is registered', async () => {
  registrationSucceeds(GROUP);
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

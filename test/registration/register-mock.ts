// The AWS side of npm run register, mocked, for the registration tests (register.test.ts, and
// test/assignment-group/register-state-table.test.ts for a type that keeps state): the clients' stubs, register's
// dependencies, what registering a type under the organisation Org names, a registration that succeeds, and the
// RegisterError a failing one ends with. The state table's answers: state-table-mock.ts.
import { writeFileSync } from 'node:fs';
import {
  CloudFormationClient,
  type CloudFormationClientConfig,
  CloudFormationServiceException,
  CreateStackCommand,
  DescribeStacksCommand,
  DescribeTypeRegistrationCommand,
  RegisterTypeCommand,
  SetTypeConfigurationCommand,
  SetTypeDefaultVersionCommand,
} from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { strToU8, zipSync } from 'fflate';
import { type RegisterDependencies, RegisterError, type RegisterOptions } from '../../dev/register/register';
import type { ResourceTypeEntry } from '../../dev/types';

export const CREDENTIALS = {
  accessKeyId: 'AKIAREGISTERTEST0001',
  secretAccessKey: 'registerTestSecret/EXAMPLE+abcdefghij',
};

export const cloudFormationMock = mockClient(CloudFormationClient);
export const s3Mock = mockClient(S3Client);
/** Types that keep state get their table through this client (stateTableIsReady, or a test's own answers). */
export const dynamoDbMock = mockClient(DynamoDBClient);

/** Forgets every answer and call of the three clients. */
export function resetRegisterMocks(): void {
  cloudFormationMock.reset();
  s3Mock.reset();
  dynamoDbMock.reset();
}

/** `typeName` under the organisation `organization`. */
export function inOrganization(typeName: string, organization: string): string {
  return [organization, ...typeName.split('::').slice(1)].join('::');
}

/** What registering `entry` under the organisation Org is expected to name and create. */
export function registration(entry: ResourceTypeEntry) {
  const typeName = inOrganization(entry.typeName, 'Org');
  const hyphenated = typeName.split('::').join('-');
  const lower = hyphenated.toLowerCase();
  const typeArn = `arn:aws:cloudformation:eu-west-1:111122223333:type/resource/${hyphenated}`;
  return {
    entry,
    typeName,
    hyphenated,
    typeArn,
    versionArn: `${typeArn}/00000003`,
    roleStack: `${lower}-role-stack`,
    loggingStack: `${lower}-logging-stack`,
    executionRole: `arn:aws:iam::111122223333:role/${lower}-role-stack-ExecutionRole-1`,
    logRole: `arn:aws:iam::111122223333:role/${lower}-logging-stack-LogDeliveryRole-1`,
    logGroupName: `${hyphenated}-logs`,
    uploadKey: `${lower}-2026-03-04T05-06-07.zip`,
  };
}
export type Registration = ReturnType<typeof registration>;

/**
 * register's dependencies: clients in eu-west-1 with CREDENTIALS (CloudFormation's may be given others), its
 * lines to `log`, a fixed clock.
 */
export function registerDependencies(
  log: (line: string) => void,
  cloudFormationCredentials: CloudFormationClientConfig['credentials'] = CREDENTIALS,
): RegisterDependencies {
  return {
    cloudFormation: new CloudFormationClient({ region: 'eu-west-1', credentials: cloudFormationCredentials }),
    s3: new S3Client({ region: 'eu-west-1', credentials: CREDENTIALS }),
    dynamoDb: new DynamoDBClient({ region: 'eu-west-1', credentials: CREDENTIALS }),
    log,
    // Millisecond polling: the waiters still back off with jitter, only the bounds are small.
    timing: { minDelay: 0.001, maxDelay: 0.002, maxWaitTime: 2 },
    now: () => new Date('2026-03-04T05:06:07.890Z'),
  };
}

/** The options that register `type` from the package at `packagePath` into the bucket my-artifacts. */
export function registerOptions(
  type: Registration,
  packagePath: string,
  overrides: Partial<RegisterOptions> = {},
): RegisterOptions {
  return {
    typeName: type.typeName,
    bucket: 'my-artifacts',
    packageName: type.entry.packageName,
    packagePath,
    logGroupName: type.logGroupName,
    ...overrides,
  };
}

/** A package zip as npm run package writes it, with `typeName` stamped into schema.json and .rpdk-config. */
export function writePackage(
  file: string,
  typeName: string,
  stamped = { schema: typeName, settings: typeName },
): void {
  writeFileSync(
    file,
    zipSync({
      'schema.json': strToU8(JSON.stringify({ typeName: stamped.schema, properties: {} })),
      '.rpdk-config': strToU8(JSON.stringify({ typeName: stamped.settings, runtime: 'nodejs22.x' })),
      'ResourceProvider.zip': strToU8('package bytes'),
    }),
  );
}

/** An error CloudFormation answers: `name` (AccessDenied, ValidationError, …) with HTTP `status`. */
export function awsError(name: string, status: number, message: string): CloudFormationServiceException {
  return new CloudFormationServiceException({
    name,
    $fault: 'client',
    $metadata: { httpStatusCode: status },
    message,
  });
}

/** The stack `stackName` is CREATE_COMPLETE with `outputs`. */
export function stackCompletes(stackName: string, outputs: Record<string, string>): void {
  cloudFormationMock.on(DescribeStacksCommand, { StackName: stackName }).resolves({
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

/**
 * The upload, both stacks, the registration (token-1), the default version and (for a type that keeps state) the
 * type configuration succeed; the registration is IN_PROGRESS for its first `pollsInProgress` descriptions.
 */
export function registrationSucceeds(type: Registration, pollsInProgress = 0): void {
  s3Mock.on(PutObjectCommand).resolves({});
  cloudFormationMock.on(CreateStackCommand).resolves({ StackId: 'stack-id' });
  stackCompletes(type.roleStack, { ExecutionRoleArn: type.executionRole });
  stackCompletes(type.loggingStack, { LogRoleArn: type.logRole, LogGroupName: type.logGroupName });
  cloudFormationMock.on(RegisterTypeCommand).resolves({ RegistrationToken: 'token-1' });
  const described = cloudFormationMock.on(DescribeTypeRegistrationCommand);
  for (let poll = 0; poll < pollsInProgress; poll++) {
    described.resolvesOnce({
      ProgressStatus: 'IN_PROGRESS',
      Description: 'Deployment is currently in DEPLOY_STAGE',
    });
  }
  described.resolves({
    ProgressStatus: 'COMPLETE',
    Description: 'Deployment is currently in COMPLETE',
    TypeArn: type.typeArn,
    TypeVersionArn: type.versionArn,
  });
  cloudFormationMock.on(SetTypeDefaultVersionCommand).resolves({});
  cloudFormationMock
    .on(SetTypeConfigurationCommand)
    .resolves({ ConfigurationArn: `${type.typeArn}/configuration` });
}

/** The RegisterError `run` rejects with (failing the test if it resolves or rejects with something else). */
export async function failure(run: Promise<unknown>): Promise<RegisterError> {
  const error = await run.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RegisterError);
  return error as RegisterError;
}

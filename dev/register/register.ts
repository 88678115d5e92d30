/**
 * `npm run register -- --type-name Org::SSO::Assignment --bucket my-bucket [--region …] [--profile …]`
 *
 * Registers a packaged resource type (build/<type>.zip from `npm run package`) in one account and Region,
 * the way `cfn submit --set-default` does, with the AWS SDK v3:
 *   1. check that credentials and a Region resolve;
 *   2. upload the package to S3;
 *   3. unless given, deploy the execution role stack (resource-role.yaml rendered for the private name,
 *      stack `<org-service-type>-role-stack` as cfn submit names it) and a logging stack (log group and
 *      log delivery role);
 *   4. RegisterType, poll DescribeTypeRegistration (showing progress), SetTypeDefaultVersion.
 * A type that keeps state in DynamoDB (its schema's typeConfiguration has StateTable: the assignment group) also
 * gets its state table, before the role stack (created if absent: on-demand, encrypted, point-in-time recovery
 * on; an existing one is kept and its point-in-time recovery ensured), and after step 4 SetTypeConfiguration
 * with {"StateTable": <name>} (`--state-table`, default STATE_TABLE.defaultName).
 * Exit code 0 on success, 1 when a step fails, 2 for bad arguments. Credentials are never printed.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  DescribeTypeRegistrationCommand,
  DescribeTypeRegistrationCommandOutput,
  RegisterTypeCommand,
  SetTypeConfigurationCommand,
  SetTypeDefaultVersionCommand,
  StackEvent,
  type Parameter,
  UpdateStackCommand,
  waitUntilStackCreateComplete,
  waitUntilStackUpdateComplete,
} from '@aws-sdk/client-cloudformation';
import {
  ContinuousBackupsUnavailableException,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateContinuousBackupsCommand,
  waitUntilTableExists,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createWaiter, WaiterState } from '@smithy/core/client';
import {
  defaultLogGroupName,
  loggingTemplate,
  renderResourceRole,
  STATE_TABLE_PARAMETER,
  templateToYaml,
} from '../generate/registration';
import { RegistrySchema, stateTableSetting } from '../generate/registry-schema';
import { exampleTypeName, hyphenated, validateTypeName, withoutOrganization } from '../package/type-name';
import { RESOURCE_TYPES, type ResourceTypeEntry, STATE_TABLE } from '../types';
import { errorMessage, httpStatusOf } from '../../src/core/errors';

const ROOT = path.resolve(__dirname, '..', '..');
/** Where `npm run package` writes `<type>.zip` by default. */
const DEFAULT_PACKAGE_DIR = path.join(ROOT, 'build');
/** The package entries `npm run package` stamps with the private type name. */
const STAMPED_ENTRIES = ['schema.json', '.rpdk-config'];

/** Polling bounds in seconds, passed to the SDK waiters (exponential backoff with jitter, capped). */
export interface PollTiming {
  minDelay: number;
  maxDelay: number;
  maxWaitTime: number;
}

/** Registration usually takes a few minutes; stacks with two IAM roles about one. */
export const DEFAULT_POLL_TIMING: PollTiming = { minDelay: 5, maxDelay: 30, maxWaitTime: 30 * 60 };

export interface RegisterOptions {
  /** The private name to register, for example Org::SSO::Assignment. */
  typeName: string;
  bucket: string;
  /** Package name: `assignment` or `application-assignment` (the folder name under src/). */
  packageName: string;
  packagePath: string;
  executionRoleArn?: string;
  logRoleArn?: string;
  logGroupName: string;
  profile?: string;
  /**
   * The DynamoDB table of a type that keeps state (default STATE_TABLE.defaultName); refused for other types.
   */
  stateTable?: string;
}

export interface RegisterDependencies {
  cloudFormation: CloudFormationClient;
  s3: S3Client;
  dynamoDb: DynamoDBClient;
  log: (line: string) => void;
  timing: PollTiming;
  now: () => Date;
}

export interface RegisterResult {
  packageUrl: string;
  executionRoleArn: string;
  logRoleArn: string;
  logGroupName: string;
  typeArn: string;
  typeVersionArn: string;
  /** The state table, for a type that keeps state. */
  stateTable?: string;
}

/** A failure explained for the person running the command. */
export class RegisterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegisterError';
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);
const BAD_CREDENTIALS = new Set([
  'InvalidClientTokenId',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
]);
const EXPIRED_CREDENTIALS = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired']);

/**
 * Turns an SDK error from one step into a message that says what to do. `needs` names the permissions
 * the step uses, for access-denied errors.
 */
export function explain(error: unknown, step: string, needs: string, profile?: string): RegisterError {
  const name = errorName(error);
  const awsSays = errorMessage(error);
  const profileNote = profile ? ` (profile "${profile}")` : '';
  // The SDK's default credential chain throws CredentialsProviderError when no source has credentials
  // (https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/setting-credentials-node.html).
  if (name === 'CredentialsProviderError') {
    return new RegisterError(
      `No AWS credentials found${profileNote}. Configure credentials (aws configure, aws sso login, ` +
        'AWS_PROFILE or the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY variables) or pass --profile.',
    );
  }
  if (EXPIRED_CREDENTIALS.has(name)) {
    return new RegisterError(
      `${step}: the AWS credentials${profileNote} have expired. Refresh them and retry.`,
    );
  }
  if (BAD_CREDENTIALS.has(name)) {
    return new RegisterError(
      `${step}: AWS rejected the credentials${profileNote} (${name}). Check them and retry.`,
    );
  }
  if (/region is missing/i.test(awsSays)) {
    return new RegisterError('No AWS Region configured: pass --region or set AWS_REGION.');
  }
  if (ACCESS_DENIED.has(name) || httpStatusOf(error) === 403) {
    return new RegisterError(`${step}: access denied. The caller needs ${needs}. AWS said: ${awsSays}`);
  }
  return new RegisterError(`${step} failed: ${name}: ${awsSays}`);
}

async function checkCredentialsAndRegion(client: CloudFormationClient, profile?: string): Promise<string> {
  try {
    // Resolves the provider chain without printing anything it returns.
    await client.config.credentials();
    return await client.config.region();
  } catch (error) {
    throw explain(error, 'Loading credentials', 'credentials', profile);
  }
}

function fileErrorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/** `file` relative to the working directory when it is below it, absolute otherwise (no `../../`). */
function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === '' ? '.' : relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

/** The `npm run package` command line that builds the package these options register. */
export function packageCommandFor(options: RegisterOptions): string {
  const args = ['--type-name', options.typeName];
  // npm run package finds the type from the name's Service::Resource, as packageForTypeName does here.
  if (sourceTypeSuffix(options.packageName) !== withoutOrganization(options.typeName)) {
    args.push('--type', options.packageName);
  }
  const outdir = path.dirname(options.packagePath);
  if (outdir !== DEFAULT_PACKAGE_DIR) args.push('--outdir', shownPath(outdir));
  const command = `npm run package -- ${args.join(' ')}`;
  return path.basename(options.packagePath) === `${options.packageName}.zip`
    ? command
    : `${command} (it writes ${options.packageName}.zip: pass that with --package)`;
}

/** The typeName the package's `entry` (schema.json, .rpdk-config) is stamped with, if it has one. */
function stampedTypeName(entries: Record<string, Uint8Array>, entry: string): string | undefined {
  const bytes = entries[entry];
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
    if (typeof value === 'object' && value !== null && 'typeName' in value) {
      return typeof value.typeName === 'string' ? value.typeName : undefined;
    }
  } catch {
    // Not JSON: reported as unstamped below.
  }
  return undefined;
}

/**
 * Reads the package and checks it was built for the name being registered: `npm run package` stamps the
 * name into schema.json and .rpdk-config, and RegisterType's TypeName must be the schema's typeName.
 * Runs before any AWS call, so a wrong or missing package costs nothing and leaves nothing behind.
 */
export async function readCheckedPackage(options: RegisterOptions): Promise<Uint8Array> {
  const shown = shownPath(options.packagePath);
  const rebuild = packageCommandFor(options);
  let body: Uint8Array;
  try {
    body = await readFile(options.packagePath);
  } catch (error) {
    const code = fileErrorCode(error);
    if (code === 'ENOENT') {
      throw new RegisterError(`Package ${shown} not found. Build it first: ${rebuild}`);
    }
    if (code === 'EISDIR') {
      throw new RegisterError(`--package ${shown} is a directory, not a package zip. Build one: ${rebuild}`);
    }
    throw new RegisterError(`Cannot read package ${shown}: ${errorMessage(error)}`);
  }
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(body, { filter: (file) => STAMPED_ENTRIES.includes(file.name) });
  } catch (error) {
    throw new RegisterError(
      `Package ${shown} is not a zip file (${errorMessage(error)}). Build it with: ${rebuild}`,
    );
  }
  for (const entry of STAMPED_ENTRIES) {
    const stamped = stampedTypeName(entries, entry);
    if (stamped === undefined) {
      throw new RegisterError(
        `Package ${shown} has no typeName in ${entry}: it is not a package from npm run package. ` +
          `Build it with: ${rebuild}`,
      );
    }
    if (stamped !== options.typeName) {
      throw new RegisterError(
        `Package ${shown} was built for ${stamped}, not ${options.typeName} (its ${entry} names ` +
          `${stamped}; RegisterType needs the name the package was built with). Rebuild it for the name ` +
          `you register: ${rebuild}`,
      );
    }
  }
  return body;
}

async function upload(
  options: RegisterOptions,
  body: Uint8Array,
  deps: RegisterDependencies,
  region: string,
): Promise<string> {
  // Same key shape as cfn submit: <org-service-type>-<UTC timestamp>.zip.
  const timestamp = deps.now().toISOString().slice(0, 19).replace(/:/g, '-');
  const key = `${hyphenated(options.typeName).toLowerCase()}-${timestamp}.zip`;
  deps.log(
    `Uploading ${path.basename(options.packagePath)} (${Math.ceil(body.length / 1024)} KiB) to s3://${options.bucket}/${key}`,
  );
  try {
    await deps.s3.send(
      new PutObjectCommand({ Bucket: options.bucket, Key: key, Body: body, ContentType: 'application/zip' }),
    );
  } catch (error) {
    const name = errorName(error);
    if (name === 'NoSuchBucket') {
      throw new RegisterError(
        `Bucket "${options.bucket}" does not exist. Create it in ${region} (aws s3 mb s3://${options.bucket} ` +
          `--region ${region}) or pass an existing bucket with --bucket.`,
      );
    }
    // S3 answers a request sent to the wrong Regional endpoint with PermanentRedirect (301) or
    // AuthorizationHeaderMalformed (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
    if (
      name === 'PermanentRedirect' ||
      name === 'AuthorizationHeaderMalformed' ||
      httpStatusOf(error) === 301
    ) {
      throw new RegisterError(
        `Bucket "${options.bucket}" is not in ${region}. Use a bucket in the Region you register in, ` +
          "or pass --region with the bucket's Region.",
      );
    }
    throw explain(
      error,
      'Uploading the package',
      `s3:PutObject on arn:aws:s3:::${options.bucket}/*`,
      options.profile,
    );
  }
  return `s3://${options.bucket}/${key}`;
}

function isNoUpdateNeeded(error: unknown): boolean {
  // UpdateStack answers an unchanged template with ValidationError "No updates are to be performed."
  return (
    errorName(error) === 'ValidationError' && /No updates are to be performed/i.test(errorMessage(error))
  );
}

/** The first failure reasons of the latest stack operation, oldest first. */
async function stackFailureReasons(client: CloudFormationClient, stackName: string): Promise<string[]> {
  try {
    const { StackEvents = [] } = await client.send(new DescribeStackEventsCommand({ StackName: stackName }));
    return StackEvents.filter((event: StackEvent) => event.ResourceStatus?.endsWith('_FAILED'))
      .reverse()
      .slice(0, 3)
      .map(
        (event) =>
          `${event.LogicalResourceId ?? '?'} ${event.ResourceStatus}: ${event.ResourceStatusReason ?? ''}`,
      );
  } catch {
    return [];
  }
}

const STACK_PERMISSIONS =
  'cloudformation:CreateStack, UpdateStack, DescribeStacks and DescribeStackEvents, and iam:CreateRole, ' +
  'iam:PutRolePolicy, iam:GetRole (plus logs:CreateLogGroup, logs:PutRetentionPolicy for the logging stack)';

/** Creates the stack, or updates it when it exists; returns its outputs. */
export async function deployStack(
  stackName: string,
  templateBody: string,
  deps: RegisterDependencies,
  profile?: string,
  parameters: Parameter[] = [],
): Promise<Record<string, string>> {
  const client = deps.cloudFormation;
  const request = {
    StackName: stackName,
    TemplateBody: templateBody,
    Capabilities: ['CAPABILITY_IAM' as const],
    ...(parameters.length > 0 ? { Parameters: parameters } : {}),
  };
  let operation: 'create' | 'update' | 'none' = 'create';
  try {
    try {
      await client.send(new CreateStackCommand(request));
      deps.log(`Creating stack ${stackName}`);
    } catch (error) {
      if (errorName(error) !== 'AlreadyExistsException') throw error;
      try {
        await client.send(new UpdateStackCommand(request));
        operation = 'update';
        deps.log(`Updating stack ${stackName}`);
      } catch (updateError) {
        if (!isNoUpdateNeeded(updateError)) throw updateError;
        operation = 'none';
        deps.log(`Stack ${stackName} is up to date`);
      }
    }
  } catch (error) {
    // A stack whose first creation failed stays in ROLLBACK_COMPLETE and can only be deleted
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html).
    if (/ROLLBACK_COMPLETE/.test(errorMessage(error))) {
      throw new RegisterError(
        `Stack ${stackName} is in ROLLBACK_COMPLETE from an earlier failed attempt. Delete it ` +
          `(aws cloudformation delete-stack --stack-name ${stackName}) and run the command again.`,
      );
    }
    throw explain(error, `Deploying stack ${stackName}`, STACK_PERMISSIONS, profile);
  }
  const waiterConfig = { client, ...deps.timing };
  try {
    if (operation === 'create') await waitUntilStackCreateComplete(waiterConfig, { StackName: stackName });
    if (operation === 'update') await waitUntilStackUpdateComplete(waiterConfig, { StackName: stackName });
  } catch (error) {
    if (errorName(error) === 'TimeoutError') {
      throw new RegisterError(
        `Stack ${stackName} is still in progress after ${deps.timing.maxWaitTime} s; see its events in the ` +
          'CloudFormation console and run the command again when it has finished.',
      );
    }
    const reasons = await stackFailureReasons(client, stackName);
    throw new RegisterError(
      `Stack ${stackName} did not ${operation} successfully.` +
        (reasons.length > 0 ? `\n  ${reasons.join('\n  ')}` : '') +
        '\nSee its events in the CloudFormation console; delete the stack if it is in ROLLBACK_COMPLETE.',
    );
  }
  try {
    const { Stacks = [] } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const outputs: Record<string, string> = {};
    for (const output of Stacks[0]?.Outputs ?? []) {
      if (output.OutputKey && output.OutputValue) outputs[output.OutputKey] = output.OutputValue;
    }
    return outputs;
  } catch (error) {
    throw explain(error, `Reading stack ${stackName}`, STACK_PERMISSIONS, profile);
  }
}

function requireOutput(outputs: Record<string, string>, key: string, stackName: string): string {
  const value = outputs[key];
  if (!value) throw new RegisterError(`Stack ${stackName} has no ${key} output.`);
  return value;
}

function loadSchema(entry: ResourceTypeEntry): RegistrySchema {
  return JSON.parse(readFileSync(path.join(ROOT, entry.schemaFile), 'utf8')) as RegistrySchema;
}

function schemaFor(packageName: string): RegistrySchema {
  const entry = RESOURCE_TYPES.find((type) => type.packageName === packageName);
  if (!entry) throw new RegisterError(`Unknown --type ${packageName}.`);
  return loadSchema(entry);
}

/** `Service::Resource` of the package's source type (assignment → SSO::Assignment). */
function sourceTypeSuffix(packageName: string): string {
  return withoutOrganization(schemaFor(packageName).typeName);
}

async function executionRole(
  options: RegisterOptions,
  deps: RegisterDependencies,
  stateTable: string | undefined,
): Promise<string> {
  if (options.executionRoleArn) return options.executionRoleArn;
  // The role trusts only this type's ARN, so it is rendered for the private name being registered.
  const schema = { ...schemaFor(options.packageName), typeName: options.typeName };
  const stackName = `${hyphenated(options.typeName).toLowerCase()}-role-stack`;
  // Its DynamoDB actions are scoped to the state table the type is configured with.
  const parameters =
    stateTable === undefined ? [] : [{ ParameterKey: STATE_TABLE_PARAMETER, ParameterValue: stateTable }];
  const outputs = await deployStack(stackName, renderResourceRole(schema), deps, options.profile, parameters);
  return requireOutput(outputs, 'ExecutionRoleArn', stackName);
}

/**
 * The state table the registered type is configured with: `--state-table` or the default for a type whose
 * schema has a StateTable setting, none for the others. Checked against the setting's own rules (DynamoDB's
 * table name rules) before any AWS call.
 */
export function stateTableFor(options: RegisterOptions): string | undefined {
  const setting = stateTableSetting(schemaFor(options.packageName));
  if (!setting) {
    if (options.stateTable === undefined) return undefined;
    throw new RegisterError(
      `--state-table applies only to a type that keeps state in DynamoDB; ${options.packageName} does not.`,
    );
  }
  const name = options.stateTable ?? STATE_TABLE.defaultName;
  const tooShort = setting.minLength !== undefined && name.length < setting.minLength;
  const tooLong = setting.maxLength !== undefined && name.length > setting.maxLength;
  const badCharacters = setting.pattern !== undefined && !new RegExp(setting.pattern).test(name);
  if (tooShort || tooLong || badCharacters) {
    throw new RegisterError(
      `--state-table ${name} is not a DynamoDB table name: ${setting.minLength ?? 1}-${setting.maxLength ?? 255} ` +
        `characters matching ${setting.pattern ?? 'any'}.`,
    );
  }
  return name;
}

/** What the caller needs on the state table, for access-denied messages. */
function onTable(action: string, tableName: string): string {
  return `${action} on the table ${tableName} (arn:aws:dynamodb:<region>:<account>:table/${tableName})`;
}

async function describeTable(
  tableName: string,
  deps: RegisterDependencies,
): Promise<TableDescription | undefined> {
  try {
    const { Table } = await deps.dynamoDb.send(new DescribeTableCommand({ TableName: tableName }));
    return Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/** The key the handlers read and write by: STATE_TABLE.partitionKey (a string) and no sort key. */
function hasStateKey(table: TableDescription): boolean {
  const [key, ...others] = table.KeySchema ?? [];
  const type = table.AttributeDefinitions?.find(
    (attribute) => attribute.AttributeName === key?.AttributeName,
  );
  return (
    others.length === 0 &&
    key?.AttributeName === STATE_TABLE.partitionKey &&
    key.KeyType === 'HASH' &&
    type?.AttributeType === 'S'
  );
}

/**
 * Makes sure the state table exists, is ACTIVE, has the key the handlers use, and has point-in-time recovery
 * on. A table that exists is kept as it is (its items are the groups' state); only its recovery is ensured.
 */
export async function ensureStateTable(
  tableName: string,
  deps: RegisterDependencies,
  profile?: string,
): Promise<void> {
  const step = `State table ${tableName}`;
  let existing: TableDescription | undefined;
  try {
    existing = await describeTable(tableName, deps);
  } catch (error) {
    throw explain(error, `${step}: DescribeTable`, onTable('dynamodb:DescribeTable', tableName), profile);
  }
  if (existing) {
    if (!hasStateKey(existing)) {
      throw new RegisterError(
        `${step} exists with another key (${JSON.stringify(existing.KeySchema ?? [])}); the handlers need the ` +
          `partition key ${STATE_TABLE.partitionKey} (a string) and no sort key. Pass another --state-table.`,
      );
    }
    deps.log(`${step} exists; keeping it`);
  } else {
    deps.log(`Creating ${step.toLowerCase()}`);
    try {
      await deps.dynamoDb.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: STATE_TABLE.partitionKey, AttributeType: 'S' }],
          KeySchema: [{ AttributeName: STATE_TABLE.partitionKey, KeyType: 'HASH' }],
          // Enabled: KMS with the AWS managed key rather than an AWS owned one (SSESpecification, DynamoDB API).
          SSESpecification: { Enabled: true },
        }),
      );
    } catch (error) {
      // Created meanwhile by another run: ResourceInUseException (CreateTable errors); it is waited for below.
      if (!(error instanceof ResourceInUseException)) {
        throw explain(error, `${step}: CreateTable`, onTable('dynamodb:CreateTable', tableName), profile);
      }
    }
  }
  try {
    await waitUntilTableExists({ client: deps.dynamoDb, ...deps.timing }, { TableName: tableName });
  } catch (error) {
    if (errorName(error) === 'TimeoutError') {
      throw new RegisterError(
        `${step} is not ACTIVE after ${deps.timing.maxWaitTime} s; run the command again when it is.`,
      );
    }
    throw explain(error, `${step}: DescribeTable`, onTable('dynamodb:DescribeTable', tableName), profile);
  }
  await ensurePointInTimeRecovery(tableName, deps, profile);
}

/**
 * Turns point-in-time recovery on (a no-op when it is). Just after creation DynamoDB may answer
 * ContinuousBackupsUnavailableException ("Backups have not yet been enabled for this table") for a while, so
 * that one error is retried with the waiter's backoff.
 */
async function ensurePointInTimeRecovery(
  tableName: string,
  deps: RegisterDependencies,
  profile?: string,
): Promise<void> {
  const enable = async (client: DynamoDBClient, input: { TableName: string }) => {
    try {
      await client.send(
        new UpdateContinuousBackupsCommand({
          ...input,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      );
      return { state: WaiterState.SUCCESS };
    } catch (error) {
      if (error instanceof ContinuousBackupsUnavailableException) return { state: WaiterState.RETRY };
      throw error;
    }
  };
  let result;
  try {
    result = await createWaiter({ client: deps.dynamoDb, ...deps.timing }, { TableName: tableName }, enable);
  } catch (error) {
    throw explain(
      error,
      `State table ${tableName}: UpdateContinuousBackups (point-in-time recovery)`,
      onTable('dynamodb:UpdateContinuousBackups', tableName),
      profile,
    );
  }
  if (result.state !== WaiterState.SUCCESS) {
    throw new RegisterError(
      `State table ${tableName}: point-in-time recovery could not be turned on within ` +
        `${deps.timing.maxWaitTime} s (backups not yet available); run the command again.`,
    );
  }
  deps.log(`State table ${tableName}: point-in-time recovery on`);
}

/** Tells the registered type which table to use: SetTypeConfiguration on the type (not a version) ARN. */
async function configureStateTable(
  typeArn: string,
  tableName: string,
  deps: RegisterDependencies,
  profile?: string,
): Promise<void> {
  try {
    await deps.cloudFormation.send(
      new SetTypeConfigurationCommand({
        TypeArn: typeArn,
        Configuration: JSON.stringify({ StateTable: tableName }),
      }),
    );
  } catch (error) {
    throw explain(
      error,
      `SetTypeConfiguration (StateTable ${tableName})`,
      `cloudformation:SetTypeConfiguration on ${typeArn}`,
      profile,
    );
  }
  deps.log(`Type configuration set: StateTable ${tableName}`);
}

async function logging(
  options: RegisterOptions,
  deps: RegisterDependencies,
): Promise<{ logRoleArn: string; logGroupName: string }> {
  if (options.logRoleArn) return { logRoleArn: options.logRoleArn, logGroupName: options.logGroupName };
  const stackName = `${hyphenated(options.typeName).toLowerCase()}-logging-stack`;
  const template = templateToYaml(loggingTemplate(options.typeName, options.logGroupName));
  const outputs = await deployStack(stackName, template, deps, options.profile);
  return {
    logRoleArn: requireOutput(outputs, 'LogRoleArn', stackName),
    logGroupName: requireOutput(outputs, 'LogGroupName', stackName),
  };
}

/** Polls DescribeTypeRegistration with the SDK's waiter backoff, printing each change of status. */
async function waitForRegistration(
  registrationToken: string,
  deps: RegisterDependencies,
  profile?: string,
): Promise<DescribeTypeRegistrationCommandOutput> {
  const started = deps.now().getTime();
  let lastReported = '';
  const check = async (
    client: CloudFormationClient,
    input: { RegistrationToken: string },
  ): Promise<{ state: WaiterState; reason: DescribeTypeRegistrationCommandOutput }> => {
    const status = await client.send(new DescribeTypeRegistrationCommand(input));
    const line = `${status.ProgressStatus ?? 'UNKNOWN'}: ${status.Description ?? ''}`.trim();
    if (line !== lastReported) {
      const seconds = Math.round((deps.now().getTime() - started) / 1000);
      deps.log(`  [${seconds}s] ${line}`);
      lastReported = line;
    }
    // RegistrationStatus is COMPLETE, IN_PROGRESS or FAILED (CloudFormation API, DescribeTypeRegistration).
    if (status.ProgressStatus === 'COMPLETE') return { state: WaiterState.SUCCESS, reason: status };
    if (status.ProgressStatus === 'FAILED') return { state: WaiterState.FAILURE, reason: status };
    return { state: WaiterState.RETRY, reason: status };
  };
  let result;
  try {
    result = await createWaiter(
      { client: deps.cloudFormation, ...deps.timing },
      { RegistrationToken: registrationToken },
      check,
    );
  } catch (error) {
    throw explain(error, 'Waiting for the registration', 'cloudformation:DescribeTypeRegistration', profile);
  }
  if (result.state === WaiterState.SUCCESS && result.reason) return result.reason;
  if (result.state === WaiterState.FAILURE) {
    throw new RegisterError(`Registration failed: ${result.reason?.Description ?? 'no description given'}`);
  }
  throw new RegisterError(
    `Registration still in progress after ${deps.timing.maxWaitTime} s. Check it with: aws cloudformation ` +
      `describe-type-registration --registration-token ${registrationToken}`,
  );
}

export async function register(
  options: RegisterOptions,
  deps: RegisterDependencies,
): Promise<RegisterResult> {
  // The package and the options first: resolving credentials may already call AWS (SSO, STS, instance metadata).
  const stateTable = stateTableFor(options);
  const body = await readCheckedPackage(options);
  const region = await checkCredentialsAndRegion(deps.cloudFormation, options.profile);
  deps.log(`Registering ${options.typeName} (${options.packageName}) in ${region}`);
  const packageUrl = await upload(options, body, deps, region);
  // The table before the type: a registered type's first handler call needs it.
  if (stateTable !== undefined) await ensureStateTable(stateTable, deps, options.profile);
  const executionRoleArn = await executionRole(options, deps, stateTable);
  const { logRoleArn, logGroupName } = await logging(options, deps);

  let registrationToken: string | undefined;
  try {
    ({ RegistrationToken: registrationToken } = await deps.cloudFormation.send(
      new RegisterTypeCommand({
        Type: 'RESOURCE',
        TypeName: options.typeName,
        SchemaHandlerPackage: packageUrl,
        ExecutionRoleArn: executionRoleArn,
        LoggingConfig: { LogRoleArn: logRoleArn, LogGroupName: logGroupName },
        ClientRequestToken: randomUUID(),
      }),
    ));
  } catch (error) {
    // RegisterType checks iam:PassRole on the roles it is given (the AWS::CloudFormation::ResourceVersion
    // schema lists it for that reason: aws-cloudformation-resource-providers-cloudformation PR #11) and needs
    // s3:GetObject on the package (RegisterType API reference, SchemaHandlerPackage).
    throw explain(
      error,
      'RegisterType',
      `cloudformation:RegisterType, iam:PassRole on the execution and log roles, and s3:GetObject on ${packageUrl}`,
      options.profile,
    );
  }
  if (!registrationToken) throw new RegisterError('RegisterType returned no registration token.');
  deps.log(`Registration started (token ${registrationToken})`);

  const registration = await waitForRegistration(registrationToken, deps, options.profile);
  const typeVersionArn = registration.TypeVersionArn;
  const typeArn = registration.TypeArn;
  if (!typeVersionArn || !typeArn)
    throw new RegisterError('The completed registration has no type version ARN.');

  try {
    await deps.cloudFormation.send(new SetTypeDefaultVersionCommand({ Arn: typeVersionArn }));
  } catch (error) {
    throw explain(error, 'SetTypeDefaultVersion', 'cloudformation:SetTypeDefaultVersion', options.profile);
  }
  deps.log(`Default version set to ${typeVersionArn}`);
  if (stateTable !== undefined) await configureStateTable(typeArn, stateTable, deps, options.profile);
  return {
    packageUrl,
    executionRoleArn,
    logRoleArn,
    logGroupName,
    typeArn,
    typeVersionArn,
    ...(stateTable === undefined ? {} : { stateTable }),
  };
}

export const USAGE = `Usage: npm run register -- --type-name <Org::Service::Type> --bucket <bucket> [options]

  --type-name <name>           private type name to register, e.g. ${exampleTypeName(RESOURCE_TYPES[0].typeName)} (required)
  --bucket <bucket>            S3 bucket in the target Region for the package (required)
  --type <package>             ${RESOURCE_TYPES.map((type) => type.packageName).join(' | ')}
                               (default: the one whose schema name ends like --type-name)
  --package <file>             package zip (default: build/<type>.zip from npm run package)
  --region <region>            AWS Region (default: the SDK's: AWS_REGION or the profile's)
  --profile <profile>          shared config/credentials profile (default: the SDK's chain)
  --execution-role-arn <arn>   use this execution role instead of deploying <name>-role-stack
  --log-role-arn <arn>         use this log delivery role instead of deploying <name>-logging-stack
  --log-group <name>           handler log group (default: <Org-Service-Type>-logs)
  --state-table <name>         for a type that keeps state in DynamoDB: its table, created if absent and set
                               as the type configuration's StateTable (default: ${STATE_TABLE.defaultName})
  --help, -h                   show this text`;

export interface CliArguments {
  options: RegisterOptions;
  region?: string;
}

/** Parses and checks the command line; throws RegisterError for anything a user must fix. */
export function parseCommandLine(argv: string[]): CliArguments | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        'type-name': { type: 'string' },
        bucket: { type: 'string' },
        type: { type: 'string' },
        package: { type: 'string' },
        region: { type: 'string' },
        profile: { type: 'string' },
        'execution-role-arn': { type: 'string' },
        'log-role-arn': { type: 'string' },
        'log-group': { type: 'string' },
        'state-table': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new RegisterError(errorMessage(error));
  }
  if (values.help) return 'help';
  const typeName = values['type-name'];
  const bucket = values.bucket?.replace(/^s3:\/\//, '').replace(/\/+$/, '');
  if (!typeName) throw new RegisterError('--type-name is required.');
  if (!bucket) throw new RegisterError('--bucket is required.');
  try {
    validateTypeName(typeName);
  } catch (error) {
    throw new RegisterError(`--type-name: ${errorMessage(error)}`);
  }
  const packageName = values.type ?? packageForTypeName(typeName);
  if (!RESOURCE_TYPES.some((type) => type.packageName === packageName)) {
    throw new RegisterError(
      `--type ${packageName} is not one of: ${RESOURCE_TYPES.map((type) => type.packageName).join(', ')}.`,
    );
  }
  const parsed: CliArguments = {
    region: values.region,
    options: {
      typeName,
      bucket,
      packageName,
      packagePath: values.package
        ? path.resolve(values.package)
        : path.join(DEFAULT_PACKAGE_DIR, `${packageName}.zip`),
      executionRoleArn: values['execution-role-arn'],
      logRoleArn: values['log-role-arn'],
      logGroupName: values['log-group'] ?? defaultLogGroupName(typeName),
      profile: values.profile,
      stateTable: values['state-table'],
    },
  };
  // Checked here too, so that a bad --state-table is a usage error (exit code 2).
  stateTableFor(parsed.options);
  return parsed;
}

/** `Org::SSO::ApplicationAssignment` -> the package whose schema is `AWS::SSO::ApplicationAssignment`. */
function packageForTypeName(typeName: string): string {
  const resourceName = typeName.split('::')[2];
  for (const type of RESOURCE_TYPES) {
    if (loadSchema(type).typeName.split('::')[2] === resourceName) return type.packageName;
  }
  throw new RegisterError(`Cannot tell which package ${typeName} is: pass --type.`);
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    console.error(`${errorMessage(error)}\n\n${USAGE}`);
    return 2;
  }
  if (parsed === 'help') {
    console.log(USAGE);
    return 0;
  }
  const { options, region } = parsed;
  const clientConfig = { region, profile: options.profile };
  try {
    const result = await register(options, {
      cloudFormation: new CloudFormationClient(clientConfig),
      s3: new S3Client(clientConfig),
      dynamoDb: new DynamoDBClient(clientConfig),
      log: (line) => console.log(line),
      timing: DEFAULT_POLL_TIMING,
      now: () => new Date(),
    });
    console.log(
      [
        `Registered ${options.typeName}`,
        `  type:            ${result.typeArn}`,
        `  default version: ${result.typeVersionArn}`,
        `  execution role:  ${result.executionRoleArn}`,
        `  log group:       ${result.logGroupName}`,
        ...(result.stateTable === undefined ? [] : [`  state table:     ${result.stateTable}`]),
      ].join('\n'),
    );
    return 0;
  } catch (error) {
    console.error(
      error instanceof RegisterError
        ? error.message
        : `Unexpected error: ${errorName(error)}: ${errorMessage(error)}`,
    );
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(errorMessage(error));
      process.exitCode = 1;
    },
  );
}

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AlreadyExistsException,
  CloudFormationClient,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  DescribeTypeRegistrationCommand,
  RegisterTypeCommand,
  SetTypeDefaultVersionCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { NoSuchBucket, PutObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { CredentialsProviderError } from '@smithy/core/config';
import { strToU8, zipSync } from 'fflate';
import {
  main,
  packageCommandFor,
  parseCommandLine,
  register,
  RegisterOptions,
} from '../../dev/register/register';
import { DEFAULT_ORGANIZATION } from '../../dev/package/type-name';
import { REPOSITORY_ROOT, RESOURCE_TYPES } from '../../dev/types';
import { parseTemplate } from './cloudformation-yaml';
import {
  awsError,
  cloudFormationMock,
  CREDENTIALS,
  dynamoDbMock,
  failure,
  inOrganization,
  registerDependencies,
  registerOptions,
  type Registration,
  registration,
  registrationSucceeds,
  resetRegisterMocks,
  s3Mock,
  writePackage,
} from './register-mock';
import { stateTableIsReady, stateTableOf } from './state-table-mock';

let workDir: string;
let packagePath: string;
let lines: string[];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Any registered type, for the command-line cases that need one to name. */
const ANY = registration(RESOURCE_TYPES[0]);

function deps(credentials: CloudFormationClient['config']['credentials'] | typeof CREDENTIALS = CREDENTIALS) {
  return registerDependencies((line) => lines.push(line), credentials);
}

function options(type: Registration, overrides: Partial<RegisterOptions> = {}): RegisterOptions {
  return registerOptions(type, packagePath, overrides);
}

/** Everything succeeds, the registration after two IN_PROGRESS polls (the progress test counts them). */
function setUpHappyPath(type: Registration): void {
  registrationSucceeds(type, 2);
}

beforeEach(() => {
  resetRegisterMocks();
  // Types that keep state get their table first; register-state-table.test.ts covers those calls.
  stateTableIsReady(dynamoDbMock);
  lines = [];
  workDir = mkdtempSync(path.join(tmpdir(), 'register-test-'));
});

afterEach(() => rmSync(workDir, { recursive: true, force: true }));

describe.each(RESOURCE_TYPES)('registering $typeName', (entry) => {
  const type = registration(entry);
  /** What a plain `npm run package` stamps: the default organisation. */
  const defaultName = inOrganization(entry.typeName, DEFAULT_ORGANIZATION);

  beforeEach(() => {
    packagePath = path.join(workDir, `${entry.packageName}.zip`);
    writePackage(packagePath, type.typeName);
  });

  describe('register', () => {
    test('uploads, deploys the role and logging stacks, registers, waits and sets the default version', async () => {
      setUpHappyPath(type);
      const result = await register(options(type), deps());

      const upload = s3Mock.commandCalls(PutObjectCommand)[0].args[0].input;
      expect(upload).toMatchObject({
        Bucket: 'my-artifacts',
        Key: type.uploadKey,
        ContentType: 'application/zip',
      });
      expect(Buffer.from(upload.Body as Uint8Array).equals(readFileSync(packagePath))).toBe(true);

      expect(
        cloudFormationMock.commandCalls(CreateStackCommand).map((call) => call.args[0].input.StackName),
      ).toEqual([type.roleStack, type.loggingStack]);
      expect(cloudFormationMock.commandCalls(RegisterTypeCommand)[0].args[0].input).toEqual({
        Type: 'RESOURCE',
        TypeName: type.typeName,
        SchemaHandlerPackage: `s3://my-artifacts/${type.uploadKey}`,
        ExecutionRoleArn: type.executionRole,
        LoggingConfig: { LogRoleArn: type.logRole, LogGroupName: type.logGroupName },
        ClientRequestToken: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(cloudFormationMock.commandCalls(DescribeTypeRegistrationCommand)).toHaveLength(3);
      expect(cloudFormationMock.commandCalls(SetTypeDefaultVersionCommand)[0].args[0].input).toEqual({
        Arn: type.versionArn,
      });
      expect(result).toEqual({
        packageUrl: `s3://my-artifacts/${type.uploadKey}`,
        executionRoleArn: type.executionRole,
        logRoleArn: type.logRole,
        logGroupName: type.logGroupName,
        typeArn: type.typeArn,
        typeVersionArn: type.versionArn,
        ...stateTableOf(entry),
      });
    });

    test('shows each change of registration progress once, and never the credentials', async () => {
      setUpHappyPath(type);
      await register(options(type), deps());
      const progress = lines.filter((line) => line.includes('Deployment is currently'));
      expect(progress.map((line) => line.replace(/\[\d+s\] /, ''))).toEqual([
        '  IN_PROGRESS: Deployment is currently in DEPLOY_STAGE',
        '  COMPLETE: Deployment is currently in COMPLETE',
      ]);
      expect(lines.join('\n')).not.toContain(CREDENTIALS.secretAccessKey);
      expect(lines.join('\n')).not.toContain(CREDENTIALS.accessKeyId);
    });

    test('the role stack is resource-role.yaml rendered for the private name being registered', async () => {
      setUpHappyPath(type);
      await register(options(type), deps());
      const roleStack = cloudFormationMock
        .commandCalls(CreateStackCommand)
        .find((call) => call.args[0].input.StackName === type.roleStack);
      expect(roleStack?.args[0].input.Capabilities).toEqual(['CAPABILITY_IAM']);
      const template = parseTemplate(roleStack?.args[0].input.TemplateBody ?? '');
      expect(JSON.stringify(template.Resources.ExecutionRole)).toContain(
        `:type/resource/${type.hyphenated}/*`,
      );
      expect(JSON.stringify(template.Resources.ExecutionRole)).toContain(
        `sso:${type.entry.emulator.createOperation}`,
      );
    });

    test('given role ARNs, no stack is deployed and the ARNs are registered as given', async () => {
      setUpHappyPath(type);
      await register(
        options(type, {
          executionRoleArn: 'arn:aws:iam::1:role/exec',
          logRoleArn: 'arn:aws:iam::1:role/log',
          logGroupName: 'g',
        }),
        deps(),
      );
      expect(cloudFormationMock.commandCalls(CreateStackCommand)).toHaveLength(0);
      expect(cloudFormationMock.commandCalls(RegisterTypeCommand)[0].args[0].input).toMatchObject({
        ExecutionRoleArn: 'arn:aws:iam::1:role/exec',
        LoggingConfig: { LogRoleArn: 'arn:aws:iam::1:role/log', LogGroupName: 'g' },
      });
    });

    test('existing, unchanged stacks are reused: the update reports "No updates are to be performed."', async () => {
      setUpHappyPath(type);
      cloudFormationMock
        .on(CreateStackCommand)
        .rejects(new AlreadyExistsException({ $metadata: { httpStatusCode: 400 }, message: 'exists' }));
      cloudFormationMock
        .on(UpdateStackCommand)
        .rejects(awsError('ValidationError', 400, 'No updates are to be performed.'));
      const result = await register(options(type), deps());
      expect(cloudFormationMock.commandCalls(UpdateStackCommand)).toHaveLength(2);
      expect(result.executionRoleArn).toBe(type.executionRole);
      expect(lines).toContain(`Stack ${type.roleStack} is up to date`);
    });

    test('no credentials: a clear message before any AWS call', async () => {
      setUpHappyPath(type);
      const missing = () =>
        Promise.reject(new CredentialsProviderError('Could not load credentials from any providers'));
      const error = await failure(register(options(type, { profile: 'work' }), deps(missing)));
      expect(error.message).toMatch(/^No AWS credentials found \(profile "work"\)/);
      expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
      expect(cloudFormationMock.calls()).toHaveLength(0);
    });

    test('missing bucket: says so and registers nothing', async () => {
      setUpHappyPath(type);
      s3Mock.on(PutObjectCommand).rejects(
        new NoSuchBucket({
          $metadata: { httpStatusCode: 404 },
          message: 'The specified bucket does not exist',
        }),
      );
      const error = await failure(register(options(type), deps()));
      expect(error.message).toContain('Bucket "my-artifacts" does not exist');
      expect(error.message).toContain('eu-west-1');
      expect(cloudFormationMock.commandCalls(RegisterTypeCommand)).toHaveLength(0);
    });

    test('bucket in another Region: says to use the registration Region', async () => {
      setUpHappyPath(type);
      s3Mock.on(PutObjectCommand).rejects(
        new S3ServiceException({
          name: 'PermanentRedirect',
          $fault: 'client',
          $metadata: { httpStatusCode: 301 },
          message: 'The bucket you are attempting to access must be addressed using the specified endpoint.',
        }),
      );
      const error = await failure(register(options(type), deps()));
      expect(error.message).toContain('is not in eu-west-1');
    });

    test('access denied on upload names the S3 permission', async () => {
      setUpHappyPath(type);
      s3Mock.on(PutObjectCommand).rejects(
        new S3ServiceException({
          name: 'AccessDenied',
          $fault: 'client',
          $metadata: { httpStatusCode: 403 },
          message: 'Access Denied',
        }),
      );
      const error = await failure(register(options(type), deps()));
      expect(error.message).toContain('access denied');
      expect(error.message).toContain('s3:PutObject on arn:aws:s3:::my-artifacts/*');
    });

    test('access denied on RegisterType names the registry permissions', async () => {
      setUpHappyPath(type);
      cloudFormationMock
        .on(RegisterTypeCommand)
        .rejects(
          awsError('AccessDenied', 403, 'User is not authorized to perform: cloudformation:RegisterType'),
        );
      const error = await failure(register(options(type), deps()));
      expect(error.message).toMatch(
        /^RegisterType: access denied\. The caller needs cloudformation:RegisterType/,
      );
      expect(cloudFormationMock.commandCalls(DescribeTypeRegistrationCommand)).toHaveLength(0);
    });

    test('a failed registration prints its description and leaves the default version alone', async () => {
      setUpHappyPath(type);
      cloudFormationMock.on(DescribeTypeRegistrationCommand).resolves({
        ProgressStatus: 'FAILED',
        Description: 'Schema validation failed: typeName does not match the package',
      });
      const error = await failure(register(options(type), deps()));
      expect(error.message).toBe(
        'Registration failed: Schema validation failed: typeName does not match the package',
      );
      expect(cloudFormationMock.commandCalls(SetTypeDefaultVersionCommand)).toHaveLength(0);
    });

    test('a registration that never finishes stops at the wait limit with the token to check', async () => {
      setUpHappyPath(type);
      cloudFormationMock.on(DescribeTypeRegistrationCommand).resolves({ ProgressStatus: 'IN_PROGRESS' });
      const dependencies = { ...deps(), timing: { minDelay: 0.001, maxDelay: 0.002, maxWaitTime: 0.05 } };
      const error = await failure(register(options(type), dependencies));
      expect(error.message).toContain('--registration-token token-1');
      expect(cloudFormationMock.commandCalls(SetTypeDefaultVersionCommand)).toHaveLength(0);
    });

    test('a role stack that rolls back reports the failed resources', async () => {
      setUpHappyPath(type);
      cloudFormationMock.on(DescribeStacksCommand, { StackName: type.roleStack }).resolves({
        Stacks: [{ StackName: type.roleStack, StackStatus: 'ROLLBACK_COMPLETE', CreationTime: new Date() }],
      });
      cloudFormationMock.on(DescribeStackEventsCommand).resolves({
        StackEvents: [
          {
            StackId: 's',
            EventId: '2',
            StackName: type.roleStack,
            Timestamp: new Date(),
            ResourceStatus: 'ROLLBACK_COMPLETE',
          },
          {
            StackId: 's',
            EventId: '1',
            StackName: type.roleStack,
            Timestamp: new Date(),
            LogicalResourceId: 'ExecutionRole',
            ResourceStatus: 'CREATE_FAILED',
            ResourceStatusReason: 'not authorized to perform: iam:CreateRole',
          },
        ],
      });
      const error = await failure(register(options(type), deps()));
      expect(error.message).toContain(`Stack ${type.roleStack} did not create successfully.`);
      expect(error.message).toContain(
        'ExecutionRole CREATE_FAILED: not authorized to perform: iam:CreateRole',
      );
      expect(cloudFormationMock.commandCalls(RegisterTypeCommand)).toHaveLength(0);
    });

    test('a stack left in ROLLBACK_COMPLETE by an earlier attempt: says to delete it', async () => {
      setUpHappyPath(type);
      cloudFormationMock
        .on(CreateStackCommand)
        .rejects(new AlreadyExistsException({ $metadata: { httpStatusCode: 400 }, message: 'exists' }));
      cloudFormationMock
        .on(UpdateStackCommand)
        .rejects(
          awsError(
            'ValidationError',
            400,
            `Stack:${type.roleStack} is in ROLLBACK_COMPLETE state and can not be updated.`,
          ),
        );
      const error = await failure(register(options(type), deps()));
      expect(error.message).toContain(`aws cloudformation delete-stack --stack-name ${type.roleStack}`);
    });
  });

  describe('the package is checked before any AWS call', () => {
    /** Credentials that record whether anything asked for them (resolving them may itself call AWS). */
    function watchedDeps() {
      const credentials = jest.fn(() => Promise.resolve(CREDENTIALS));
      return { dependencies: deps(credentials), credentials };
    }

    function expectNothingSentToAws(credentials: jest.Mock): void {
      expect(credentials).not.toHaveBeenCalled();
      expect(s3Mock.calls()).toHaveLength(0);
      expect(cloudFormationMock.calls()).toHaveLength(0);
      expect(dynamoDbMock.calls()).toHaveLength(0);
    }

    test('a package stamped with another name is refused, naming both names and the command that fixes it', async () => {
      setUpHappyPath(type);
      // What a plain `npm run package` writes: the default name.
      writePackage(packagePath, defaultName);
      const { dependencies, credentials } = watchedDeps();
      const error = await failure(register(options(type, { packagePath }), dependencies));
      expect(error.message).toContain(`was built for ${defaultName}, not ${type.typeName}`);
      expect(error.message).toContain(`npm run package -- --type-name ${type.typeName}`);
      expectNothingSentToAws(credentials);
    });

    test('.rpdk-config is checked too: a package stamped half with another name is refused', async () => {
      setUpHappyPath(type);
      const other = inOrganization(entry.typeName, 'Other');
      writePackage(packagePath, type.typeName, { schema: type.typeName, settings: other });
      const { dependencies, credentials } = watchedDeps();
      const error = await failure(register(options(type, { packagePath }), dependencies));
      expect(error.message).toContain(`its .rpdk-config names ${other}`);
      expectNothingSentToAws(credentials);
    });

    test('a missing package (register before package) says how to build it, before any AWS call', async () => {
      setUpHappyPath(type);
      const { dependencies, credentials } = watchedDeps();
      const zipName = `${entry.packageName}.zip`;
      const absent = path.join(workDir, 'absent', zipName);
      const error = await failure(register(options(type, { packagePath: absent }), dependencies));
      expect(error.message).toMatch(
        new RegExp(`^Package .*absent.${escapeRegExp(zipName)} not found\\. Build it first: `),
      );
      expect(error.message).toContain(`npm run package -- --type-name ${type.typeName} --outdir `);
      expectNothingSentToAws(credentials);
    });

    test.each([
      ['not a zip', (file: string) => writeFileSync(file, 'not a zip at all'), /is not a zip file/],
      [
        'a zip without schema.json',
        (file: string) => writeFileSync(file, zipSync({ 'handlers.js': strToU8('exports.x = 1') })),
        /has no typeName in schema\.json: it is not a package from npm run package/,
      ],
      ['a directory', (file: string) => mkdirSync(file), /is a directory, not a package zip/],
    ])('%s is refused with what is wrong and how to build one', async (_what, make, message) => {
      setUpHappyPath(type);
      const file = path.join(workDir, 'odd.zip');
      make(file);
      const { dependencies, credentials } = watchedDeps();
      const error = await failure(register(options(type, { packagePath: file }), dependencies));
      expect(error.message).toMatch(message);
      expect(error.message).toContain(`npm run package -- --type-name ${type.typeName}`);
      expectNothingSentToAws(credentials);
    });

    test('the fix command adds --type when the name does not say the type, and the package folder', () => {
      const file = path.join(workDir, 'out', `${entry.packageName}.zip`);
      // The same resource name under another service: not a name any registered type has.
      const unsaid = `Org::Elsewhere::${entry.typeName.split('::')[2]}`;
      expect(packageCommandFor(options(type, { typeName: unsaid, packagePath: file }))).toBe(
        `npm run package -- --type-name ${unsaid} --type ${entry.key} --outdir ${path.dirname(file)}`,
      );
      const defaultPath = path.join(REPOSITORY_ROOT, 'build', `${entry.packageName}.zip`);
      expect(packageCommandFor(options(type, { packagePath: defaultPath }))).toBe(
        `npm run package -- --type-name ${type.typeName}`,
      );
    });

    test('the command exits 1 with the message, after a plain npm run package', async () => {
      setUpHappyPath(type);
      writePackage(packagePath, defaultName);
      const errors: string[] = [];
      const errorSpy = jest.spyOn(console, 'error').mockImplementation((text: string) => errors.push(text));
      // Should the check ever regress, the SDK's chain finds these and stops there (no profile or instance
      // metadata lookup); the mocked clients send nothing anywhere.
      const savedEnvironment = { ...process.env };
      process.env.AWS_ACCESS_KEY_ID = CREDENTIALS.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = CREDENTIALS.secretAccessKey;
      try {
        const code = await main([
          '--type-name',
          type.typeName,
          '--bucket',
          'my-artifacts',
          '--region',
          'eu-west-1',
          '--package',
          packagePath,
        ]);
        expect(code).toBe(1);
      } finally {
        errorSpy.mockRestore();
        process.env = savedEnvironment;
      }
      expect(errors.join('\n')).toContain(`was built for ${defaultName}, not ${type.typeName}`);
      expect(errors.join('\n')).toContain(`npm run package -- --type-name ${type.typeName}`);
      expect(s3Mock.calls()).toHaveLength(0);
      expect(cloudFormationMock.calls()).toHaveLength(0);
    });
  });
});

describe('command line', () => {
  test.each(RESOURCE_TYPES)(
    'reads every option; the package and log group of $key default from the type',
    (entry) => {
      const type = registration(entry);
      const parsed = parseCommandLine([
        '--type-name',
        type.typeName,
        '--bucket',
        's3://my-artifacts/',
        '--region',
        'eu-west-1',
        '--profile',
        'work',
      ]);
      expect(parsed).toEqual({
        region: 'eu-west-1',
        options: {
          typeName: type.typeName,
          bucket: 'my-artifacts',
          packageName: entry.packageName,
          packagePath: path.join(REPOSITORY_ROOT, 'build', `${entry.packageName}.zip`),
          executionRoleArn: undefined,
          logRoleArn: undefined,
          logGroupName: type.logGroupName,
          profile: 'work',
        },
      });
    },
  );

  test.each([
    [['--bucket', 'b'], '--type-name is required.'],
    [['--type-name', ANY.typeName], '--bucket is required.'],
    [['--type-name', 'Org::SSO', '--bucket', 'b'], 'it has 2 parts; a resource type name has exactly three'],
    [['--type-name', 'Custom::X::Y', '--bucket', 'b'], "the organization 'Custom' is reserved"],
    [
      ['--type-name', inOrganization(ANY.typeName, 'AWS'), '--bucket', 'b'],
      "the organization 'AWS' is reserved",
    ],
    [['--type-name', 'Org::SSO::Other', '--bucket', 'b'], 'pass --type'],
    [['--type-name', ANY.typeName, '--bucket', 'b', '--type', 'nope'], '--type nope is not one of'],
    [['--type-name', ANY.typeName, '--bucket', 'b', '--colour'], "Unknown option '--colour'"],
  ])('%j is refused: %s', (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(message);
  });

  test('exit code 2 with usage for bad arguments, 0 for --help', async () => {
    const errors: string[] = [];
    const output: string[] = [];
    const errorSpy = jest.spyOn(console, 'error').mockImplementation((text: string) => errors.push(text));
    const logSpy = jest.spyOn(console, 'log').mockImplementation((text: string) => output.push(text));
    try {
      expect(await main(['--bucket', 'b'])).toBe(2);
      expect(errors.join('\n')).toContain('Usage: npm run register');
      expect(await main(['--help'])).toBe(0);
      expect(output.join('\n')).toContain('--execution-role-arn');
      output.length = 0;
      expect(await main(['-h'])).toBe(0);
      expect(output.join('\n')).toContain('Usage: npm run register');
    } finally {
      errorSpy.mockRestore();
      logSpy.mockRestore();
    }
  });
});

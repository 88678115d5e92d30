// `npm run invoke` as a user runs it (a child process): what the default shows for each sam-tests event,
// that nothing leaves the machine without --live (every socket recorded), HandlerRequests under a registered
// name, file errors, and --follow with the waits scaled away.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  type CredentialsPayload,
  parseProgressEvent,
  parseTestEvent,
  type ProgressEventPayload,
  type ResourceProperties,
  testEventToHandlerRequest,
  type TestEventPayload,
} from '../../dev/driver';
import {
  type LocalServices,
  type RunningEmulator,
  startLocalServices,
  STATE_TABLE_ENDPOINT_VARIABLE,
} from '../../dev/emulator';
import {
  availableResourceTypes,
  REPOSITORY_ROOT,
  type ResourceTypeEntry,
  seedResource,
} from '../../dev/types';
import { isLoopback, runScript, runScriptRecordingConnections } from './support/scripts';

const types = availableResourceTypes();

function samEvent(entry: ResourceTypeEntry, file: string): { relativePath: string; event: TestEventPayload } {
  const fullPath = path.join(entry.samTestsDir, file);
  return {
    relativePath: path.relative(REPOSITORY_ROOT, fullPath),
    event: parseTestEvent(JSON.parse(readFileSync(fullPath, 'utf8'))),
  };
}

/** The response JSON the script printed on stdout, checked as a ProgressEvent. */
function responseOf(stdout: string): ProgressEventPayload {
  return parseProgressEvent('READ', JSON.parse(stdout));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function expectNoStackTrace(text: string): void {
  expect(text).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'invoke-script-'));
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.each(types.map((entry) => [entry.typeName, entry] as const))(
  '%s sam-tests events',
  (_name, entry) => {
    test('read.json by default finds the event resource: SUCCESS with the model read back', async () => {
      const { relativePath, event } = samEvent(entry, 'read.json');
      const run = await runScript('invoke', [relativePath]);
      expect(run.code).toBe(0);
      expect(responseOf(run.stdout)).toMatchObject({
        status: 'SUCCESS',
        resourceModel: event.request.desiredResourceState,
      });
      expect(run.stderr).toContain("the event's resource, added first (--absent: without it)");
    });

    test('list.json by default lists the event resource, and only what matches its filter', async () => {
      const { relativePath, event } = samEvent(entry, 'list.json');
      const run = await runScript('invoke', [relativePath]);
      expect(run.code).toBe(0);
      const response = responseOf(run.stdout);
      expect(response.status).toBe('SUCCESS');
      expect(response.resourceModels?.length).toBeGreaterThan(0);
      for (const model of response.resourceModels ?? []) {
        expect(model).toMatchObject(event.request.desiredResourceState);
      }
    });

    test('delete.json by default deletes the event resource (followed to the end)', async () => {
      const { relativePath } = samEvent(entry, 'delete.json');
      const run = await runScript('invoke', [relativePath, '--follow', '--time-scale', '0']);
      expect(run.code).toBe(0);
      expect(responseOf(run.stdout).status).toBe('SUCCESS');
    });
  },
);

describe.each(types.map((entry) => [entry.typeName, entry] as const))('seeding flags, %s', (_name, entry) => {
  test('--absent starts without the event resource: READ answers NotFound', async () => {
    const run = await runScript('invoke', [samEvent(entry, 'read.json').relativePath, '--absent']);
    expect(run.code).toBe(0);
    expect(responseOf(run.stdout)).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
    expect(run.stderr).toContain("without the event's resource");
  });

  test('--absent on LIST answers an empty list', async () => {
    const run = await runScript('invoke', [samEvent(entry, 'list.json').relativePath, '--absent']);
    expect(run.code).toBe(0);
    expect(responseOf(run.stdout)).toMatchObject({ status: 'SUCCESS', resourceModels: [] });
  });

  test('--existing is still accepted: on CREATE it seeds first, so the answer is AlreadyExists', async () => {
    const run = await runScript('invoke', [samEvent(entry, 'create.json').relativePath, '--existing']);
    expect(run.code).toBe(0);
    expect(responseOf(run.stdout)).toMatchObject({ status: 'FAILED', errorCode: 'AlreadyExists' });
  });

  test('--existing with --absent is a usage error (exit code 2)', async () => {
    const run = await runScript('invoke', [
      samEvent(entry, 'read.json').relativePath,
      '--existing',
      '--absent',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--existing and --absent');
    expect(run.stdout).toBe('');
  });
});

describe.each(types.map((entry) => [entry.typeName, entry] as const))(
  'a %s HandlerRequest with provider credentials and a log group, under a registered name',
  (_name, entry) => {
    const [, service, resource] = entry.typeName.split('::');
    const registeredName = `Acme::${service}::${resource}`;
    const logGroup = `${registeredName.split('::').join('-').toLowerCase()}-logs`;
    const providerCredentials: CredentialsPayload = {
      accessKeyId: 'ASIAPROVIDERKEYEXAMPLE',
      secretAccessKey: 'providerSecretAccessKey/EXAMPLE0123456789abcdef',
      sessionToken: 'providerSessionTokenEXAMPLE0123456789abcdef',
    };
    const callerCredentials: CredentialsPayload = {
      accessKeyId: 'ASIACALLERKEYEXAMPLE',
      secretAccessKey: 'callerSecretAccessKey/EXAMPLE0123456789abcdef',
      sessionToken: 'callerSessionTokenEXAMPLE0123456789abcdef',
    };
    const secrets = [...Object.values(providerCredentials), ...Object.values(callerCredentials)];
    let requestFile: string;
    let model: ResourceProperties;

    beforeAll(() => {
      const { event } = samEvent(entry, 'read.json');
      model = event.request.desiredResourceState;
      const request = testEventToHandlerRequest(
        { ...event, credentials: callerCredentials },
        {
          typeName: registeredName,
          providerCredentials,
          providerLogGroupName: logGroup,
        },
      );
      requestFile = path.join(scratch, `acme-read-${entry.key}.json`);
      writeFileSync(requestFile, JSON.stringify(request, null, 2));
    });

    test('without --live: understood without --type, the two fields removed (stderr says so), only loopback reached', async () => {
      const run = await runScriptRecordingConnections('invoke', [requestFile, '--verbose']);
      expect(run.code).toBe(0);
      expect(responseOf(run.stdout)).toMatchObject({ status: 'SUCCESS', resourceModel: model });
      expect(run.stderr).toContain(`READ of ${registeredName}`);
      expect(run.stderr).toContain("Removed the event's providerCredentials and providerLogGroupName");
      expect(run.stderr).toContain('--live keeps them');
      // The emulator was reached, and nothing else.
      const tcp = run.destinations.filter((destination) => destination.path === undefined);
      expect(tcp.length).toBeGreaterThan(0);
      expect(run.destinations.filter((destination) => !isLoopback(destination))).toEqual([]);
      for (const secret of secrets) expect(run.stdout + run.stderr).not.toContain(secret);
    });

    describe('with --live', () => {
      let services: LocalServices;
      let emulator: RunningEmulator;

      beforeAll(async () => {
        // A type that keeps state is given the local state table the standard way
        // (AWS_ENDPOINT_URL_DYNAMODB), as the standalone emulator command prints it.
        services = await startLocalServices({ stateTable: entry.stateTable });
        emulator = services.emulator;
        // A type that keeps state reaches SSO Admin only for a resource it has a record of: give it one.
        if (entry.stateTable) await seedResource(entry, emulator, model, services.stateTableEndpoint);
      });

      afterAll(() => services.close());

      test('keeps them: the runtime lib goes for CloudWatch Logs, S3 and CloudWatch metrics in AWS', async () => {
        // The recorder refuses every connection beyond loopback, so these attempts never leave the machine.
        const run = await runScriptRecordingConnections(
          'invoke',
          [requestFile, '--live', '--endpoint', emulator.endpoint],
          services.stateTableEndpoint === undefined
            ? {}
            : { [STATE_TABLE_ENDPOINT_VARIABLE]: services.stateTableEndpoint },
        );
        expect(run.code).toBe(0);
        expect(run.stderr).not.toContain('Removed');
        const remoteHosts = new Set(
          run.destinations.filter((destination) => !isLoopback(destination)).map(({ host }) => host),
        );
        expect([...remoteHosts].sort()).toEqual(
          [
            `${logGroup}-123456789012.s3.us-east-1.amazonaws.com`,
            'logs.us-east-1.amazonaws.com',
            'monitoring.us-east-1.amazonaws.com',
          ].sort(),
        );
        // The handler's own calls went to --endpoint.
        expect(emulator.calls().length).toBeGreaterThan(0);
        for (const secret of secrets) expect(run.stdout + run.stderr).not.toContain(secret);
      });
    });
  },
);

describe('file errors name the file and the problem, exit code 2, no stack trace', () => {
  const cases: [string, () => string, string][] = [
    ['a missing file', () => path.join(scratch, 'no-such-event.json'), 'no such file'],
    [
      'a directory',
      () => {
        const directory = path.join(scratch, 'events');
        mkdirSync(directory, { recursive: true });
        writeFileSync(path.join(directory, 'read.json'), '{}');
        return directory;
      },
      'is a directory, not an event file; it holds read.json',
    ],
    [
      'invalid JSON',
      () => {
        const file = path.join(scratch, 'broken.json');
        writeFileSync(file, '{"action": "READ",');
        return file;
      },
      'not valid JSON',
    ],
    [
      'JSON that is not an object',
      () => {
        const file = path.join(scratch, 'array.json');
        writeFileSync(file, '[1, 2]');
        return file;
      },
      'the JSON is an array, not an object',
    ],
    [
      'an object that is no event',
      () => {
        const file = path.join(scratch, 'not-an-event.json');
        writeFileSync(file, '{"InstanceArn": "arn:aws:sso:::instance/ssoins-72230b9a8e8e8b7a"}');
        return file;
      },
      'Unknown event format',
    ],
    [
      'a resourceType of another service',
      () => {
        const file = path.join(scratch, 'other-type.json');
        const { event } = samEvent(types[0], 'read.json');
        writeFileSync(
          file,
          JSON.stringify(testEventToHandlerRequest(event, { typeName: 'Acme::S3::Bucket' })),
        );
        return file;
      },
      "The event's resourceType 'Acme::S3::Bucket' is not a type of this project",
    ],
  ];

  test.each(cases)('%s', async (_what, makeFile, problem) => {
    const file = makeFile();
    const run = await runScript('invoke', [file]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`^${escapeRegExp(file)}: `));
    expect(run.stderr).toContain(`${file}: ${problem}`);
    expectNoStackTrace(run.stderr);
  });
});

test.each(types.map((entry) => [entry.typeName, entry] as const))(
  '%s create.json --follow --time-scale 0 with a 5 s provisioning time: SUCCESS in a handful of invocations',
  async (_name, entry) => {
    const { relativePath, event } = samEvent(entry, 'create.json');
    const run = await runScript('invoke', [
      relativePath,
      '--follow',
      '--time-scale',
      '0',
      '--provisioning-ms',
      '5000',
    ]);
    expect(run.code).toBe(0);
    expect(responseOf(run.stdout)).toMatchObject({
      status: 'SUCCESS',
      resourceModel: event.request.desiredResourceState,
    });
    // The emulator counts the skipped waits, so the handler polls as often as in a real-time run (the
    // backoff starts at 1 s and doubles), not hundreds of times.
    const invocationLines = run.stderr.split('\n').filter((line) => /^ {2}CREATE #\d+ /.test(line));
    expect(invocationLines.length).toBeLessThan(20);
  },
);

import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import { HandlerErrorCode } from '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib';
import { classifyError, FAILED_ACTION } from '../../src/core/errors';
import { runInInvocation } from '../../src/core/invocation';
import {
  clientSettingsFromSession,
  createSsoAdminClient,
  MissingCredentialsError,
} from '../../src/core/client';

interface Recorded {
  target: string | undefined;
  headers: IncomingHttpHeaders;
}

/** A loopback stand-in that answers SSO Admin calls from a script of (status, body) replies. */
async function scriptedServer(replies: Array<{ status: number; body: object }>) {
  const recorded: Recorded[] = [];
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      recorded.push({
        target: request.headers['x-amz-target'] as string | undefined,
        headers: request.headers,
      });
      const reply = replies.shift() ?? { status: 200, body: { Instances: [] } };
      response.writeHead(reply.status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    recorded,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Any type name: the client only puts it in the user agent. */
const TYPE_NAME = 'Test::Fake::Thing';

const SETTINGS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDCLIENTTEST', secretAccessKey: 'secret', sessionToken: 'token' },
};

const savedEnv = { ...process.env };
afterEach(() => {
  process.env = { ...savedEnv };
});

test('honours AWS_ENDPOINT_URL_SSO_ADMIN and signs with the session credentials', async () => {
  const server = await scriptedServer([{ status: 200, body: { Instances: [{ InstanceArn: 'x' }] } }]);
  try {
    process.env.AWS_ENDPOINT_URL_SSO_ADMIN = server.endpoint;
    const client = createSsoAdminClient(SETTINGS, TYPE_NAME);
    const response = await client.send(new ListInstancesCommand({}));
    expect(response.Instances).toEqual([{ InstanceArn: 'x' }]);
    expect(server.recorded).toHaveLength(1);
    expect(server.recorded[0].target).toBe('SWBExternalService.ListInstances');
    expect(String(server.recorded[0].headers.authorization)).toContain('Credential=AKIDCLIENTTEST/');
    expect(server.recorded[0].headers['x-amz-security-token']).toBe('token');
  } finally {
    await server.close();
  }
});

test('honours the generic AWS_ENDPOINT_URL too', async () => {
  const server = await scriptedServer([]);
  try {
    delete process.env.AWS_ENDPOINT_URL_SSO_ADMIN;
    process.env.AWS_ENDPOINT_URL = server.endpoint;
    await createSsoAdminClient(SETTINGS, TYPE_NAME).send(new ListInstancesCommand({}));
    expect(server.recorded).toHaveLength(1);
  } finally {
    await server.close();
  }
});

test('the user agent names the package and the resource type', async () => {
  const server = await scriptedServer([]);
  try {
    process.env.AWS_ENDPOINT_URL_SSO_ADMIN = server.endpoint;
    await createSsoAdminClient(SETTINGS, 'Acme::Fake::Thing').send(new ListInstancesCommand({}));
    const userAgent = String(
      server.recorded[0].headers['x-amz-user-agent'] ?? server.recorded[0].headers['user-agent'],
    );
    expect(userAgent).toContain('sso-assignment-resource-types/');
    expect(userAgent).toContain('cfn-type/Acme-Fake-Thing');
  } finally {
    await server.close();
  }
});

test('ConflictException is retried by the SDK strategy until it succeeds', async () => {
  const conflict = { status: 400, body: { __type: 'ConflictException', message: 'busy' } };
  const server = await scriptedServer([conflict, conflict, { status: 200, body: { Instances: [] } }]);
  try {
    process.env.AWS_ENDPOINT_URL_SSO_ADMIN = server.endpoint;
    const response = await createSsoAdminClient(SETTINGS, TYPE_NAME).send(new ListInstancesCommand({}));
    expect(response.Instances).toEqual([]);
    expect(server.recorded).toHaveLength(3);
  } finally {
    await server.close();
  }
});

test('a ValidationException is not retried', async () => {
  const server = await scriptedServer([
    { status: 400, body: { __type: 'ValidationException', message: 'bad' } },
  ]);
  try {
    process.env.AWS_ENDPOINT_URL_SSO_ADMIN = server.endpoint;
    const client = createSsoAdminClient(SETTINGS, TYPE_NAME);
    await expect(client.send(new ListInstancesCommand({}))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    expect(server.recorded).toHaveLength(1);
  } finally {
    await server.close();
  }
});

test('a failed call names its IAM action, which the error table puts in the FAILED message', async () => {
  const server = await scriptedServer([
    { status: 400, body: { __type: 'AccessDeniedException', message: 'User is not authorized' } },
  ]);
  try {
    process.env.AWS_ENDPOINT_URL_SSO_ADMIN = server.endpoint;
    const client = createSsoAdminClient(SETTINGS, TYPE_NAME);
    const failure: unknown = await client.send(new ListInstancesCommand({})).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: 'AccessDeniedException', [FAILED_ACTION]: 'sso:ListInstances' });
    expect(classifyError(failure, 'create')).toMatchObject({
      code: HandlerErrorCode.AccessDenied,
      message: expect.stringMatching(
        /^AccessDeniedException \(sso:ListInstances\): User is not authorized\. .*execution role needs sso:ListInstances/,
      ),
    });
  } finally {
    await server.close();
  }
});

describe('clientSettingsFromSession', () => {
  test('reads credentials and region from session.configuration', () => {
    const settings = {
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKID', secretAccessKey: 's', sessionToken: 't' },
    };
    expect(clientSettingsFromSession({ configuration: settings })).toEqual(settings);
  });

  test.each([
    ['no session', undefined],
    ['no credentials', { configuration: { region: 'us-east-1' } }],
    [
      'empty key',
      { configuration: { region: 'us-east-1', credentials: { accessKeyId: '', secretAccessKey: 's' } } },
    ],
    ['no region', { configuration: { credentials: SETTINGS.credentials } }],
  ])('%s is a MissingCredentialsError', (_label, session) => {
    expect(() => clientSettingsFromSession(session)).toThrow(MissingCredentialsError);
  });
});

describe('retries are bounded by the time left in the invocation', () => {
  test('with little time left a throttled call is not retried', async () => {
    const throttled = { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } };
    const server = await scriptedServer([throttled, { status: 200, body: { Instances: [] } }]);
    try {
      process.env.AWS_ENDPOINT_URL_SSO_ADMIN = server.endpoint;
      const client = createSsoAdminClient(SETTINGS, TYPE_NAME);
      await expect(
        runInInvocation({ deadline: Date.now() + 6_000, typeName: TYPE_NAME }, () =>
          client.send(new ListInstancesCommand({})),
        ),
      ).rejects.toMatchObject({ name: 'ThrottlingException' });
      expect(server.recorded).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  test('with time to spare the same call is retried', async () => {
    const throttled = { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } };
    const server = await scriptedServer([throttled, { status: 200, body: { Instances: [] } }]);
    try {
      process.env.AWS_ENDPOINT_URL_SSO_ADMIN = server.endpoint;
      const client = createSsoAdminClient(SETTINGS, TYPE_NAME);
      const response = await runInInvocation({ deadline: Date.now() + 60_000, typeName: 'T' }, () =>
        client.send(new ListInstancesCommand({})),
      );
      expect(response.Instances).toEqual([]);
      expect(server.recorded).toHaveLength(2);
    } finally {
      await server.close();
    }
  });
});

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import {
  clearStateTable,
  createStateTable,
  DEFAULT_WORLD,
  endpointEnvironment,
  pointSdkAt,
  startStateTable,
  stateTableClient,
  type RunningStateTable,
} from '../../dev/emulator';
import { REPOSITORY_ROOT } from '../../dev/types';
import { STATE_TABLE } from '../../dev/types';

const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' };

describe('startStateTable', () => {
  test('serves DynamoDB on a free loopback port until closed', async () => {
    const table = await startStateTable();
    const client = stateTableClient(table.endpoint);
    try {
      expect(table.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(Number(new URL(table.endpoint).port)).toBeGreaterThan(0);
      expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    } finally {
      await table.close();
    }
    // A fresh client: the closed server must refuse new connections.
    const after = stateTableClient(table.endpoint);
    await expect(after.send(new ListTablesCommand({}))).rejects.toThrow(/ECONNREFUSED/);
    after.destroy();
    client.destroy();
  });
});

describe('createStateTable', () => {
  let table: RunningStateTable;
  let client: DynamoDBClient;

  beforeAll(async () => {
    // Tables stay CREATING for a while, as DynamoDB's do, so returning early would show.
    table = await startStateTable({ createTableMs: 300 });
    client = stateTableClient(table.endpoint);
  });
  afterAll(async () => {
    client.destroy();
    await table.close();
  });

  test('creates the default table on-demand with the GroupName key, and returns once it is ACTIVE', async () => {
    await createStateTable(table.endpoint);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: STATE_TABLE.defaultName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([{ AttributeName: STATE_TABLE.partitionKey, KeyType: 'HASH' }]);
    expect(Table?.AttributeDefinitions).toEqual([
      { AttributeName: STATE_TABLE.partitionKey, AttributeType: 'S' },
    ]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
  });

  test('takes another name, and keeps a table that exists', async () => {
    await createStateTable(table.endpoint, 'other-groups');
    await client.send(
      new PutItemCommand({ TableName: 'other-groups', Item: { [STATE_TABLE.partitionKey]: { S: 'kept' } } }),
    );
    await createStateTable(table.endpoint, 'other-groups');
    const { Items } = await client.send(new ScanCommand({ TableName: 'other-groups' }));
    expect(Items).toEqual([{ [STATE_TABLE.partitionKey]: { S: 'kept' } }]);
  });
});

describe('the SDK reaches the table through AWS_ENDPOINT_URL_DYNAMODB', () => {
  let table: RunningStateTable;
  let restore: () => void;

  beforeAll(async () => {
    table = await startStateTable();
    await createStateTable(table.endpoint);
    restore = pointSdkAt('http://127.0.0.1:9', table.endpoint);
  });
  afterAll(async () => {
    restore();
    await table.close();
  });

  test('an item put over HTTP is read back by a client given no endpoint', async () => {
    // jest-setup.js sends every unconfigured client to a dead port: only the setting can route this one.
    const client = new DynamoDBClient({ region: DEFAULT_WORLD.region, credentials: CREDENTIALS });
    const Key = { [STATE_TABLE.partitionKey]: { S: 'developers' } };
    await client.send(
      new PutItemCommand({
        TableName: STATE_TABLE.defaultName,
        Item: { ...Key, Version: { N: '1' } },
        ConditionExpression: 'attribute_not_exists(#key)',
        ExpressionAttributeNames: { '#key': STATE_TABLE.partitionKey },
      }),
    );
    const { Item } = await client.send(new GetItemCommand({ TableName: STATE_TABLE.defaultName, Key }));
    expect(Item).toEqual({ ...Key, Version: { N: '1' } });
    // The conditional write is enforced, as the handlers' versioned writes need.
    await expect(
      client.send(
        new PutItemCommand({
          TableName: STATE_TABLE.defaultName,
          Item: { ...Key, Version: { N: '2' } },
          ConditionExpression: 'attribute_not_exists(#key)',
          ExpressionAttributeNames: { '#key': STATE_TABLE.partitionKey },
        }),
      ),
    ).rejects.toThrow(expect.objectContaining({ name: 'ConditionalCheckFailedException' }));
    client.destroy();
  });

  test('clearStateTable deletes every item, past one BatchWriteItem of 25, and keeps the table', async () => {
    const client = stateTableClient(table.endpoint);
    for (let index = 0; index < 30; index += 1) {
      await client.send(
        new PutItemCommand({
          TableName: STATE_TABLE.defaultName,
          Item: { [STATE_TABLE.partitionKey]: { S: `group-${index}` } },
        }),
      );
    }
    await clearStateTable(table.endpoint);
    const { Count } = await client.send(new ScanCommand({ TableName: STATE_TABLE.defaultName }));
    expect(Count).toBe(0);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: STATE_TABLE.defaultName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    client.destroy();
  });
});

describe('endpoint settings', () => {
  test('DynamoDB is set only when a table endpoint is given', () => {
    expect(endpointEnvironment('http://127.0.0.1:1')).toEqual({
      AWS_ENDPOINT_URL_SSO_ADMIN: 'http://127.0.0.1:1',
      AWS_ENDPOINT_URL_IDENTITYSTORE: 'http://127.0.0.1:1',
      AWS_ENDPOINT_URL_ORGANIZATIONS: 'http://127.0.0.1:1',
    });
    expect(endpointEnvironment('http://127.0.0.1:1', 'http://127.0.0.1:2')).toEqual({
      AWS_ENDPOINT_URL_SSO_ADMIN: 'http://127.0.0.1:1',
      AWS_ENDPOINT_URL_IDENTITYSTORE: 'http://127.0.0.1:1',
      AWS_ENDPOINT_URL_ORGANIZATIONS: 'http://127.0.0.1:1',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:2',
    });
  });

  test('pointSdkAt restores what was set before, the DynamoDB setting included', () => {
    const before = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = 'http://127.0.0.1:3';
    try {
      const restore = pointSdkAt('http://127.0.0.1:1', 'http://127.0.0.1:2');
      expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe('http://127.0.0.1:2');
      restore();
      expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe('http://127.0.0.1:3');
      Reflect.deleteProperty(process.env, 'AWS_ENDPOINT_URL_DYNAMODB');
      const restoreAgain = pointSdkAt('http://127.0.0.1:1', 'http://127.0.0.1:2');
      restoreAgain();
      expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBeUndefined();
      // Without a table endpoint the setting is left as it is.
      process.env.AWS_ENDPOINT_URL_DYNAMODB = 'http://127.0.0.1:3';
      pointSdkAt('http://127.0.0.1:1')();
      expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe('http://127.0.0.1:3');
    } finally {
      if (before === undefined) Reflect.deleteProperty(process.env, 'AWS_ENDPOINT_URL_DYNAMODB');
      else process.env.AWS_ENDPOINT_URL_DYNAMODB = before;
    }
  });
});

describe('dev/emulator/main.ts', () => {
  const running: ChildProcessWithoutNullStreams[] = [];

  /**
   * Starts the command; resolves with what it printed once a line matches `until`. The array goes on
   * collecting what it prints after that.
   */
  async function start(args: string[], until: RegExp): Promise<string[]> {
    const child = spawn(
      process.execPath,
      [require.resolve('tsx/cli'), path.join(REPOSITORY_ROOT, 'dev', 'emulator', 'main.ts'), ...args],
      {
        cwd: REPOSITORY_ROOT,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      },
    );
    running.push(child);
    const lines: string[] = [];
    return new Promise<string[]>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        lines.push(line);
        if (until.test(line)) resolve(lines);
      });
      child.once('exit', (code) => reject(new Error(`main.ts exited with ${code}: ${lines.join('\n')}`)));
    });
  }

  afterEach(async () => {
    await Promise.all(
      running.splice(0).map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
  });

  test('prints every endpoint setting, DynamoDB included, and serves the created default table there', async () => {
    const lines = await start([], /^# state table: /);
    const settings = Object.fromEntries(
      lines.flatMap((line) => {
        const match = /^export (AWS_ENDPOINT_URL_\w+)=(.+)$/.exec(line);
        return match ? [[match[1], match[2]]] : [];
      }),
    );
    expect(Object.keys(settings)).toEqual([
      'AWS_ENDPOINT_URL_SSO_ADMIN',
      'AWS_ENDPOINT_URL_IDENTITYSTORE',
      'AWS_ENDPOINT_URL_ORGANIZATIONS',
      'AWS_ENDPOINT_URL_DYNAMODB',
    ]);
    expect(lines[0]).toBe(settings.AWS_ENDPOINT_URL_SSO_ADMIN);
    expect(settings.AWS_ENDPOINT_URL_DYNAMODB).not.toBe(settings.AWS_ENDPOINT_URL_SSO_ADMIN);
    const client = stateTableClient(settings.AWS_ENDPOINT_URL_DYNAMODB);
    const { Table } = await client.send(new DescribeTableCommand({ TableName: STATE_TABLE.defaultName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    client.destroy();
  });

  test('--no-table starts no table and prints no DynamoDB setting', async () => {
    const lines = await start(['--no-table'], /^export AWS_ENDPOINT_URL_ORGANIZATIONS=/);
    // Give a DynamoDB line the time to follow, should the command still print one.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(lines.join('\n')).not.toContain('DYNAMODB');
  });
});

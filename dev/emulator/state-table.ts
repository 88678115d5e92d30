/**
 * The assignment group's state table on loopback: dynalite (an in-memory DynamoDB on the real JSON wire
 * protocol) plus the table the handlers expect, created through the SDK as `npm run register` creates it.
 * dynalite has no transactions and no UpdateContinuousBackups, so neither is used here.
 */
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  paginateScan,
  ResourceInUseException,
  waitUntilTableExists,
  type AttributeValue,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { STATE_TABLE } from '../types';
import { DEFAULT_WORLD } from './world';

export interface StateTableOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /**
   * How long a new table stays CREATING before it is ACTIVE. Default 0 (at once); give a delay to exercise the
   * wait for ACTIVE. dynalite's own default is 500 ms.
   */
  createTableMs?: number;
  /**
   * Sees every request once its body has arrived: the operation (X-Amz-Target after the dot, e.g. `PutItem`) and
   * the JSON body, e.g. to count calls or size items. dynalite answers the request as usual.
   */
  observe?: (operation: string, body: Buffer) => void;
}

export interface RunningStateTable {
  /** `http://127.0.0.1:PORT`: the value for AWS_ENDPOINT_URL_DYNAMODB. */
  endpoint: string;
  close(): Promise<void>;
}

/** Starts dynalite on loopback. It holds no table until createStateTable (or a client) creates one. */
export async function startStateTable(options: StateTableOptions = {}): Promise<RunningStateTable> {
  // Loaded on first use: most importers of dev/emulator never start a table.
  const { default: dynalite } = await import('dynalite');
  const createTableMs = options.createTableMs ?? 0;
  // Deletes and updates take as long as creation: the same one knob for "how long is a table busy".
  const server = dynalite({ createTableMs, deleteTableMs: createTableMs, updateTableMs: createTableMs });
  const { observe } = options;
  if (observe) {
    server.on('request', (request: IncomingMessage) => {
      // A second reader of the body next to dynalite's own: both see every chunk.
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const target = String(request.headers['x-amz-target'] ?? '');
        observe(target.slice(target.lastIndexOf('.') + 1), Buffer.concat(chunks));
      });
    });
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // SDK clients keep connections alive; an idle one must not hold close() up.
        server.closeAllConnections();
      }),
  };
}

/**
 * An SDK client for the table at `endpoint`. dynalite checks that a request is signed, not by whom, so any
 * credentials do; these name what they are.
 */
export function stateTableClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: DEFAULT_WORLD.region,
    credentials: { accessKeyId: 'local-state-table', secretAccessKey: 'local-state-table' },
    maxAttempts: 1,
  });
}

/** How long createStateTable waits for ACTIVE, in seconds (the SDK waiter's bounds). */
const ACTIVE_WAIT = { minDelay: 0.05, maxDelay: 1, maxWaitTime: 60 };

/**
 * Creates the state table (on-demand, partition key STATE_TABLE.partitionKey of type S, no sort key) and
 * waits until DescribeTable says ACTIVE. A table that already exists is waited for, not re-created.
 */
export async function createStateTable(
  endpoint: string,
  tableName: string = STATE_TABLE.defaultName,
): Promise<void> {
  const client = stateTableClient(endpoint);
  try {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: STATE_TABLE.partitionKey, AttributeType: 'S' }],
          KeySchema: [{ AttributeName: STATE_TABLE.partitionKey, KeyType: 'HASH' }],
        }),
      );
    } catch (error) {
      // CreateTable of an existing table answers ResourceInUseException (DynamoDB API reference).
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    await waitUntilTableExists({ client, ...ACTIVE_WAIT }, { TableName: tableName });
  } finally {
    client.destroy();
  }
}

/** BatchWriteItem takes at most 25 requests (DynamoDB API reference, BatchWriteItem). */
const BATCH_WRITE_LIMIT = 25;

/** Deletes every item of the table, leaving the table itself (faster than re-creating it between tests). */
export async function clearStateTable(
  endpoint: string,
  tableName: string = STATE_TABLE.defaultName,
): Promise<void> {
  const client = stateTableClient(endpoint);
  try {
    const keys: Record<string, AttributeValue>[] = [];
    const pages = paginateScan(
      { client },
      {
        TableName: tableName,
        ProjectionExpression: '#key',
        ExpressionAttributeNames: { '#key': STATE_TABLE.partitionKey },
      },
    );
    for await (const page of pages) keys.push(...(page.Items ?? []));
    for (let start = 0; start < keys.length; start += BATCH_WRITE_LIMIT) {
      let requests: Record<string, WriteRequest[]> = {
        [tableName]: keys.slice(start, start + BATCH_WRITE_LIMIT).map((Key) => ({ DeleteRequest: { Key } })),
      };
      // Unprocessed items are sent again until none remain, as the BatchWriteItem reference asks.
      while (Object.keys(requests).length > 0) {
        const { UnprocessedItems = {} } = await client.send(
          new BatchWriteItemCommand({ RequestItems: requests }),
        );
        requests = UnprocessedItems;
      }
    }
  } finally {
    client.destroy();
  }
}

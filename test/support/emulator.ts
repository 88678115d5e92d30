import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  clearStateTable,
  createStateTable,
  pointSdkAt,
  startEmulator,
  startStateTable,
  stateTableClient,
  type EmulatorOptions,
  type RunningEmulator,
  type RunningStateTable,
} from '../../dev/emulator';
import { STATE_TABLE } from '../../dev/types';

export interface HandlerEmulatorOptions extends EmulatorOptions {
  /**
   * Also serve the assignment group's state table: dynalite with the table created under its default name,
   * AWS_ENDPOINT_URL_DYNAMODB pointed at it, and its items deleted before each test.
   */
  stateTable?: boolean;
}

/** The state table a test file runs against, with a client for looking at its items directly. */
export interface LocalStateTable {
  endpoint: string;
  tableName: string;
  client: DynamoDBClient;
}

/** The running emulator; `.stateTable()` is the table, when the file asked for one. */
export type HandlerEmulator = (() => RunningEmulator) & { stateTable: () => LocalStateTable };

/**
 * One emulator for the test file, with every service the handlers call (SSO Admin, the Identity Store,
 * Organizations and, with `stateTable: true`, DynamoDB) pointed at it before the handlers build their first
 * clients; reset before each test (before the file's own beforeEach hooks, when called at the top of the file)
 * and closed after the file.
 */
export function useHandlerEmulator(options: HandlerEmulatorOptions = {}): HandlerEmulator {
  const { stateTable: withStateTable = false, ...emulatorOptions } = options;
  let emulator: RunningEmulator | undefined;
  let table: (RunningStateTable & LocalStateTable) | undefined;
  let restoreEndpoints: (() => void) | undefined;
  beforeAll(async () => {
    emulator = await startEmulator(emulatorOptions);
    if (withStateTable) {
      const running = await startStateTable();
      await createStateTable(running.endpoint);
      table = {
        ...running,
        tableName: STATE_TABLE.defaultName,
        client: stateTableClient(running.endpoint),
      };
    }
    restoreEndpoints = pointSdkAt(emulator.endpoint, table?.endpoint);
  });
  afterAll(async () => {
    restoreEndpoints?.();
    table?.client.destroy();
    await Promise.all([emulator?.close(), table?.close()]);
  });
  beforeEach(async () => {
    emulator?.reset();
    if (table) await clearStateTable(table.endpoint, table.tableName);
  });
  const running = (): RunningEmulator => {
    if (!emulator) throw new Error('the emulator is not running (useHandlerEmulator starts it in beforeAll)');
    return emulator;
  };
  const stateTable = (): LocalStateTable => {
    if (!withStateTable) throw new Error('no state table: call useHandlerEmulator({ stateTable: true })');
    if (!table) throw new Error('the state table is not running (useHandlerEmulator starts it in beforeAll)');
    return { endpoint: table.endpoint, tableName: table.tableName, client: table.client };
  };
  return Object.assign(running, { stateTable });
}

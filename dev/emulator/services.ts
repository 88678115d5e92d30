/**
 * Every local service a set of handlers calls, started together: the SSO Admin emulator (which also serves the
 * Identity Store and Organizations) and, when asked (a registered type keeps state: `needsStateTable` in dev/types.ts), dynalite
 * with the state table created under its default name. The one starter the demo, invoke, bench and package
 * measure use, so a type that keeps state runs against a table everywhere.
 */
import { endpointEnvironment, type EndpointEnvironment } from './environment';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from './server';
import { createStateTable, startStateTable, type RunningStateTable } from './state-table';

export interface LocalServicesOptions extends EmulatorOptions {
  /** Also start dynalite and create the state table. */
  stateTable: boolean;
}

export interface LocalServices {
  emulator: RunningEmulator;
  /** The state table's endpoint (AWS_ENDPOINT_URL_DYNAMODB), when it was asked for. */
  stateTableEndpoint?: string;
  /** The AWS_ENDPOINT_URL_* settings that send the handlers' clients to these services. */
  environment: EndpointEnvironment;
  close(): Promise<void>;
}

export async function startLocalServices(options: LocalServicesOptions): Promise<LocalServices> {
  const { stateTable: withStateTable, ...emulatorOptions } = options;
  const emulator = await startEmulator(emulatorOptions);
  let table: RunningStateTable | undefined;
  try {
    if (withStateTable) {
      table = await startStateTable();
      await createStateTable(table.endpoint);
    }
  } catch (error: unknown) {
    await Promise.all([emulator.close(), table?.close()]);
    throw error;
  }
  return {
    emulator,
    ...(table ? { stateTableEndpoint: table.endpoint } : {}),
    environment: endpointEnvironment(emulator.endpoint, table?.endpoint),
    close: async () => {
      await Promise.all([emulator.close(), table?.close()]);
    },
  };
}

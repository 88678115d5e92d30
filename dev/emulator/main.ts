/**
 * Starts every service the handlers call, for manual use:
 *   npx tsx dev/emulator/main.ts --port 4566 [--provisioning-ms 1000] [--rps 20] [--organizations-rps 10]
 *                                [--no-seed] [--table-port 4567] [--no-table]
 * SSO Admin, the Identity Store and Organizations on one port, and the assignment group's state table (dynalite,
 * with the table created under its default name) on another. It prints the SSO Admin endpoint, then the SDK's endpoint setting
 * for every service, e.g. `export AWS_ENDPOINT_URL_SSO_ADMIN=<endpoint>` and
 * `export AWS_ENDPOINT_URL_DYNAMODB=<table endpoint>` (the AWS CLI, the SDKs and the handlers honour them).
 */
import { parseArgs } from 'node:util';
import { STATE_TABLE } from '../types';
import { createStateTable, endpointEnvironment, startEmulator, startStateTable } from './index';

function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`--${name} must be a non-negative number`);
  return parsed;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'provisioning-ms': { type: 'string' },
      rps: { type: 'string' },
      'organizations-rps': { type: 'string' },
      'max-outstanding': { type: 'string' },
      'no-seed': { type: 'boolean', default: false },
      'table-port': { type: 'string', default: '0' },
      'no-table': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const provisioningMs = numberOption('provisioning-ms', values['provisioning-ms']);
  const requestsPerSecond = numberOption('rps', values.rps);
  const organizationsRequestsPerSecond = numberOption('organizations-rps', values['organizations-rps']);
  const maxOutstandingAsyncWrites = numberOption('max-outstanding', values['max-outstanding']);
  const tablePort = numberOption('table-port', values['table-port']) ?? 0;
  const emulator = await startEmulator({
    port: numberOption('port', values.port) ?? 0,
    seed: !values['no-seed'],
    ...(provisioningMs === undefined ? {} : { provisioningMs }),
    ...(requestsPerSecond === undefined ? {} : { requestsPerSecond }),
    ...(organizationsRequestsPerSecond === undefined ? {} : { organizationsRequestsPerSecond }),
    ...(maxOutstandingAsyncWrites === undefined ? {} : { maxOutstandingAsyncWrites }),
  });
  const stateTable = values['no-table'] ? undefined : await startStateTable({ port: tablePort });
  if (stateTable) await createStateTable(stateTable.endpoint);
  process.stdout.write(`${emulator.endpoint}\n`);
  for (const [name, value] of Object.entries(endpointEnvironment(emulator.endpoint, stateTable?.endpoint))) {
    process.stdout.write(`export ${name}=${value}\n`);
  }
  if (stateTable) process.stdout.write(`# state table: ${STATE_TABLE.defaultName}\n`);
  const stop = (): void => {
    void Promise.all([emulator.close(), stateTable?.close()]).then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

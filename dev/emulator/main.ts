/**
 * Starts the SSO Admin emulator for manual use:
 *   npx tsx dev/emulator/main.ts --port 4566 [--provisioning-ms 1000] [--rps 20] [--no-seed]
 * It prints the endpoint, then the SDK's endpoint settings for every service it serves, e.g.
 * `export AWS_ENDPOINT_URL_SSO_ADMIN=<endpoint>` (the AWS CLI, the SDKs and the handlers honour them).
 */
import { parseArgs } from 'node:util';
import { endpointEnvironment, startEmulator } from './index';

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
      'max-outstanding': { type: 'string' },
      'no-seed': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const provisioningMs = numberOption('provisioning-ms', values['provisioning-ms']);
  const requestsPerSecond = numberOption('rps', values.rps);
  const maxOutstandingAsyncWrites = numberOption('max-outstanding', values['max-outstanding']);
  const emulator = await startEmulator({
    port: numberOption('port', values.port) ?? 0,
    seed: !values['no-seed'],
    ...(provisioningMs === undefined ? {} : { provisioningMs }),
    ...(requestsPerSecond === undefined ? {} : { requestsPerSecond }),
    ...(maxOutstandingAsyncWrites === undefined ? {} : { maxOutstandingAsyncWrites }),
  });
  process.stdout.write(`${emulator.endpoint}\n`);
  for (const [name, value] of Object.entries(endpointEnvironment(emulator.endpoint))) {
    process.stdout.write(`export ${name}=${value}\n`);
  }
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

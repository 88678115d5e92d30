/**
 * `npm run invoke -- <event.json>`: replays one event (a sam-tests/ TestEvent or a CloudFormation
 * HandlerRequest) through the matching type's entrypoint against an in-process SSO Admin emulator (or
 * --endpoint), and prints the response JSON on stdout. Progress and handler logs go to stderr.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type RunningEmulator, startEmulator } from '../emulator';
import { TYPE_KEYS } from '../types';
import { captureConsole } from './console-capture';
import { invokeEvent, resourceToSeed, typeForEvent } from './invoke-event';
import { nonNegativeNumber, UsageError } from './options';

const USAGE = `Usage: npm run invoke -- <event.json> [options]

Runs one event through the handlers and prints the response. The event is a sam-tests/ TestEvent (run
through testEntrypoint, as \`sam local invoke TestEntrypoint\` does) or a HandlerRequest (run through
entrypoint, as CloudFormation does). By default an SSO Admin emulator is started in-process, seeded, with
no assignments: a READ or DELETE then answers NotFound, a CREATE its first IN_PROGRESS.

Options:
  --existing              seed the event's resource into the emulator first, as if created earlier
  --follow                re-invoke while IN_PROGRESS (with the returned model and callbackContext), as
                          CloudFormation does, and print the final response
  --endpoint URL          an SSO Admin endpoint you run instead of the in-process emulator
  --type TYPE             ${TYPE_KEYS.join(' | ')} (default: from the event's resourceType, the
                          folder of the file, or its properties)
  --provisioning-ms MS    emulator: how long an account-assignment write stays IN_PROGRESS (default 1000)
  --time-scale X          with --follow: multiplies the callback delays (default 1)
  --verbose               also print the handlers' and runtime lib's own log lines (stderr)
  --help`;

const info = (line: string): boolean => process.stderr.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      endpoint: { type: 'string' },
      type: { type: 'string' },
      existing: { type: 'boolean', default: false },
      follow: { type: 'boolean', default: false },
      'provisioning-ms': { type: 'string' },
      'time-scale': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new UsageError('Pass exactly one event file');
  if (values.existing && values.endpoint !== undefined) {
    throw new UsageError('--existing seeds the in-process emulator; it cannot be combined with --endpoint');
  }
  const provisioningMs = nonNegativeNumber('provisioning-ms', values['provisioning-ms']);
  const timeScale = nonNegativeNumber('time-scale', values['time-scale']);
  const json: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const entry = typeForEvent(json, { type: values.type, filePath: file });

  if (!values.verbose) {
    // The SDK's warning about this machine's Node.js version (the handlers target nodejs22.x); --verbose keeps it.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  }
  let emulator: RunningEmulator | undefined;
  if (values.endpoint === undefined) {
    emulator = await startEmulator(provisioningMs === undefined ? {} : { provisioningMs });
    if (values.existing) entry.emulator.seed(emulator, resourceToSeed(json, entry));
  }
  // Before the handlers load and build their SSO Admin clients.
  process.env.AWS_ENDPOINT_URL_SSO_ADMIN = values.endpoint ?? emulator?.endpoint;
  const where = emulator
    ? `the in-process emulator${values.existing ? ' (with the resource seeded)' : ''}`
    : values.endpoint;
  info(`${entry.typeName}: ${file} against ${where ?? ''}`);

  const capture = captureConsole();
  const flushHandlerLogs = (): void => {
    const lines = capture.drain();
    if (values.verbose) lines.forEach((line) => info(`  | ${line}`));
  };
  try {
    const result = await invokeEvent(json, entry, {
      follow: values.follow,
      timeScale,
      log: (line) => {
        flushHandlerLogs();
        info(`  ${line}`);
      },
    });
    flushHandlerLogs();
    info(
      `${result.format === 'test-event' ? 'TestEvent via testEntrypoint' : 'HandlerRequest via entrypoint'}, ${result.invocations} invocation(s):`,
    );
    process.stdout.write(`${JSON.stringify(result.response, null, 2)}\n`);
    if (result.contractViolation !== undefined) {
      info(result.contractViolation);
      return 1;
    }
    return 0;
  } finally {
    capture.restore();
    await emulator?.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const usage = error instanceof UsageError || (error instanceof TypeError && 'code' in error);
    info(error instanceof Error ? error.message : String(error));
    if (usage) info('Run `npm run invoke -- --help` for the options.');
    process.exit(usage ? 2 : 1);
  },
);

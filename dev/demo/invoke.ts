/**
 * `npm run invoke -- <event.json>`: replays one event (a sam-tests/ TestEvent or a CloudFormation
 * HandlerRequest) through the matching type's entrypoint against an in-process SSO Admin emulator (or
 * --endpoint), and prints the response JSON on stdout. Progress and handler logs go to stderr. Without
 * --live nothing leaves the machine.
 */
import { parseArgs } from 'node:util';
import {
  detectEventFormat,
  type EventFormat,
  EventFormatError,
  parseHandlerRequest,
  parseTestEvent,
  redactSecrets,
} from '../driver';
import { type LocalServices, type RunningEmulator, startLocalServices } from '../emulator';
import { isTypeKey, RESOURCE_TYPES, type ResourceTypeEntry, seedResource, TYPE_KEYS } from '../types';
import { captureConsole } from './console-capture';
import { useEndpoint } from './endpoints';
import { EventFileError, readEventFile } from './event-file';
import {
  actionOfEvent,
  declaredResourceType,
  EventTypeError,
  invokeEvent,
  registeredNameOf,
  resourceToSeed,
  SEEDED_BY_DEFAULT,
  secretsOfEvent,
  typeForEvent,
  withoutProviderLogging,
} from './invoke-event';
import { nonNegativeNumber, UsageError } from './options';
import { ScaledClock } from './scaled-clock';

const USAGE = `Usage: npm run invoke -- <event.json> [options]

Runs one event through the handlers and prints the response. The event is a sam-tests/ TestEvent (run
through testEntrypoint, as \`sam local invoke TestEntrypoint\` does) or a HandlerRequest (run through
entrypoint, as CloudFormation does). By default an SSO Admin emulator is started in-process with its
seeded world, and for READ, DELETE and LIST the event's resource is added first, so the handler has
something to read, delete or list. Nothing leaves the machine unless --live is given.

Options:
  --absent                do not add the event's resource: READ and DELETE then answer NotFound, LIST []
  --existing              add the event's resource whatever the action (a CREATE then answers AlreadyExists)
  --follow                re-invoke while IN_PROGRESS (with the returned model and callbackContext), as
                          CloudFormation does, and print the final response
  --endpoint URL          an SSO Admin endpoint you run instead of the in-process emulator (nothing added)
  --live                  send what the event asks to AWS: the handlers' calls (to --endpoint if given) and
                          the runtime lib's own log delivery and metrics, with the event's providerCredentials
                          and providerLogGroupName. Without it those two fields are removed (stderr says so).
  --type TYPE             ${TYPE_KEYS.join(' | ')} (default: from a HandlerRequest's resourceType in any
                          namespace, e.g. ${RESOURCE_TYPES.map(registeredNameOf).join(' or ')}; else
                          the folder of the file; else its properties)
  --provisioning-ms MS    emulator: how long an account-assignment write stays IN_PROGRESS (default 1000)
  --time-scale X          with --follow: the share of each callback wait actually slept (default 1; 0 none).
                          The emulator's clock counts the waits in full, so the answers are the same.
  --verbose               also print the handlers' and runtime lib's own log lines (stderr, credentials masked)
  --help

Examples:
  npm run invoke -- sam-tests/read.json                  # SUCCESS with the model read back
  npm run invoke -- sam-tests/read.json --absent         # FAILED NotFound
  npm run invoke -- sam-tests/create.json --follow --time-scale 0`;

const info = (line: string): boolean => process.stderr.write(`${line}\n`);

/** A problem with the command line or the event file: reported without a stack trace, exit code 2. */
function isInputError(error: unknown): boolean {
  return (
    error instanceof UsageError ||
    error instanceof EventFileError ||
    // parseArgs: unknown option, missing value (ERR_PARSE_ARGS_*).
    (error instanceof TypeError && 'code' in error)
  );
}

interface LoadedEvent {
  json: Record<string, unknown>;
  format: EventFormat;
  entry: ResourceTypeEntry;
  /** The type's name in the run: a HandlerRequest's resourceType (default Org::...), a TestEvent's schema name. */
  typeName: string;
  action: string;
}

/** Reads and checks the event file before anything starts; every problem names the file. */
function loadEvent(file: string, type: string | undefined): LoadedEvent {
  const json = readEventFile(file);
  try {
    const format = detectEventFormat(json);
    const entry = typeForEvent(json, { type, filePath: file });
    // A TestEvent carries no type name: the handlers then name the type by its schema (AWS::SSO::...).
    const typeName =
      declaredResourceType(json) ?? (format === 'test-event' ? entry.typeName : registeredNameOf(entry));
    if (format === 'test-event') parseTestEvent(json);
    else parseHandlerRequest(json, { typeName });
    return { json, format, entry, typeName, action: actionOfEvent(json) ?? '' };
  } catch (error: unknown) {
    if (error instanceof EventFormatError || error instanceof EventTypeError) {
      throw new EventFileError(`${file}: ${error.message}`);
    }
    throw error;
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      endpoint: { type: 'string' },
      live: { type: 'boolean', default: false },
      type: { type: 'string' },
      existing: { type: 'boolean', default: false },
      absent: { type: 'boolean', default: false },
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
  if (file === undefined || extra.length > 0) {
    throw new UsageError(`Pass exactly one event file, e.g. sam-tests/read.json; got ${positionals.length}`);
  }
  if (values.type !== undefined && !isTypeKey(values.type)) {
    throw new UsageError(`--type must be one of ${TYPE_KEYS.join(', ')}; got '${values.type}'`);
  }
  if (values.existing && values.absent) throw new UsageError('--existing and --absent contradict each other');
  const inProcess = values.endpoint === undefined && !values.live;
  if (!inProcess && (values.existing || values.absent)) {
    throw new UsageError(
      '--existing and --absent choose what the in-process emulator holds; with --endpoint or --live nothing is added',
    );
  }
  const provisioningMs = nonNegativeNumber('provisioning-ms', values['provisioning-ms']);
  if (!inProcess && provisioningMs !== undefined) {
    throw new UsageError(
      '--provisioning-ms sets the in-process emulator; it has no effect with --endpoint or --live',
    );
  }
  const clock = new ScaledClock(nonNegativeNumber('time-scale', values['time-scale']) ?? 1);

  const { json: original, format, entry, typeName, action } = loadEvent(file, values.type);
  const { json, removed } = values.live ? { json: original, removed: [] } : withoutProviderLogging(original);

  if (!values.verbose) {
    // The SDK's warning about this machine's Node.js version (the handlers target nodejs22.x); --verbose keeps it.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  }
  const through =
    format === 'test-event' ? 'a TestEvent, through testEntrypoint' : 'a HandlerRequest, through entrypoint';
  info(`${file}: ${action} of ${typeName} (${through})`);
  if (removed.length > 0) {
    info(
      `Removed the event's ${removed.join(' and ')}: with provider credentials the runtime lib would create an ` +
        'S3 bucket and a CloudWatch Logs group and publish CloudWatch metrics in AWS. It logs to the console ' +
        'instead (--verbose shows it); --live keeps them.',
    );
  }

  let emulator: RunningEmulator | undefined;
  let services: LocalServices | undefined;
  try {
    if (inProcess) {
      // With the state table when the type keeps state (dynalite on loopback, its table created).
      services = await startLocalServices({
        clock,
        ...(provisioningMs === undefined ? {} : { provisioningMs }),
        stateTable: entry.stateTable,
      });
      emulator = services.emulator;
      const seed = values.existing || (!values.absent && SEEDED_BY_DEFAULT.has(action));
      info(`SSO Admin: the in-process emulator at ${emulator.endpoint}, with its seeded world`);
      if (seed) {
        try {
          await seedResource(entry, emulator, resourceToSeed(json, entry), services.stateTableEndpoint);
          info(`  and the event's resource, added first${values.existing ? '' : ' (--absent: without it)'}`);
        } catch (error: unknown) {
          info(`  not the event's resource: ${error instanceof Error ? error.message : String(error)}`);
        }
      } else {
        info(`  without the event's resource${values.absent ? '' : ' (--existing: with it)'}`);
      }
    } else if (values.endpoint === undefined) {
      info(`SSO Admin: AWS in the event's region (--live), with the event's credentials`);
    } else {
      info(`SSO Admin: ${values.endpoint}${values.live ? ' (--live: the runtime lib may call AWS)' : ''}`);
    }
    // Before the handlers load and build their clients.
    const endpoint = emulator?.endpoint ?? values.endpoint;
    if (endpoint !== undefined) {
      useEndpoint(endpoint, { everyService: !values.live, stateTable: services?.stateTableEndpoint });
    }

    const secrets = secretsOfEvent(original);
    const capture = captureConsole();
    const flushHandlerLogs = (): void => {
      const lines = capture.drain();
      if (values.verbose) lines.forEach((line) => info(`  | ${redactSecrets(line, secrets)}`));
    };
    try {
      const result = await invokeEvent(json, entry, {
        follow: values.follow,
        clock,
        log: (line) => {
          flushHandlerLogs();
          info(`  ${line}`);
        },
      });
      flushHandlerLogs();
      info(`${result.invocations} invocation(s), the ${values.follow ? 'final ' : ''}response:`);
      process.stdout.write(`${JSON.stringify(result.response, null, 2)}\n`);
      if (result.contractViolation !== undefined) {
        info(result.contractViolation);
        return 1;
      }
      return 0;
    } finally {
      capture.restore();
    }
  } finally {
    await services?.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const inputError = isInputError(error);
    info(error instanceof Error ? error.message : String(error));
    if (inputError && !(error instanceof EventFileError))
      info('Run `npm run invoke -- --help` for the options.');
    process.exit(inputError ? 2 : 1);
  },
);

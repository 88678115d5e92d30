/**
 * `npm run demo`: the resource types' lifecycle (CREATE -> READ -> LIST -> DELETE -> READ) driven the way
 * CloudFormation drives it, against an SSO Admin emulator started in-process and seeded with an instance,
 * permission sets, users, groups, accounts and applications. A type with a demo scenario (dev/types.ts) also goes
 * through UPDATE, drift from an out-of-band delete, and its repair; one with membership drift also through an OU
 * target, an account joining it, and the UPDATE that assigns that account. With --endpoint (any SSO Admin endpoint) or
 * --live (real AWS, credentials from the default provider chain) nothing is seeded: pass the model.
 * Exit code 0 only if every step gives the expected result.
 */
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { parseArgs } from 'node:util';
import {
  type CredentialsPayload,
  DEFAULT_CALLER_CREDENTIALS,
  Driver,
  type ResourceProperties,
} from '../driver';
import { DEFAULT_WORLD, type RunningEmulator, startLocalServices, type World } from '../emulator';
import {
  availableResourceTypes,
  isTypeKey,
  needsStateTable,
  RESOURCE_TYPES,
  type ResourceTypeEntry,
  TYPE_KEYS,
} from '../types';
import { captureConsole, type ConsoleCapture } from './console-capture';
import { useEndpoint } from './endpoints';
import { registeredNameOf } from './invoke-event';
import { runLifecycle, type StepOutcome } from './lifecycle';
import { flagFor, modelFromFlags, nonNegativeNumber, propertyFlagOptions, UsageError } from './options';
import { ScaledClock } from './scaled-clock';
import { readFileSync } from 'node:fs';

const DEFAULT_PROVISIONING_MS = 1500;

const USAGE = `Usage: npm run demo -- [options]

Runs CREATE -> READ -> LIST -> DELETE -> READ (expects NotFound) for each resource type, printing one
line per handler invocation and a verdict per step. Exit code 0 only if every step is as expected.
In the seeded run, a type that can be updated in place also goes CREATE -> READ -> LIST -> UPDATE ->
DELETE out of band -> READ (drift) -> UPDATE (repair) -> READ -> DELETE -> READ, with its progress (n/N
assignments) on each invocation's line. A type whose targets may be organizational units goes, before that
DELETE, UPDATE (to an OU target) -> an account joins the OU out of band -> READ (drift) -> UPDATE (assigns it).

Where it runs (default: an SSO Admin emulator started in-process on 127.0.0.1, seeded; nothing else needed):
  --endpoint URL          an SSO Admin endpoint you run (e.g. npx tsx dev/emulator/main.ts); nothing is seeded.
                          The handlers' Identity Store and Organizations calls go there too
  --live                  real AWS with the credentials of the default provider chain (AWS_PROFILE, env, SSO,
                          ...); creates and deletes a real assignment; nothing is seeded
  --region REGION         region of --live/--endpoint runs (default: from the provider chain, or us-east-1)

The model (required with --endpoint/--live; the emulator run uses its seeded IDs):
  --model FILE            JSON properties, e.g. inputs/inputs_1_create.json; flags below override it
${RESOURCE_TYPES.map(
  (entry) =>
    `  ${registeredNameOf(entry)}: ${Object.keys(entry.schema.properties)
      .map((name) => `--${flagFor(name)}`)
      .join(' ')}`,
).join('\n')}

Other options:
  --type TYPE             ${TYPE_KEYS.join(' | ')} | all (default: all whose handlers exist; with
                          --endpoint/--live, those whose model is complete)
  --provisioning-ms MS    emulator: how long an account-assignment write stays IN_PROGRESS (default ${DEFAULT_PROVISIONING_MS})
  --time-scale X          the share of each callback wait actually slept (default 1: real waits; 0: none).
                          The emulator and the timings count every wait in full, so the answers are the same
  --verbose               also print the handlers' and runtime lib's own log lines
  --help

Examples:
  npm run demo -- --type assignment --provisioning-ms 5000
  npm run demo -- --provisioning-ms 5000 --time-scale 0   # the same steps, without the waits
  npx tsx dev/emulator/main.ts --port 4566   # in another terminal, then:
  npm run demo -- --endpoint http://127.0.0.1:4566 --model inputs/inputs_1_create.json
  AWS_PROFILE=admin npm run demo -- --live --region eu-west-1 --type assignment --instance-arn arn:aws:sso:::instance/ssoins-… \\
    --permission-set-arn … --principal-type GROUP --principal-id … --target-id 123456789012`;

function messageOf(response: unknown): string {
  const message: unknown =
    typeof response === 'object' && response !== null
      ? (response as { message?: unknown }).message
      : undefined;
  return typeof message === 'string' ? message : '';
}

type Writer = (line: string) => void;
const write: Writer = (line) => process.stdout.write(`${line}\n`);

interface Target {
  description: string;
  credentials: CredentialsPayload;
  region: string;
  emulator?: RunningEmulator;
}

/** Credentials and region from the SDK's default chains, resolved through the SSO Admin client (a dependency). */
async function liveSettings(
  region: string | undefined,
): Promise<{ credentials: CredentialsPayload; region: string }> {
  const probe = new SSOAdminClient(region === undefined ? {} : { region });
  try {
    const identity = await probe.config.credentials().catch((error: unknown) => {
      throw new Error(
        `--live needs AWS credentials from the default provider chain (environment, AWS_PROFILE, SSO, ...): ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    const resolvedRegion = await probe.config.region().catch(() => undefined);
    return {
      credentials: {
        accessKeyId: identity.accessKeyId,
        secretAccessKey: identity.secretAccessKey,
        // Long-term keys have no session token; the handlers then sign without one.
        sessionToken: identity.sessionToken ?? '',
      },
      region: resolvedRegion ?? 'us-east-1',
    };
  } finally {
    probe.destroy();
  }
}

function selectTypes(
  requested: string | undefined,
  seeded: boolean,
  flags: Readonly<Record<string, unknown>>,
  base: ResourceProperties,
): { entry: ResourceTypeEntry; model: ResourceProperties }[] {
  const available = availableResourceTypes();
  if (requested !== undefined && requested !== 'all' && !isTypeKey(requested)) {
    throw new UsageError(`--type must be one of ${TYPE_KEYS.join(', ')}, all; got '${requested}'`);
  }
  const wanted =
    requested === undefined || requested === 'all'
      ? available
      : available.filter((entry) => entry.key === requested);
  if (wanted.length === 0) {
    throw new UsageError(`The handlers of --type ${requested ?? 'all'} are not in this checkout yet`);
  }
  if (seeded) {
    return wanted.map((entry) => ({
      entry,
      model: entry.demo?.model(DEFAULT_WORLD) ?? entry.demoModel(DEFAULT_WORLD),
    }));
  }

  const models = wanted.map((entry) => ({ entry, result: modelFromFlags(entry, flags, base) }));
  const complete = models.flatMap(({ entry, result }) =>
    result.complete ? [{ entry, model: result.model }] : [],
  );
  const explicit = requested !== undefined && requested !== 'all';
  const incomplete = models.filter(({ result }) => !result.complete);
  if (complete.length === 0 || (explicit && incomplete.length > 0)) {
    const missing = incomplete
      .map(
        ({ entry, result }) =>
          `${entry.typeName} needs ${result.complete ? '' : result.missingFlags.join(' ')}`,
      )
      .join('; ');
    throw new UsageError(`Nothing is seeded with --endpoint/--live, so pass the model: ${missing}`);
  }
  return complete;
}

/** What a seeded ID stands for, e.g. 'group Developers', for the model printout. */
function seededName(value: unknown): string | undefined {
  const world = DEFAULT_WORLD;
  const kinds: [string, readonly { name: string; id?: string; arn?: string }[]][] = [
    ['permission set', world.permissionSets],
    ['user', world.users],
    ['group', world.groups],
    ['account', world.accounts],
    ['application', world.applications],
    ['OU', world.organization.organizationalUnits],
  ];
  if (value === world.instanceArn) return 'the seeded instance';
  if (value === world.organization.rootId) return 'the organization root';
  for (const [kind, items] of kinds) {
    const item = items.find((candidate) => candidate.id === value || candidate.arn === value);
    if (item) return `${kind} ${item.name}`;
  }
  return undefined;
}

/**
 * A property value as lines: a list one element a line, an object its values side by side, with a nested list
 * spread over lines (a group's Targets: `AWS_ACCOUNT <id>` per account), each line labelled with what its seeded
 * IDs stand for.
 */
function valueLines(value: unknown, seeded: boolean): string[] {
  const scalars = (items: unknown[]): string[] => items.map((item) => String(item));
  const linesOf = (node: unknown): string[][] => {
    if (Array.isArray(node)) return node.flatMap(linesOf);
    if (typeof node !== 'object' || node === null) return [scalars([node])];
    const fields = Object.values(node);
    const flat = scalars(fields.filter((field) => typeof field !== 'object' || field === null));
    const nested = fields.filter((field) => typeof field === 'object' && field !== null).flatMap(linesOf);
    return nested.length === 0 ? [flat] : nested.map((line) => [...flat, ...line]);
  };
  return linesOf(value).map((parts) => {
    const labels = seeded ? parts.flatMap((part) => seededName(part) ?? []) : [];
    return `${parts.join(' ')}${labels.length === 0 ? '' : `  (${labels.join(', ')})`}`;
  });
}

function describeModel(model: ResourceProperties, seeded: boolean): string[] {
  const width = Math.max(...Object.keys(model).map((name) => name.length));
  return Object.entries(model).flatMap(([name, value]) =>
    valueLines(value, seeded).map((line, index) => `  ${(index === 0 ? name : '').padEnd(width)}  ${line}`),
  );
}

/**
 * The seeded organisation has about 60 accounts: the line names the first ones (the accounts tests and the demo
 * models refer to by name; DEFAULT_WORLD lists them first) and counts the rest.
 */
function accountsLine(world: World): string {
  const shown = 7;
  const named = world.accounts.slice(0, shown).map((account) => `${account.name} (${account.id})`);
  const more = world.accounts.length - named.length;
  const units = world.organization.organizationalUnits.length;
  return `${named.join(', ')}${more > 0 ? ` and ${more} more` : ''} (in ${units} OUs under ${world.organization.rootId})`;
}

function describeSeededWorld(): string[] {
  const world = DEFAULT_WORLD;
  const names = (items: readonly { name: string }[]): string => items.map((item) => item.name).join(', ');
  return [
    `  instance        ${world.instanceArn}`,
    `  permission sets ${names(world.permissionSets)}`,
    `  users           ${names(world.users)}`,
    `  groups          ${names(world.groups)}`,
    `  accounts        ${accountsLine(world)}`,
    `  applications    ${names(world.applications)}`,
  ];
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      endpoint: { type: 'string' },
      live: { type: 'boolean', default: false },
      region: { type: 'string' },
      type: { type: 'string' },
      model: { type: 'string' },
      'provisioning-ms': { type: 'string' },
      'time-scale': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      ...propertyFlagOptions(),
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    write(USAGE);
    return 0;
  }
  const provisioningMs =
    nonNegativeNumber('provisioning-ms', values['provisioning-ms']) ?? DEFAULT_PROVISIONING_MS;
  const timeScale = nonNegativeNumber('time-scale', values['time-scale']) ?? 1;
  const clock = new ScaledClock(timeScale);
  const seeded = values.endpoint === undefined && !values.live;
  const base: ResourceProperties =
    values.model === undefined ? {} : (JSON.parse(readFileSync(values.model, 'utf8')) as ResourceProperties);
  const selected = selectTypes(values.type, seeded, values, base);

  if (!values.verbose) {
    // The SDK's warning about this machine's Node.js version says nothing about the demo (the handlers
    // target the nodejs22.x Lambda runtime); --verbose keeps it.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  }
  const startedAt = performance.now();
  let target: Target;
  let closeServices: (() => Promise<void>) | undefined;
  if (seeded) {
    // The state table too when a selected type keeps state (dynalite on loopback, its table created).
    const services = await startLocalServices({
      provisioningMs,
      clock,
      stateTable: needsStateTable(selected.map(({ entry }) => entry)),
    });
    const { emulator } = services;
    target = {
      description: `SSO Admin emulator at ${emulator.endpoint} (in-process; account-assignment writes stay IN_PROGRESS for ${provisioningMs} ms)`,
      credentials: { ...DEFAULT_CALLER_CREDENTIALS },
      region: DEFAULT_WORLD.region,
      emulator,
    };
    useEndpoint(emulator.endpoint, { everyService: true, stateTable: services.stateTableEndpoint });
    closeServices = services.close;
  } else if (values.live) {
    const settings = await liveSettings(values.region);
    if (values.endpoint !== undefined) useEndpoint(values.endpoint, { everyService: false });
    target = {
      description: `${values.endpoint ?? 'AWS'} in ${settings.region}, credentials from the default provider chain (not shown)`,
      ...settings,
    };
  } else {
    if (values.endpoint !== undefined) useEndpoint(values.endpoint, { everyService: true });
    target = {
      description: `${values.endpoint ?? ''} (fake credentials; nothing seeded)`,
      credentials: { ...DEFAULT_CALLER_CREDENTIALS },
      region: values.region ?? DEFAULT_WORLD.region,
    };
  }

  write(`Target: ${target.description}`);
  if (target.emulator) {
    write('Seeded world:');
    describeSeededWorld().forEach((line) => write(line));
  }
  write('');
  write('The handlers run in this process, driven the way CloudFormation drives them: each indented');
  write('line is one invocation. After IN_PROGRESS, CloudFormation calls back after callbackDelaySeconds');
  write(
    `${timeScale === 1 ? '' : `(here x${timeScale}) `}with the returned model and callbackContext, until SUCCESS or FAILED.`,
  );
  if (timeScale !== 1) {
    write("Times are on CloudFormation's clock: a shortened wait counts in full, for the emulator too.");
  }

  // Silence the runtime lib's console logging (it would interleave with the driver's lines).
  const capture: ConsoleCapture = captureConsole();
  const flushHandlerLogs = (): void => {
    const lines = capture.drain();
    if (values.verbose) lines.forEach((line) => write(`      | ${line}`));
  };
  const results: { entry: ResourceTypeEntry; outcomes: StepOutcome[] }[] = [];
  try {
    for (const { entry, model } of selected) {
      const handlers = await entry.loadHandlers();
      write('');
      // CloudFormation sends the name the type is registered under; AWS:: is reserved.
      const typeName = registeredNameOf(entry);
      write(`== ${typeName} (the ${entry.typeName} mirror, under an example registered name) ==`);
      const size = entry.emulator.size(model);
      write(size > 1 ? `Model (${size} assignments):` : 'Model:');
      describeModel(model, seeded).forEach((line) => write(line));
      // Only against the in-process emulator: a short timeout against AWS could cut a slow call short.
      const lambdaTimeoutMs = target.emulator ? entry.demo?.lambdaTimeoutMs : undefined;
      if (lambdaTimeoutMs !== undefined) {
        write(
          `Lambda timeout ${lambdaTimeoutMs / 1000} s here (60 s by default), so the work spreads over several callbacks.`,
        );
      }
      // Keeps the last response's message, so each driver line can say what an IN_PROGRESS is waiting for.
      let lastMessage = '';
      // The model whose assignments the current step writes: each invocation's line says how many exist.
      let writing: ResourceProperties | undefined;
      const progress = (): string => {
        const { emulator } = target;
        if (emulator === undefined || writing === undefined) return '';
        // A model's OU targets stand for the accounts in them now.
        const total = entry.emulator.size(writing, emulator.state.world());
        return total > 1 ? ` [${entry.emulator.present(emulator, writing)}/${total} assignments]` : '';
      };
      const driver = new Driver({
        entrypoint: async (request, context) => {
          const response = await handlers.entrypoint(request, context);
          lastMessage = messageOf(response);
          return response;
        },
        typeName,
        primaryIdentifier: entry.primaryIdentifier,
        region: target.region,
        callerCredentials: target.credentials,
        // The clock shortens the waits; the driver waits and keeps time on it.
        timeScale: 1,
        sleep: clock.sleep,
        now: clock.now,
        // CloudFormation bounds an operation by time (the handler timeout, 120 minutes by default,
        // provider.definition.schema.v1.json timeoutInMinutes), not by a number of invocations.
        maxInvocations: Number.POSITIVE_INFINITY,
        ...(lambdaTimeoutMs === undefined ? {} : { lambdaTimeoutMs }),
        logPrefix: '',
        log: (line) => {
          flushHandlerLogs();
          write(
            `    ${line}${line.includes(' IN_PROGRESS ') && lastMessage !== '' ? `: ${lastMessage}` : ''}${progress()}`,
          );
        },
      });
      let total = 0;
      const outcomes = await runLifecycle(
        entry,
        driver,
        model,
        {
          onStepStart: (start) => {
            total = start.total;
            writing = start.writes;
            write(
              `[${start.index + 1}/${start.total}] ${start.step}${start.detail ? `: ${start.detail}` : ''}`,
            );
          },
          onStepEnd: (outcome, index) => {
            flushHandlerLogs();
            writing = undefined;
            if (outcome.skipped) write(`[${index + 1}/${total}] ${outcome.step}`);
            write(`  ${outcome.ok ? 'PASS' : 'FAIL'} ${outcome.summary}`);
          },
        },
        {
          ...(target.emulator ? { emulator: target.emulator } : {}),
          nameOf: (value) => (seeded ? seededName(value) : undefined),
        },
      );
      results.push({ entry, outcomes });
    }
  } finally {
    capture.restore();
    await (closeServices ?? (async () => target.emulator?.close()))();
  }

  const all = results.flatMap(({ outcomes }) => outcomes);
  const passed = all.filter((outcome) => outcome.ok).length;
  const perType = results
    .map(
      ({ entry, outcomes }) =>
        `${registeredNameOf(entry)} ${outcomes.filter((o) => o.ok).length}/${outcomes.length}`,
    )
    .join(', ');
  write('');
  write(
    `${passed === all.length ? 'All steps as expected' : 'Some steps were NOT as expected'}: ${passed}/${all.length} (${perType}) in ${((performance.now() - startedAt) / 1000).toFixed(1)} s`,
  );
  if (passed !== all.length && !values.verbose)
    write("Run again with --verbose to see the handlers' own logs.");
  return passed === all.length ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const usage = error instanceof UsageError || (error instanceof TypeError && 'code' in error);
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    if (usage) process.stderr.write('Run `npm run demo -- --help` for the options.\n');
    process.exit(usage ? 2 : 1);
  },
);

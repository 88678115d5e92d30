/**
 * Child process for section 6: loads one bundled handler (patched or original runtime lib) and times READ
 * invocations against a zero-latency emulator in this process.
 *   node --import tsx bench/overhead/worker.ts <bundle.js> <invocations> <sinkDelayMs>
 * The handler's own work is the time between the lib's "[READ] invoking handler..." and "[READ] handler invoked"
 * log lines; the overhead is the rest of the entrypoint's time. Console output is captured (with its timing) as
 * the log sink; with sinkDelayMs > 0 every line takes that long to be delivered (a promise the lib's console
 * publisher awaits), standing in for an asynchronous log destination.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { format } from 'node:util';
import { buildHandlerRequest, createLambdaContext, type Entrypoint } from '../../dev/driver';
import { DEFAULT_WORLD, startEmulator, pointSdkAt } from '../../dev/emulator';
import { BENCHMARKED_TYPE } from '../lib/benchmarked-type';

export interface InvocationTiming {
  totalMs: number;
  handlerMs: number;
  /** Lines logged before the lib's closing "Log delivery completed." line, and how many were delivered in time. */
  linesBeforeWait: number;
  deliveredBeforeReturn: number;
}

interface LoggedLine {
  text: string;
  at: number;
  deliveredAt?: number;
}

const HANDLER_START = '[READ] invoking handler...';
const HANDLER_END = '[READ] handler invoked';
const CLOSING_LINE = 'Log delivery completed.';

async function main(): Promise<void> {
  const [bundleFile, invocationsText, sinkDelayText] = process.argv.slice(2);
  const invocations = Number(invocationsText);
  const sinkDelayMs = Number(sinkDelayText);
  const emulator = await startEmulator({ requestsPerSecond: Number.POSITIVE_INFINITY });
  pointSdkAt(emulator.endpoint);
  process.env.AWS_REGION = DEFAULT_WORLD.region;
  const [permissionSet] = DEFAULT_WORLD.permissionSets;
  const [user] = DEFAULT_WORLD.users;
  const targetId = '222233334444';
  emulator.state.addAccountAssignment({
    targetId,
    permissionSetArn: permissionSet.arn,
    principalType: 'USER',
    principalId: user.id,
  });
  const properties = {
    InstanceArn: DEFAULT_WORLD.instanceArn,
    PermissionSetArn: permissionSet.arn,
    PrincipalId: user.id,
    PrincipalType: 'USER',
    TargetId: targetId,
    TargetType: 'AWS_ACCOUNT',
  };

  const lines: LoggedLine[] = [];
  console.log = (...args: unknown[]) => {
    const line: LoggedLine = { text: format(...args), at: performance.now() };
    lines.push(line);
    if (sinkDelayMs <= 0) {
      line.deliveredAt = line.at;
      return undefined;
    }
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        line.deliveredAt = performance.now();
        resolve();
      }, sinkDelayMs),
    );
  };

  const bundle = createRequire(__filename)(bundleFile) as { entrypoint: Entrypoint };
  const timings: InvocationTiming[] = [];
  // One unmeasured warm-up invocation (the SDK client, JIT), then the measured ones.
  for (let index = 0; index <= invocations; index++) {
    const request = buildHandlerRequest(
      { typeName: BENCHMARKED_TYPE.typeName },
      { action: 'READ', properties },
    );
    const context = createLambdaContext({ functionName: 'TypeFunction' });
    const first = lines.length;
    const startedAt = performance.now();
    const response = await bundle.entrypoint(request, context);
    const returnedAt = performance.now();
    const status = (response as { status?: unknown }).status;
    if (status !== 'SUCCESS') throw new Error(`READ answered ${JSON.stringify(response)}`);
    const mine = lines.slice(first);
    const start = mine.find((line) => line.text.includes(HANDLER_START));
    const end = mine.find((line) => line.text.includes(HANDLER_END));
    if (!start || !end) throw new Error('the runtime lib did not log the handler start/end lines');
    const closing = mine.findIndex((line) => line.text.includes(CLOSING_LINE));
    const beforeWait = closing < 0 ? mine : mine.slice(0, closing);
    if (index === 0) continue;
    timings.push({
      totalMs: returnedAt - startedAt,
      handlerMs: end.at - start.at,
      linesBeforeWait: beforeWait.length,
      deliveredBeforeReturn: beforeWait.filter(
        (line) => line.deliveredAt !== undefined && line.deliveredAt <= returnedAt,
      ).length,
    });
  }
  await emulator.close();
  process.stdout.write(`${JSON.stringify(timings)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

/**
 * Section 5: peak memory of a handler process. A new node process loads the shipped bundle (the file
 * ResourceProvider.zip holds) and serves a sequence of CREATE / READ / LIST / DELETE operations that the driver
 * sends it over IPC, as a warm Lambda would serve invocations one after another; its peak RSS
 * (process.resourceUsage().maxRSS) is compared with the Lambda memory size and with a bare node process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { DEFAULT_WORLD, type EndpointEnvironment, startLocalServices } from '../dev/emulator';
import { Driver, type HandlerRequestPayload, type LambdaContextLike } from '../dev/driver';
import { listFilterFor, type ResourceTypeEntry } from '../dev/types';
import { LAMBDA_MEMORY_MB } from './lib/model';
import type { MemoryResult } from './lib/results';

/** The handler process: plain node (no loader), the bundle, an IPC loop. */
const RUNNER = `
const handlers = require(process.env.BUNDLE_FILE);
process.on('message', (message) => {
  if (message.kind === 'invoke') {
    const context = { ...message.context, getRemainingTimeInMillis: () => 60000 };
    handlers.entrypoint(message.request, context).then(
      (response) => process.send({ kind: 'response', id: message.id, response }),
      (error) => process.send({ kind: 'response', id: message.id, error: String(error) }),
    );
  } else if (message.kind === 'report') {
    process.send({ kind: 'report', maxRssKb: process.resourceUsage().maxRSS }, () => process.exit(0));
  }
});
`;

type RunnerMessage =
  { kind: 'response'; id: number; response?: unknown; error?: string } | { kind: 'report'; maxRssKb: number };

class HandlerProcess {
  private nextId = 1;
  private readonly waiting = new Map<number, (message: RunnerMessage) => void>();
  private report?: (maxRssKb: number) => void;
  private readonly child: ChildProcess;

  constructor(bundleFile: string, environment: EndpointEnvironment) {
    this.child = spawn(process.execPath, ['-e', RUNNER], {
      env: {
        PATH: process.env.PATH,
        AWS_REGION: DEFAULT_WORLD.region,
        ...environment,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        BUNDLE_FILE: bundleFile,
      },
      // The handler's console (the runtime lib's log lines) is not needed here.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.child.on('message', (message: RunnerMessage) => {
      if (message.kind === 'report') this.report?.(message.maxRssKb);
      else this.waiting.get(message.id)?.(message);
    });
  }

  invoke(request: HandlerRequestPayload, context: LambdaContextLike): Promise<unknown> {
    const id = this.nextId++;
    const { getRemainingTimeInMillis: _remaining, ...plainContext } = context;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, (message) => {
        this.waiting.delete(id);
        if (message.kind === 'response' && message.error === undefined) resolve(message.response);
        else reject(new Error(message.kind === 'response' ? message.error : 'unexpected message'));
      });
      this.child.send({ kind: 'invoke', id, request, context: plainContext });
    });
  }

  peakRssKb(): Promise<number> {
    return new Promise((resolve) => {
      this.report = resolve;
      this.child.send({ kind: 'report' });
    });
  }
}

/** Peak RSS of `node -e 0`-like process, in KB, for reference. */
function bareNodePeakRssKb(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-e', 'process.stdout.write(String(process.resourceUsage().maxRSS))'],
      {
        env: { PATH: process.env.PATH },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(Number(output)));
  });
}

export interface MemoryOptions {
  type: ResourceTypeEntry;
  /** The type's shipped bundle (dist/<type>/handlers.js). */
  bundleFile: string;
  /** CREATE + READ + LIST + DELETE cycles. */
  cycles: number;
  progress: () => void;
}

export async function measureMemory(options: MemoryOptions): Promise<MemoryResult> {
  // Short provisioning and scaled callback waits: this section measures memory, not time.
  // With the state table when the type keeps state.
  const services = await startLocalServices({
    provisioningMs: 50,
    requestsPerSecond: Number.POSITIVE_INFINITY,
    stateTable: options.type.stateTable,
  });
  const handler = new HandlerProcess(options.bundleFile, services.environment);
  let invocations = 0;
  const driver = new Driver({
    entrypoint: (request, context) => {
      invocations++;
      return handler.invoke(request, context);
    },
    typeName: options.type.typeName,
    primaryIdentifier: options.type.primaryIdentifier,
    timeScale: 0.05,
    log: () => undefined,
  });
  try {
    const properties = options.type.demoModel(DEFAULT_WORLD);
    for (let cycle = 0; cycle < options.cycles; cycle++) {
      const created = await driver.create(properties);
      if (created.final.status !== 'SUCCESS')
        throw new Error(`CREATE ${created.final.status} ${created.final.message}`);
      await driver.read(properties);
      await driver.list(listFilterFor(options.type, properties));
      const deleted = await driver.del(properties);
      if (deleted.final.status !== 'SUCCESS')
        throw new Error(`DELETE ${deleted.final.status} ${deleted.final.message}`);
      options.progress();
    }
    const peakRssMb = (await handler.peakRssKb()) / 1024;
    const bareNodeRssMb = (await bareNodePeakRssKb()) / 1024;
    return {
      type: options.type.key,
      peakRssMb,
      lambdaMemoryMb: LAMBDA_MEMORY_MB,
      ratio: peakRssMb / LAMBDA_MEMORY_MB,
      invocations,
      bundle: `dist/${options.type.key}/handlers.js (the shipped bundle)`,
      bareNodeRssMb,
    };
  } finally {
    await services.close();
  }
}

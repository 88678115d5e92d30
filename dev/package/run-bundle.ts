/**
 * Runs a bundled handler the way Lambda starts it cold: a new node process requires dist/<type>/handlers.js
 * and calls `entrypoint` once. Used by the cold-start measurement and the package tests.
 */
import { spawn } from 'node:child_process';
import { createLambdaContext, type HandlerRequestPayload } from '../driver';

export interface ProcessRun {
  /** Spawn to exit, measured by the parent. */
  readonly wallMs: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface BundleRun extends ProcessRun {
  /** The entrypoint's answer (the serialized ProgressEvent). */
  readonly response: unknown;
  /** Measured inside the process: process start to the script's first line (node's own start-up). */
  readonly bootMs: number;
  readonly requireMs: number;
  readonly firstRequestMs: number;
  /** What the handler printed (its console), without the report line. */
  readonly output: string;
}

const REPORT_MARKER = '@@bundle-run@@';

const RUNNER = `
const bootMs = performance.now();
const handlers = require(process.env.BUNDLE_FILE);
const requireMs = performance.now() - bootMs;
const request = JSON.parse(process.env.HANDLER_REQUEST);
const context = { ...JSON.parse(process.env.LAMBDA_CONTEXT), getRemainingTimeInMillis: () => 60000 };
const started = performance.now();
handlers.entrypoint(request, context).then((response) => {
  const report = { bootMs, requireMs, firstRequestMs: performance.now() - started, response };
  // Exit at once, as Lambda freezes the process after the answer (keep-alive sockets would hold it open).
  process.stdout.write('\\n${REPORT_MARKER}' + JSON.stringify(report) + '\\n', () => process.exit(0));
}, (error) => { console.error(error); process.exit(1); });
`;

/** Runs `node <args>` with exactly `env`; rejects when it exits non-zero. */
export function runNode(args: readonly string[], env: NodeJS.ProcessEnv): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (code === 0) resolve({ wallMs, stdout, stderr });
      else reject(new Error(`node exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

interface Report {
  bootMs: number;
  requireMs: number;
  firstRequestMs: number;
  response: unknown;
}

function isReport(value: unknown): value is Report {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<Report>).bootMs === 'number' &&
    typeof (value as Partial<Report>).requireMs === 'number' &&
    typeof (value as Partial<Report>).firstRequestMs === 'number'
  );
}

export interface BundleRunOptions {
  readonly bundleFile: string;
  readonly request: HandlerRequestPayload;
  /**
   * The process environment, besides PATH: endpoints (AWS_ENDPOINT_URL_SSO_ADMIN, …) and region. Nothing
   * else of this machine's environment (profiles, credentials) reaches the handler.
   */
  readonly env: Readonly<Record<string, string>>;
}

/** A new node process: require the bundle, answer `request` once, exit. */
export async function runBundle(options: BundleRunOptions): Promise<BundleRun> {
  const { getRemainingTimeInMillis: _remaining, ...context } = createLambdaContext({
    functionName: 'TypeFunction',
  });
  const run = await runNode(['-e', RUNNER], {
    PATH: process.env.PATH,
    AWS_EC2_METADATA_DISABLED: 'true',
    ...options.env,
    BUNDLE_FILE: options.bundleFile,
    HANDLER_REQUEST: JSON.stringify(options.request),
    LAMBDA_CONTEXT: JSON.stringify(context),
  });
  const lines = run.stdout.split('\n');
  const reportLine = lines.find((line) => line.startsWith(REPORT_MARKER));
  const report: unknown = reportLine ? JSON.parse(reportLine.slice(REPORT_MARKER.length)) : undefined;
  if (!isReport(report)) throw new Error(`The handler process printed no report: ${run.stdout.slice(-2000)}`);
  return {
    ...run,
    ...report,
    output: lines.filter((line) => !line.startsWith(REPORT_MARKER)).join('\n'),
  };
}

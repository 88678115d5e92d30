// Runs dev/demo scripts as a user runs them (`npm run demo` / `npm run invoke` are `tsx dev/demo/<script>.ts`),
// in a child process, asynchronously so an emulator in the test process keeps serving meanwhile.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { REPOSITORY_ROOT } from '../../../dev/types';

const TSX = path.join(REPOSITORY_ROOT, 'node_modules', '.bin', 'tsx');
const RECORDER = path.join(__dirname, 'connection-recorder.js');

export interface ScriptRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Destination {
  host?: string;
  port?: number;
  path?: string;
}

/** How long a script may run before it is killed, unless the caller gives longer (a whole demo run). */
export const SCRIPT_TIMEOUT_MS = 25_000;

/** `env` overrides the test's environment; a variable set to undefined is removed. */
export function runScript(
  script: 'demo' | 'invoke',
  args: readonly string[],
  env: Record<string, string | undefined> = {},
  timeoutMs: number = SCRIPT_TIMEOUT_MS,
): Promise<ScriptRun> {
  const merged = Object.entries({ ...process.env, ...env }).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  const options = { cwd: REPOSITORY_ROOT, timeout: timeoutMs, env: Object.fromEntries(merged) };
  return new Promise((resolve) => {
    execFile(TSX, [path.join('dev', 'demo', `${script}.ts`), ...args], options, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs the script with connection-recorder.js preloaded: every socket it opens is recorded, and any TCP
 * connection beyond loopback is refused, so nothing leaves the machine even when the script tries. The
 * tests' own catch-all AWS_ENDPOINT_URL (dev/jest-setup.js) is removed, as a user's shell has none: the
 * recorder sees where the script's clients go by themselves.
 */
export async function runScriptRecordingConnections(
  script: 'demo' | 'invoke',
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<ScriptRun & { destinations: Destination[] }> {
  const directory = mkdtempSync(path.join(tmpdir(), 'connections-'));
  const logFile = path.join(directory, 'connections.jsonl');
  try {
    const run = await runScript(script, args, {
      AWS_ENDPOINT_URL: undefined,
      ...env,
      CONNECTION_LOG: logFile,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require "${RECORDER}"`.trim(),
    });
    let lines: string[] = [];
    try {
      lines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
    } catch {
      // No socket was opened at all.
    }
    return { ...run, destinations: lines.map((line) => JSON.parse(line) as Destination) };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

export function isLoopback(destination: Destination): boolean {
  return (
    destination.path !== undefined ||
    (destination.host !== undefined && ['127.0.0.1', '::1', 'localhost'].includes(destination.host))
  );
}

/** Forks a TypeScript worker (through tsx) that reports progress and one result over IPC. */
import { fork } from 'node:child_process';

export type WorkerMessage =
  | { kind: 'progress'; units: number }
  | { kind: 'result'; data: unknown }
  | { kind: 'error'; message: string };

export function runWorker<T>(
  script: string,
  args: readonly string[],
  onProgress: (units: number) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(script, [...args], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    let outcome: { data: unknown } | { error: string } | undefined;
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    child.on('message', (message: WorkerMessage) => {
      if (message.kind === 'progress') onProgress(message.units);
      else if (message.kind === 'result') outcome = { data: message.data };
      else outcome = { error: message.message };
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (outcome && 'data' in outcome) resolve(outcome.data as T);
      else reject(new Error(outcome?.error ?? `worker ${script} exited with ${code}: ${stderr}`));
    });
  });
}

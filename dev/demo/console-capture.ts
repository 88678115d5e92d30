// The runtime lib logs through `console` (resource.js: `this.lambdaLogger = console`, and LambdaLogPublisher
// calls `logger.log('%s\n', message)`), as do the handlers via the lib's LoggerProxy. For a readable demo those
// lines are captured here instead of interleaving with the demo's own output, which is written to
// process.stdout directly.
import { format } from 'node:util';

const CAPTURED_METHODS = ['log', 'info', 'debug', 'warn'] as const;
type CapturedMethod = (typeof CAPTURED_METHODS)[number];

export interface ConsoleCapture {
  /** The lines logged since the last drain (trailing whitespace trimmed); clears them. */
  drain(): string[];
  /** Puts the original console methods back. */
  restore(): void;
}

/** Replaces console.log/info/debug/warn with a collector until restore(). */
export function captureConsole(): ConsoleCapture {
  const originals = new Map<CapturedMethod, (...args: unknown[]) => void>();
  let lines: string[] = [];
  for (const method of CAPTURED_METHODS) {
    originals.set(method, console[method]);
    console[method] = (...args: unknown[]): void => {
      lines.push(
        ...format(...args)
          .trimEnd()
          .split('\n'),
      );
    };
  }
  return {
    drain: () => {
      const drained = lines;
      lines = [];
      return drained;
    },
    restore: () => {
      for (const [method, original] of originals) console[method] = original;
    },
  };
}

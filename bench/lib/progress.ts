/**
 * Progress on stderr: one cli-progress bar per section on a terminal; without a terminal (CI logs), one line
 * per finished section instead, since the bars only render on a TTY.
 */
import { MultiBar, Presets } from 'cli-progress';

export interface SectionProgress {
  increment(units?: number): void;
  done(): void;
}

export interface ProgressBoard {
  section(name: string, total: number): SectionProgress;
  stop(): void;
}

export function progressBoard(stream: NodeJS.WriteStream = process.stderr): ProgressBoard {
  const startedAt = Date.now();
  if (!stream.isTTY) {
    return {
      section(name) {
        let finished = false;
        return {
          increment: () => undefined,
          done() {
            if (finished) return;
            finished = true;
            stream.write(`bench: ${name} done (${((Date.now() - startedAt) / 1000).toFixed(0)} s)\n`);
          },
        };
      },
      stop: () => undefined,
    };
  }
  const bars = new MultiBar(
    {
      stream,
      format: ' {section} |{bar}| {percentage}% {duration}s',
      barsize: 30,
      hideCursor: true,
      clearOnComplete: false,
    },
    Presets.shades_classic,
  );
  return {
    section(name, total) {
      const bar = bars.create(total, 0, { section: name.padEnd(28) });
      return {
        increment: (units = 1) => bar.increment(units),
        done: () => bar.update(total),
      };
    },
    stop: () => bars.stop(),
  };
}

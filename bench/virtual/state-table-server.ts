/**
 * Child process serving the assignment group's state table (dynalite, the table created under its default name)
 * for a virtual-time worker: on real timers in a process of its own, so dynalite's work never runs on the
 * worker's virtual clock and its memory stays out of the worker's RSS. It counts the calls by operation and keeps
 * the largest item written (DynamoDB's size, as dynalite checks the 400 KB limit).
 * Messages: to the parent { kind: 'ready', endpoint }, then a TableStats for each { kind: 'stats' } asked
 * (counting restarts after each answer).
 */
import { itemSize } from 'dynalite/db';
import { createStateTable, startStateTable } from '../../dev/emulator';
import type { TableStats } from '../lib/results';

let stats: TableStats = { calls: {}, largestItemBytes: 0 };

async function main(): Promise<void> {
  const table = await startStateTable({
    observe: (operation, body) => {
      stats.calls[operation] = (stats.calls[operation] ?? 0) + 1;
      if (operation !== 'PutItem') return;
      const { Item } = JSON.parse(body.toString('utf8')) as { Item?: Record<string, unknown> };
      if (Item) stats.largestItemBytes = Math.max(stats.largestItemBytes, itemSize(Item));
    },
  });
  await createStateTable(table.endpoint);
  stats = { calls: {}, largestItemBytes: 0 };
  process.on('message', (message: { kind: string }) => {
    if (message.kind !== 'stats') return;
    process.send?.(stats);
    stats = { calls: {}, largestItemBytes: 0 };
  });
  // The worker going away (normally or not) ends this process too.
  process.on('disconnect', () => {
    void table.close().finally(() => process.exit(0));
  });
  process.send?.({ kind: 'ready', endpoint: table.endpoint });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

// dynalite 4.x ships no type declarations; these cover the part dev/emulator/state-table.ts uses
// (its index.js: `dynalite(options)` returns an http.Server whose close() also closes the store).
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** How long a new table stays CREATING (default 500 ms). */
    createTableMs?: number;
    /** How long a deleted table stays DELETING (default 500 ms). */
    deleteTableMs?: number;
    /** How long an updated table stays UPDATING (default 500 ms). */
    updateTableMs?: number;
    /** The largest item accepted (default 400, as DynamoDB). */
    maxItemSizeKb?: number;
    /** A LevelDB folder; in memory when absent. */
    path?: string;
  }

  function dynalite(options?: DynaliteOptions): Server;
  export = dynalite;
}

// dynalite's item sizing (db/index.js), as it checks DynamoDB's 400 KB item limit: attribute names plus values.
declare module 'dynalite/db' {
  export function itemSize(item: Record<string, unknown>): number;
}

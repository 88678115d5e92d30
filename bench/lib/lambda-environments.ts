/**
 * Lambda's execution environments, for section 4's separate resources. "For each concurrent request, Lambda
 * provisions a separate instance of your execution environment" and reuses an idle one for a later request
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-concurrency.html): an environment is one Node process
 * serving one invocation at a time, with its own module state (SDK clients and their retry quota, what the
 * handlers remember of throttling). Here an environment is a fresh instance of the handler's modules in the
 * worker (the shared virtual clock keeps them in one OS process): every module under the isolated folders is
 * evaluated again, while node_modules (the SDK's code, the runtime lib) stay shared, as they hold no state the
 * handlers pace by.
 *
 * Which idle environment Lambda picks is not documented; the pool takes the one freed last (deterministic, and
 * the way a warm environment keeps serving while traffic lasts).
 *
 * Every AsyncLocalStorage an environment creates (src/core/invocation.ts keeps the invocation's deadline in one) is
 * an EnvironmentLocalStorage: its own store, as before, but carried on one AsyncLocalStorage all environments share.
 * Node 20's AsyncLocalStorage is built on async_hooks: every enabled instance copies its store onto every promise
 * the process creates, so 500 instances made each promise cost 500 property writes (and made each promise an
 * object of 500 properties): three quarters of a run's wall time went to that propagation and the garbage
 * collection after it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { Entrypoint } from '../../dev/driver';

/** A context entered by an EnvironmentLocalStorage: the instance's store sits in the instance, keyed by it. */
interface Frame {
  readonly parent: Frame | undefined;
}

/** The one AsyncLocalStorage under every EnvironmentLocalStorage: the chain of frames entered. */
const frames = new AsyncLocalStorage<Frame>();

/**
 * An AsyncLocalStorage with its own store per context, as Node's, whose contexts travel on the shared `frames`:
 * whatever the number of instances, the process propagates one store per promise. `run` enters a frame holding
 * this instance's store; `getStore` finds the innermost frame this instance entered. The constructor is Node's
 * (it enables nothing; only `run` and `enterWith` would), and none of Node's methods is used.
 */
export class EnvironmentLocalStorage<T> extends AsyncLocalStorage<T> {
  private stores = new WeakMap<Frame, { store: T | undefined }>();

  private enter(store: T | undefined): Frame {
    const frame: Frame = { parent: frames.getStore() };
    this.stores.set(frame, { store });
    return frame;
  }

  override getStore(): T | undefined {
    for (let frame = frames.getStore(); frame !== undefined; frame = frame.parent) {
      const entry = this.stores.get(frame);
      if (entry !== undefined) return entry.store;
    }
    return undefined;
  }

  override run<R, TArgs extends unknown[]>(store: T, callback: (...args: TArgs) => R, ...args: TArgs): R {
    return frames.run(this.enter(store), callback, ...args);
  }

  override exit<R, TArgs extends unknown[]>(callback: (...args: TArgs) => R, ...args: TArgs): R {
    return frames.run(this.enter(undefined), callback, ...args);
  }

  override enterWith(store: T): void {
    frames.enterWith(this.enter(store));
  }

  /** Every context this instance entered is left: getStore answers undefined until the next run or enterWith. */
  override disable(): void {
    this.stores = new WeakMap();
  }
}

/** Loads one more instance of a handler module and returns its entrypoint. */
export type EnvironmentLoader = () => Entrypoint;

function isEntrypoint(value: unknown): value is Entrypoint {
  return typeof value === 'function';
}

/**
 * A loader of fresh instances of `moduleFile`'s export `exportName`: the modules under `isolatedFolders` are
 * evaluated anew for each instance, and the module cache is left as it was, so other code keeps its instances.
 */
export function isolatedModuleLoader(
  moduleFile: string,
  exportName: string,
  isolatedFolders: readonly string[],
): EnvironmentLoader {
  const load = createRequire(__filename);
  // The CommonJS exports of node:async_hooks, the object an environment's modules read AsyncLocalStorage from.
  const asyncHooks: { AsyncLocalStorage: typeof AsyncLocalStorage } = load('node:async_hooks');
  const folders = isolatedFolders.map((folder) => path.resolve(folder) + path.sep);
  const isolated = (file: string): boolean => folders.some((folder) => file.startsWith(folder));
  return () => {
    const kept = new Map<string, NodeJS.Module>();
    for (const [file, module] of Object.entries(load.cache)) {
      if (module !== undefined && isolated(file)) {
        kept.set(file, module);
        Reflect.deleteProperty(load.cache, file);
      }
    }
    // Only while the environment's modules are evaluated: they construct their storages at load.
    const nodeLocalStorage = asyncHooks.AsyncLocalStorage;
    asyncHooks.AsyncLocalStorage = EnvironmentLocalStorage;
    try {
      const exported: unknown = load(path.resolve(moduleFile))[exportName];
      if (!isEntrypoint(exported)) throw new Error(`${moduleFile} exports no function ${exportName}`);
      return exported;
    } finally {
      asyncHooks.AsyncLocalStorage = nodeLocalStorage;
      for (const file of Object.keys(load.cache))
        if (isolated(file)) Reflect.deleteProperty(load.cache, file);
      for (const [file, module] of kept) load.cache[file] = module;
    }
  };
}

export interface LambdaEnvironments {
  /** Runs each invocation in an idle environment, or in a new one when all are busy. */
  readonly entrypoint: Entrypoint;
  /** Environments created so far: the peak number of concurrent invocations. */
  environments(): number;
}

export function lambdaEnvironments(loadInstance: EnvironmentLoader): LambdaEnvironments {
  const idle: Entrypoint[] = [];
  let created = 0;
  return {
    entrypoint: async (request, context) => {
      let environment = idle.pop();
      if (environment === undefined) {
        environment = loadInstance();
        created++;
      }
      try {
        return await environment(request, context);
      } finally {
        idle.push(environment);
      }
    },
    environments: () => created,
  };
}

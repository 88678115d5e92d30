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
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { Entrypoint } from '../../dev/driver';

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
    try {
      const exported: unknown = load(path.resolve(moduleFile))[exportName];
      if (!isEntrypoint(exported)) throw new Error(`${moduleFile} exports no function ${exportName}`);
      return exported;
    } finally {
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

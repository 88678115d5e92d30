// The types the virtual-time sections measure. The native comparison (sections 3, 4, 6 and 7) measures the
// registered type whose native AWS handler bench/native/native-like.ts stands in for; the group rows (sections 4
// and 8) measure the registered type that stands for many of those assignments in one resource. Sections 1, 2
// and 5 measure every registered type.
import type { Entrypoint } from '../../dev/driver';
import {
  RESOURCE_TYPES,
  resourceTypeByName,
  type HandlerModule,
  type ResourceTypeEntry,
} from '../../dev/types';
import { NATIVE_TYPE_NAME } from '../native/native-like';

function benchmarkedType(): ResourceTypeEntry {
  const entry = resourceTypeByName(NATIVE_TYPE_NAME);
  if (!entry) throw new Error(`No registered type mirrors ${NATIVE_TYPE_NAME}, the native-like stand-in`);
  return entry;
}

export const BENCHMARKED_TYPE = benchmarkedType();

/**
 * The group: the type that writes the same service resource as the benchmarked type (its create write) and keeps
 * state in the state table, one resource standing for many assignments.
 */
function groupType(): ResourceTypeEntry {
  const groups = RESOURCE_TYPES.filter(
    (entry) =>
      entry.stateTable && entry.emulator.createOperation === BENCHMARKED_TYPE.emulator.createOperation,
  );
  if (groups.length !== 1) {
    throw new Error(
      `Expected one registered type keeping state that writes ${BENCHMARKED_TYPE.emulator.createOperation}, ` +
        `found ${groups.length}`,
    );
  }
  return groups[0];
}

export const GROUP_TYPE = groupType();

/**
 * The type's entrypoint, its module imported on first use, after the SDK is pointed at the emulator. `load` imports
 * it ahead of a measurement: an import is real work virtual time does not see (tsx resolves modules on a loader
 * thread), so a first invocation importing it could see the clock jump to its Lambda timeout.
 */
function lazyEntrypoint(entry: ResourceTypeEntry): { entrypoint: Entrypoint; load: () => Promise<unknown> } {
  let handlers: Promise<HandlerModule> | undefined;
  const load = (): Promise<HandlerModule> => (handlers ??= entry.loadHandlers());
  return {
    entrypoint: async (request, context) => (await load()).entrypoint(request, context),
    load,
  };
}

export const { entrypoint: benchmarkedEntrypoint, load: loadBenchmarkedHandlers } =
  lazyEntrypoint(BENCHMARKED_TYPE);
export const { entrypoint: groupEntrypoint, load: loadGroupHandlers } = lazyEntrypoint(GROUP_TYPE);

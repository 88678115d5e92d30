// The type the native comparison (sections 3, 4, 6 and 7) measures: the registered type whose native AWS
// handler bench/native/native-like.ts stands in for. Sections 1, 2 and 5 measure every registered type.
import type { Entrypoint } from '../../dev/driver';
import { resourceTypeByName, type HandlerModule, type ResourceTypeEntry } from '../../dev/types';
import { NATIVE_TYPE_NAME } from '../native/native-like';

function benchmarkedType(): ResourceTypeEntry {
  const entry = resourceTypeByName(NATIVE_TYPE_NAME);
  if (!entry) throw new Error(`No registered type mirrors ${NATIVE_TYPE_NAME}, the native-like stand-in`);
  return entry;
}

export const BENCHMARKED_TYPE = benchmarkedType();

let handlers: Promise<HandlerModule> | undefined;

/** The benchmarked type's entrypoint, its module imported on the first invocation. */
export const benchmarkedEntrypoint: Entrypoint = async (request, context) => {
  handlers ??= BENCHMARKED_TYPE.loadHandlers();
  return (await handlers).entrypoint(request, context);
};

// Shared command-line helpers of the demo and invoke scripts: resource property flags derived from the
// registered schemas, and number parsing.
import { type ResourceProperties } from '../driver';
import { RESOURCE_TYPES, type ResourceTypeEntry } from '../types';

/** InstanceArn -> instance-arn. */
export function flagFor(propertyName: string): string {
  return propertyName.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** One string flag per property of every registered schema (e.g. --instance-arn, --application-arn). */
export function propertyFlagOptions(): Record<string, { type: 'string' }> {
  const names = new Set(RESOURCE_TYPES.flatMap((entry) => Object.keys(entry.schema.properties)));
  return Object.fromEntries([...names].map((name) => [flagFor(name), { type: 'string' as const }]));
}

/** A property's only allowed value, when its schema enum has exactly one (e.g. TargetType AWS_ACCOUNT). */
function soleEnumValue(entry: ResourceTypeEntry, name: string): unknown {
  const allowed = entry.schema.properties[name]?.enum;
  return allowed?.length === 1 ? allowed[0] : undefined;
}

export type ModelFromFlags =
  { complete: true; model: ResourceProperties } | { complete: false; missingFlags: string[] };

/**
 * The type's model from `--<property>` flags (over `base`, e.g. a --model file); a property whose schema
 * allows a single value defaults to it. Incomplete when a required property is missing.
 */
export function modelFromFlags(
  entry: ResourceTypeEntry,
  flags: Readonly<Record<string, unknown>>,
  base: ResourceProperties = {},
): ModelFromFlags {
  const model: ResourceProperties = {};
  for (const name of Object.keys(entry.schema.properties)) {
    const value = flags[flagFor(name)] ?? base[name] ?? soleEnumValue(entry, name);
    if (value !== undefined) model[name] = value;
  }
  const missingFlags = (entry.schema.required ?? [])
    .filter((name) => model[name] === undefined)
    .map((name) => `--${flagFor(name)}`);
  return missingFlags.length === 0 ? { complete: true, model } : { complete: false, missingFlags };
}

export function nonNegativeNumber(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0) {
    throw new UsageError(`--${flag} must be a non-negative number, got '${value}'`);
  }
  return parsed;
}

/** A mistake in the command line: reported with the usage text, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

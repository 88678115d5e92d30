// What the every-type reliability suites cannot know from the registry: how a fault is injected for a type
// and what the emulator then holds. Each registered type answers in its own folder,
// test/<key>/reliability-profile.ts (exporting `profile`); the suites find it by the registry key, so a
// shared suite never names a type, and a type registered without a profile, or with an incomplete one, fails
// by name instead of taking another type's branch.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ResourceProperties, RunResult } from '../../../dev/driver';
import type { PrincipalType, RunningEmulator } from '../../../dev/emulator';
import { REPOSITORY_ROOT, type TypeKey } from '../../../dev/types';

export interface ReliabilityProfile {
  /**
   * A line the handler logs once its create has been sent (the secrets suite checks that the capture holds
   * every type's, so it knows it saw the handlers' own lines).
   */
  readonly createLogLine: string;
  /** Makes the next `count` calls of the write `operation` for `model` answer ConflictException. */
  injectConflict(
    emulator: RunningEmulator,
    model: ResourceProperties,
    operation: string,
    count: number,
  ): void;
  /** Makes the service reject the next create of `model`; returns the error code the handler then answers. */
  failNextCreate(emulator: RunningEmulator, model: ResourceProperties): string;
  /** Expects `model`'s resource to exist exactly once, with nothing left in flight. */
  expectExactlyOne(emulator: RunningEmulator, model: ResourceProperties): void;
  /** Expects no resource of `model` (nor anything the type counts with it), with nothing left in flight. */
  expectNone(emulator: RunningEmulator, model: ResourceProperties): void;
  /**
   * After a DELETE of a resource whose principal was deleted from the identity store: expects the emulator to
   * show that the delete was sent and refused the way the service refuses it for this type.
   */
  expectDeleteRefusedForMissingPrincipal(
    emulator: RunningEmulator,
    principal: { principalType: PrincipalType; principalId: string },
  ): void;
  /** `count` distinct models valid in `emulator`'s world (adding to the world what they need). */
  parallelModels(emulator: RunningEmulator, count: number): ResourceProperties[];
  /** The principal of `model` that the deprovisioning cells delete from the identity store. */
  principalOf(model: ResourceProperties): { principalType: PrincipalType; principalId: string };
  /**
   * A READ after `principal` (principalOf) was deleted from the identity store: its assignments stay listed but
   * grant nothing, so the READ must not report them as access.
   */
  expectReadAfterPrincipalRemoved(
    result: RunResult,
    model: ResourceProperties,
    principal: { principalType: PrincipalType; principalId: string },
  ): void;
  /**
   * A READ after every service resource of `model` was deleted out of band: what it must answer (NotFound for a
   * type whose resource is its service resource; drift for one that keeps its own record).
   */
  expectReadAfterOutOfBandDelete(result: RunResult, model: ResourceProperties): void;
  /**
   * A DELETE after every service resource of `model` was deleted out of band (none of its deletes accepted):
   * what it must answer.
   */
  expectDeleteAfterOutOfBandDelete(result: RunResult): void;
  /**
   * Cells of the every-type suites this type fails because of a known handler bug, by `<suite>: <cell>` name,
   * each with where it is written down: they run as test.failing (red again once the handler is fixed).
   */
  readonly knownHandlerBugs: Readonly<Record<string, string>>;
}

/**
 * The answers of a type whose resource is its one service resource: one that grants nothing (its principal
 * deprovisioned) or is gone out of band is NotFound to READ and DELETE alike.
 */
export const SERVICE_RESOURCE_ANSWERS = {
  expectReadAfterPrincipalRemoved: expectNotFound,
  expectReadAfterOutOfBandDelete: expectNotFound,
  expectDeleteAfterOutOfBandDelete: expectNotFound,
} satisfies Partial<ReliabilityProfile>;

function expectNotFound(result: RunResult): void {
  expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
}

const HOOKS = {
  createLogLine: 'string',
  injectConflict: 'function',
  failNextCreate: 'function',
  expectExactlyOne: 'function',
  expectNone: 'function',
  expectDeleteRefusedForMissingPrincipal: 'function',
  parallelModels: 'function',
  principalOf: 'function',
  expectReadAfterPrincipalRemoved: 'function',
  expectReadAfterOutOfBandDelete: 'function',
  expectDeleteAfterOutOfBandDelete: 'function',
  knownHandlerBugs: 'object',
} as const satisfies Record<keyof ReliabilityProfile, 'string' | 'function' | 'object'>;

/** The module a type's profile lives in, relative to the repository root. */
export function profileFile(key: TypeKey): string {
  return path.posix.join('test', key, 'reliability-profile.ts');
}

/** The hooks `candidate` lacks or declares with the wrong kind (empty when it is a complete profile). */
export function missingHooks(candidate: unknown): string[] {
  return Object.entries(HOOKS)
    .filter(
      ([name, kind]) =>
        typeof candidate !== 'object' || candidate === null || typeof Reflect.get(candidate, name) !== kind,
    )
    .map(([name, kind]) => `${name} (${kind})`);
}

function isProfile(candidate: unknown): candidate is ReliabilityProfile {
  return missingHooks(candidate).length === 0;
}

/**
 * `test` for a cell, or test.failing when the profile lists it as failing by a known handler bug (its note added
 * to the name), so the bug stays visible and the cell turns red once the handler is fixed.
 */
export function cellFor(profile: ReliabilityProfile, suite: string, name: string): [jest.It, string] {
  const bug = profile.knownHandlerBugs[`${suite}: ${name}`];
  if (bug === undefined) return [test, name];
  // A cell whose expectation does not apply to the type as it should behave either is skipped, by name.
  if (bug.startsWith(SKIP_PREFIX)) return [test.skip, `${name} [skipped: ${bug.slice(SKIP_PREFIX.length)}]`];
  return [test.failing, `${name} [known handler bug: ${bug}]`];
}

/** A knownHandlerBugs note with this prefix skips its cell instead of running it as test.failing. */
export const SKIP_PREFIX = 'skip: ';

/** The profile test/<key>/reliability-profile.ts exports; throws, naming what is missing, when there is none. */
export function reliabilityProfile(key: TypeKey): ReliabilityProfile {
  const file = profileFile(key);
  const absolute = path.join(REPOSITORY_ROOT, file);
  if (!existsSync(absolute)) {
    throw new Error(
      `The registered type ${key} has no reliability profile: add ${file} exporting \`profile\` ` +
        `(a ReliabilityProfile, test/reliability/support/profile.ts).`,
    );
  }
  // Resolved by the registry key at run time: a static import would name the type's folder here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded: unknown = require(absolute);
  const profile: unknown =
    typeof loaded === 'object' && loaded !== null ? Reflect.get(loaded, 'profile') : undefined;
  if (!isProfile(profile)) {
    throw new Error(`${file} exports no complete \`profile\`: missing ${missingHooks(profile).join(', ')}.`);
  }
  return profile;
}

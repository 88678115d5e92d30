// The demo's scenario for one resource type, each step judged against what CloudFormation expects. Every type goes
// CREATE -> READ -> LIST -> DELETE -> READ after DELETE (NotFound). A type with a demo scenario (dev/types.ts
// DemoScenario) run against the in-process emulator also UPDATEs in place, has one of its service resources deleted
// out of band, shows that as drift on READ, and is repaired by an UPDATE with the same model, before DELETE. One whose
// scenario has membership drift then also targets an OU, has an account join it out of band, shows that as drift on
// READ, and is applied again, which assigns the new member.
import {
  ContractViolation,
  DriverError,
  type Driver,
  type ProgressEventPayload,
  type ResourceProperties,
  type RunResult,
} from '../driver';
import type { RunningEmulator, World } from '../emulator';
import { type DemoScenario, listFilterFor, primaryIdentifierOf, type ResourceTypeEntry } from '../types';

export const LIFECYCLE_STEPS = ['CREATE', 'READ', 'LIST', 'DELETE', 'READ after DELETE'] as const;

/** The steps of a type with a demo scenario, against the in-process emulator. */
export const SCENARIO_STEPS = [
  'CREATE',
  'READ',
  'LIST',
  'UPDATE',
  'DELETE out of band',
  'READ shows drift',
  'UPDATE repairs',
  'READ after repair',
  'DELETE',
  'READ after DELETE',
] as const;

/** What a scenario with membership drift (DemoScenario.membership) adds after 'READ after repair'. */
export const MEMBERSHIP_STEPS = [
  'UPDATE to an OU target',
  'account joins the OU out of band',
  'READ shows membership drift',
  'UPDATE assigns the new member',
] as const;

export type LifecycleStep = (typeof SCENARIO_STEPS)[number] | (typeof MEMBERSHIP_STEPS)[number];

const AFTER_REPAIR = SCENARIO_STEPS.indexOf('READ after repair') + 1;

/** The steps of a type whose demo scenario has membership drift, against the in-process emulator. */
export const MEMBERSHIP_SCENARIO_STEPS: readonly LifecycleStep[] = [
  ...SCENARIO_STEPS.slice(0, AFTER_REPAIR),
  ...MEMBERSHIP_STEPS,
  ...SCENARIO_STEPS.slice(AFTER_REPAIR),
];

export interface LifecycleOptions {
  /** The in-process emulator: the type's demo scenario runs, and the steps check the emulator's state. */
  emulator?: RunningEmulator;
  /** What a seeded ID stands for (e.g. 'group Developers'), for the summaries. */
  nameOf?: (value: string) => string | undefined;
}

/** The demo scenario that runs: the type's own, only against the in-process emulator (its world and state). */
function scenarioOf(entry: ResourceTypeEntry, options: LifecycleOptions): DemoScenario | undefined {
  return options.emulator === undefined ? undefined : entry.demo;
}

/** The steps runLifecycle runs for `entry` with these options. */
export function lifecycleSteps(
  entry: ResourceTypeEntry,
  options: LifecycleOptions = {},
): readonly LifecycleStep[] {
  const scenario = scenarioOf(entry, options);
  if (scenario === undefined) return LIFECYCLE_STEPS;
  return scenario.membership === undefined ? SCENARIO_STEPS : MEMBERSHIP_SCENARIO_STEPS;
}

export interface StepOutcome {
  step: LifecycleStep;
  /** Whether the step gave the expected result. */
  ok: boolean;
  /** Not run because an earlier step made it meaningless (e.g. nothing was created). */
  skipped: boolean;
  /** One readable sentence: what happened and why it is (not) what was expected. */
  summary: string;
  /** The final event; absent when the driver threw, the step was skipped or sent no request. */
  final?: ProgressEventPayload;
}

export interface StepStart {
  step: LifecycleStep;
  index: number;
  /** How many steps the run has. */
  total: number;
  /** What the step does, when the step's name does not say it all (e.g. what an UPDATE changes). */
  detail?: string;
  /** The model whose service resources the step writes, so a caller can show how many exist meanwhile. */
  writes?: ResourceProperties;
}

export interface LifecycleHooks {
  /** Called before a step runs (the driver then logs one line per invocation). */
  onStepStart?(start: StepStart): void;
  onStepEnd?(outcome: StepOutcome, index: number): void;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function invocationsText(result: RunResult): string {
  const count = result.invocations.length;
  const inProgress = result.invocations.filter((record) => record.response.status === 'IN_PROGRESS').length;
  const waits = inProgress > 0 ? `, ${inProgress} IN_PROGRESS` : '';
  return `${count} invocation${count === 1 ? '' : 's'}${waits}, ${seconds(result.elapsedMs)}`;
}

function eventText(event: ProgressEventPayload): string {
  if (event.status !== 'FAILED') return event.status;
  return `FAILED ${event.errorCode ?? ''}: ${event.message}`;
}

function sameIdentifier(
  entry: ResourceTypeEntry,
  left: ResourceProperties,
  right: ResourceProperties,
): boolean {
  return (
    JSON.stringify(primaryIdentifierOf(entry, left)) === JSON.stringify(primaryIdentifierOf(entry, right))
  );
}

/** Properties of `expected` whose value differs in `actual` (the contract compares the input's properties). */
function differingProperties(expected: ResourceProperties, actual: ResourceProperties | undefined): string[] {
  return Object.keys(expected).filter(
    (name) => JSON.stringify(expected[name]) !== JSON.stringify(actual?.[name]),
  );
}

/** Every string in a property value, at any depth (the IDs in a group's lists). */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}

/**
 * `Targets lacks account workload-prod`: per property of `declared` that READ answered otherwise, the IDs it lost,
 * named when `nameOf` knows them.
 */
function lackingText(
  declared: ResourceProperties,
  read: ResourceProperties,
  nameOf: LifecycleOptions['nameOf'],
): string {
  return differingProperties(declared, read)
    .map((name) => {
      const kept = new Set(stringsIn(read[name]));
      const lost = stringsIn(declared[name]).filter((value) => !kept.has(value));
      const named = lost.flatMap((value) => nameOf?.(value) ?? []);
      return `${name} lacks ${(named.length > 0 ? named : lost).join(', ') || 'an element'}`;
    })
    .join('; ');
}

/** `Name 1, Other 0`: the properties as the model has them. */
function propertiesText(model: ResourceProperties): string {
  return Object.entries(model)
    .map(([name, value]) => `${name} ${String(value)}`)
    .join(', ');
}

/** A drift READ's verdict when its read-only properties are not `readOnly`; undefined when they are. */
function wrongCounts(readOnly: ResourceProperties, read: ResourceProperties): string | undefined {
  const wrong = differingProperties(readOnly, read);
  if (wrong.length === 0) return undefined;
  const answered = Object.fromEntries(wrong.map((name) => [name, read[name]]));
  return `SUCCESS, but ${propertiesText(answered)} (expected ${propertiesText(readOnly)})`;
}

type Judge = (result: RunResult) => { ok: boolean; summary: string };

async function runStep(
  step: LifecycleStep,
  operation: () => Promise<RunResult>,
  judge: Judge,
): Promise<StepOutcome> {
  try {
    const result = await operation();
    const verdict = judge(result);
    return {
      step,
      ok: verdict.ok,
      skipped: false,
      summary: `${verdict.summary} (${invocationsText(result)})`,
      final: result.final,
    };
  } catch (error: unknown) {
    if (error instanceof ContractViolation || error instanceof DriverError) {
      return { step, ok: false, skipped: false, summary: error.message };
    }
    throw error;
  }
}

function skipped(step: LifecycleStep, reason: string): StepOutcome {
  return { step, ok: false, skipped: true, summary: `skipped: ${reason}` };
}

/**
 * Runs the lifecycle for `model` through `driver`. Steps after a failed CREATE are skipped; once CREATE
 * succeeded, every other step runs, DELETE included, so nothing the demo created is left behind.
 */
export async function runLifecycle(
  entry: ResourceTypeEntry,
  driver: Driver,
  model: ResourceProperties,
  hooks: LifecycleHooks = {},
  options: LifecycleOptions = {},
): Promise<StepOutcome[]> {
  const { emulator } = options;
  const steps = lifecycleSteps(entry, options);
  const scenario = scenarioOf(entry, options);
  const binding = entry.emulator;
  // The organisation as the resource was last applied in: what READ's counts are of (it compares, never applies).
  let appliedWorld: World | undefined = emulator?.state.world();
  /** The read-only properties the scenario expects READ to answer for `declared`; none without a scenario. */
  const expectedReadOnly = (declared: ResourceProperties, missing: number): ResourceProperties =>
    scenario === undefined || appliedWorld === undefined
      ? {}
      : scenario.readOnly(declared, missing, appliedWorld);
  const outcomes: StepOutcome[] = [];
  const record = async (
    start: Omit<StepStart, 'index' | 'total'>,
    run: () => Promise<StepOutcome>,
  ): Promise<StepOutcome> => {
    const index = outcomes.length;
    hooks.onStepStart?.({ ...start, index, total: steps.length });
    const outcome = await run();
    outcomes.push(outcome);
    hooks.onStepEnd?.(outcome, index);
    return outcome;
  };
  const recordSkipped = (step: LifecycleStep, reason: string): void => {
    const outcome = skipped(step, reason);
    outcomes.push(outcome);
    hooks.onStepEnd?.(outcome, outcomes.length - 1);
  };

  /** `n/N assignments`, for a model of several service resources in the in-process emulator; else ''. */
  const presentText = (of: ResourceProperties): string => {
    if (emulator === undefined) return '';
    // OU targets stand for the accounts in them now.
    const size = binding.size(of, emulator.state.world());
    return size > 1 ? `${binding.present(emulator, of)}/${size} assignments` : '';
  };
  /** ` (n/N assignments)`, or ''. */
  const countText = (of: ResourceProperties): string => {
    const text = presentText(of);
    return text === '' ? '' : ` (${text})`;
  };
  /** Runs `operation` and counts the service-resource writes it makes in the emulator. */
  const counting = async (operation: () => Promise<RunResult>) => {
    const before = emulator?.calls().length ?? 0;
    const result = await operation();
    const calls = emulator?.calls().slice(before) ?? [];
    const created = calls.filter((call) => call.operation === binding.createOperation).length;
    const deleted = calls.filter((call) => call.operation === binding.deleteOperation).length;
    return { result, writesText: emulator === undefined ? '' : `${created} created, ${deleted} deleted` };
  };
  /** A READ's verdict: the model read back is `declared`, with the read-only properties the scenario expects. */
  const readJudge =
    (declared: ResourceProperties): Judge =>
    ({ final }) => {
      if (final.status !== 'SUCCESS') return { ok: false, summary: `${eventText(final)} (expected SUCCESS)` };
      const readOnly = expectedReadOnly(declared, 0);
      const differing = differingProperties({ ...declared, ...readOnly }, final.resourceModel);
      const counts = Object.keys(readOnly).length > 0 ? `, ${propertiesText(readOnly)}` : '';
      return differing.length === 0
        ? { ok: true, summary: `SUCCESS: the model read back equals the input${counts}` }
        : { ok: false, summary: `SUCCESS, but ${differing.join(', ')} differ from the input` };
    };
  /** An UPDATE's verdict: SUCCESS with the new model, and every resource of it in the emulator. */
  const updateJudge =
    (declared: ResourceProperties, writes: () => string): Judge =>
    ({ final }) => {
      if (final.status !== 'SUCCESS') return { ok: false, summary: `${eventText(final)} (expected SUCCESS)` };
      const differing = differingProperties(declared, final.resourceModel);
      if (differing.length > 0) {
        return { ok: false, summary: `SUCCESS, but ${differing.join(', ')} differ from the new model` };
      }
      if (emulator !== undefined && !binding.exists(emulator, declared)) {
        return { ok: false, summary: `SUCCESS, but the emulator lacks some of it${countText(declared)}` };
      }
      return { ok: true, summary: `SUCCESS: ${writes() || 'updated'}${countText(declared)}` };
    };
  /** An UPDATE step from `previous` to `declared`, its verdict saying the writes it made. */
  const updateStep = (
    step: LifecycleStep,
    detail: string,
    declared: ResourceProperties,
    previous: ResourceProperties,
  ): Promise<StepOutcome> => {
    let writes = '';
    return record({ step, detail, writes: declared }, () =>
      runStep(
        step,
        async () => {
          const { result, writesText } = await counting(() => driver.update(declared, previous));
          writes = writesText;
          if (result.final.status === 'SUCCESS') appliedWorld = emulator?.state.world();
          return result;
        },
        updateJudge(declared, () => writes),
      ),
    );
  };

  const created = await record({ step: 'CREATE', writes: model }, () =>
    runStep(
      'CREATE',
      () => driver.create(model),
      ({ final }) => {
        if (final.status !== 'SUCCESS')
          return { ok: false, summary: `${eventText(final)} (expected SUCCESS)` };
        if (emulator !== undefined && !binding.exists(emulator, model)) {
          return { ok: false, summary: `SUCCESS, but the emulator lacks some of it${countText(model)}` };
        }
        return { ok: true, summary: `SUCCESS: created${countText(model)}` };
      },
    ),
  );
  const createdModel = created.final?.status === 'SUCCESS' ? created.final.resourceModel : undefined;
  if (!created.ok || createdModel === undefined) {
    for (const step of steps.slice(1)) recordSkipped(step, 'CREATE did not succeed');
    return outcomes;
  }

  await record({ step: 'READ' }, () => runStep('READ', () => driver.read(createdModel), readJudge(model)));

  const filter = listFilterFor(entry, createdModel);
  await record({ step: 'LIST' }, () =>
    runStep(
      'LIST',
      async () => {
        const listed = await driver.listAll(filter);
        const invocations = listed.pages.flatMap((page) => page.invocations);
        const elapsedMs = listed.pages.reduce((total, page) => total + page.elapsedMs, 0);
        return { final: { ...listed.final, resourceModels: listed.models }, invocations, elapsedMs };
      },
      ({ final }) => {
        if (final.status !== 'SUCCESS')
          return { ok: false, summary: `${eventText(final)} (expected SUCCESS)` };
        const models = final.resourceModels ?? [];
        const found = models.some((listed) => sameIdentifier(entry, listed, createdModel));
        // A type whose LIST takes no filter lists everything.
        const filterText = Object.keys(filter).length > 0 ? ` by ${Object.keys(filter).join(', ')}` : '';
        return found
          ? { ok: true, summary: `SUCCESS: ${models.length} listed${filterText}, including this one` }
          : { ok: false, summary: `SUCCESS, but the ${models.length} listed${filterText} miss this one` };
      },
    ),
  );

  // The model the resource is declared with now, and the identifier CloudFormation keeps for it.
  let current = model;
  let currentModel = createdModel;
  /** An UPDATE step to a new declaration, which the later steps then read, update and delete. */
  const updateTo = async (step: LifecycleStep, update: { model: ResourceProperties; change: string }) => {
    const outcome = await updateStep(step, update.change, update.model, current);
    current = update.model;
    if (outcome.final?.status === 'SUCCESS' && outcome.final.resourceModel !== undefined) {
      currentModel = outcome.final.resourceModel;
    }
  };
  if (scenario !== undefined && emulator !== undefined) {
    const world = emulator.state.world();
    await updateTo('UPDATE', scenario.update(world));

    const drift = scenario.drift(world);
    await record({ step: 'DELETE out of band', detail: drift.description }, async () => {
      // As a console user would: in SSO Admin directly, behind the handler's back.
      const removed = binding.remove(emulator, drift.model);
      return removed
        ? {
            step: 'DELETE out of band',
            ok: true,
            skipped: false,
            summary: `removed ${drift.description} in the emulator, not through the handler${countText(current)}`,
          }
        : {
            step: 'DELETE out of band',
            ok: false,
            skipped: false,
            summary: `${drift.description} was not in the emulator to remove`,
          };
    });

    const declared = current;
    await record({ step: 'READ shows drift' }, () =>
      runStep(
        'READ shows drift',
        () => driver.read(currentModel),
        ({ final }) => {
          if (final.status !== 'SUCCESS') {
            return { ok: false, summary: `${eventText(final)} (expected SUCCESS, with drift)` };
          }
          const read = final.resourceModel ?? {};
          const readOnly = expectedReadOnly(declared, binding.size(drift.model, world));
          const countsWrong = wrongCounts(readOnly, read);
          if (countsWrong !== undefined) return { ok: false, summary: countsWrong };
          if (differingProperties(declared, read).length === 0) {
            return {
              ok: false,
              summary: 'SUCCESS, but the model read back equals the input: no drift shown',
            };
          }
          return {
            ok: true,
            summary: `SUCCESS, drift: ${lackingText(declared, read, options.nameOf)}; ${propertiesText(readOnly)}`,
          };
        },
      ),
    );

    await updateStep('UPDATE repairs', 'the same model again', declared, declared);

    await record({ step: 'READ after repair' }, () =>
      runStep('READ after repair', () => driver.read(currentModel), readJudge(declared)),
    );

    const { membership } = scenario;
    if (membership !== undefined) {
      await updateTo('UPDATE to an OU target', membership.update(emulator.state.world()));

      const join = membership.join(emulator.state.world());
      const name = (id: string) => options.nameOf?.(id) ?? id;
      await record({ step: 'account joins the OU out of band', detail: join.description }, async () => {
        const step = 'account joins the OU out of band';
        // As Organizations would (MoveAccount), behind the handler's back.
        let problem: string | undefined;
        try {
          if (!emulator.state.moveAccount(join.accountId, join.parentId)) problem = 'it was already there';
        } catch (error: unknown) {
          problem = error instanceof Error ? error.message : String(error);
        }
        return problem === undefined
          ? {
              step,
              ok: true,
              skipped: false,
              summary: `moved ${name(join.accountId)} into ${name(join.parentId)} in the emulator, not through the handler${countText(current)}`,
            }
          : { step, ok: false, skipped: false, summary: `${name(join.accountId)} did not move: ${problem}` };
      });

      const applied = current;
      await record({ step: 'READ shows membership drift' }, () =>
        runStep(
          'READ shows membership drift',
          () => driver.read(currentModel),
          ({ final }) => {
            if (final.status !== 'SUCCESS') {
              return { ok: false, summary: `${eventText(final)} (expected SUCCESS, with drift)` };
            }
            const read = final.resourceModel ?? {};
            // The counts of the last apply: READ resolves the OU again only to compare.
            const readOnly = expectedReadOnly(applied, 0);
            const countsWrong = wrongCounts(readOnly, read);
            if (countsWrong !== undefined) return { ok: false, summary: countsWrong };
            if (differingProperties(applied, read).length === 0 || stringsIn(read).includes(join.parentId)) {
              return {
                ok: false,
                summary: `SUCCESS, but the model read back still has ${name(join.parentId)}: the new member is not shown`,
              };
            }
            const assigned = presentText(applied);
            return {
              ok: true,
              summary: `SUCCESS, drift: ${lackingText(applied, read, options.nameOf)}, which ${name(join.accountId)} joined${assigned === '' ? '' : ` (not assigned yet: ${assigned})`}; ${propertiesText(readOnly)}`,
            };
          },
        ),
      );

      await updateTo('UPDATE assigns the new member', membership.reapply(applied));
    }
  }

  const deleted = current;
  const deletedModel = currentModel;
  await record({ step: 'DELETE', writes: deleted }, () =>
    runStep(
      'DELETE',
      () => driver.del(deletedModel),
      ({ final }) => {
        if (final.status !== 'SUCCESS')
          return { ok: false, summary: `${eventText(final)} (expected SUCCESS)` };
        if (emulator !== undefined && binding.present(emulator, deleted) > 0) {
          return {
            ok: false,
            summary: `SUCCESS, but some of it is still in the emulator${countText(deleted)}`,
          };
        }
        return { ok: true, summary: `SUCCESS: deleted${countText(deleted)}` };
      },
    ),
  );

  await record({ step: 'READ after DELETE' }, () =>
    runStep(
      'READ after DELETE',
      () => driver.read(deletedModel),
      ({ final }) =>
        final.status === 'FAILED' && final.errorCode === 'NotFound'
          ? { ok: true, summary: 'FAILED NotFound, as expected once deleted' }
          : { ok: false, summary: `${eventText(final)} (expected FAILED NotFound)` },
    ),
  );
  return outcomes;
}

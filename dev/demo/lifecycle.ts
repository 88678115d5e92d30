// The demo's scenario for one resource type: CREATE -> READ -> LIST -> DELETE -> READ, each step judged
// against what CloudFormation expects (the READ after DELETE must fail with NotFound).
import {
  ContractViolation,
  DriverError,
  type Driver,
  type ProgressEventPayload,
  type ResourceProperties,
  type RunResult,
} from '../driver';
import { listFilterFor, primaryIdentifierOf, type ResourceTypeEntry } from '../types';

export const LIFECYCLE_STEPS = ['CREATE', 'READ', 'LIST', 'DELETE', 'READ after DELETE'] as const;
export type LifecycleStep = (typeof LIFECYCLE_STEPS)[number];

export interface StepOutcome {
  step: LifecycleStep;
  /** Whether the step gave the expected result. */
  ok: boolean;
  /** Not run because an earlier step made it meaningless (e.g. nothing was created). */
  skipped: boolean;
  /** One readable sentence: what happened and why it is (not) what was expected. */
  summary: string;
  /** The final event; absent when the driver threw or the step was skipped. */
  final?: ProgressEventPayload;
}

export interface LifecycleHooks {
  /** Called before a step runs (the driver then logs one line per invocation). */
  onStepStart?(step: LifecycleStep, index: number): void;
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
 * succeeded, DELETE always runs, so nothing the demo created is left behind.
 */
export async function runLifecycle(
  entry: ResourceTypeEntry,
  driver: Driver,
  model: ResourceProperties,
  hooks: LifecycleHooks = {},
): Promise<StepOutcome[]> {
  const outcomes: StepOutcome[] = [];
  const record = async (step: LifecycleStep, run: () => Promise<StepOutcome>): Promise<StepOutcome> => {
    const index = outcomes.length;
    hooks.onStepStart?.(step, index);
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

  const created = await record('CREATE', () =>
    runStep(
      'CREATE',
      () => driver.create(model),
      ({ final }) =>
        final.status === 'SUCCESS'
          ? { ok: true, summary: 'SUCCESS: created' }
          : { ok: false, summary: `${eventText(final)} (expected SUCCESS)` },
    ),
  );
  const createdModel = created.final?.status === 'SUCCESS' ? created.final.resourceModel : undefined;
  if (!created.ok || createdModel === undefined) {
    for (const step of LIFECYCLE_STEPS.slice(1)) recordSkipped(step, 'CREATE did not succeed');
    return outcomes;
  }

  await record('READ', () =>
    runStep(
      'READ',
      () => driver.read(createdModel),
      ({ final }) => {
        if (final.status !== 'SUCCESS')
          return { ok: false, summary: `${eventText(final)} (expected SUCCESS)` };
        const differing = differingProperties(model, final.resourceModel);
        return differing.length === 0
          ? { ok: true, summary: 'SUCCESS: the model read back equals the input' }
          : { ok: false, summary: `SUCCESS, but ${differing.join(', ')} differ from the input` };
      },
    ),
  );

  const filter = listFilterFor(entry, createdModel);
  await record('LIST', () =>
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
        const filterText = Object.keys(filter).join(', ');
        return found
          ? { ok: true, summary: `SUCCESS: ${models.length} listed by ${filterText}, including this one` }
          : { ok: false, summary: `SUCCESS, but the ${models.length} listed by ${filterText} miss this one` };
      },
    ),
  );

  await record('DELETE', () =>
    runStep(
      'DELETE',
      () => driver.del(createdModel),
      ({ final }) =>
        final.status === 'SUCCESS'
          ? { ok: true, summary: 'SUCCESS: deleted' }
          : { ok: false, summary: `${eventText(final)} (expected SUCCESS)` },
    ),
  );

  await record('READ after DELETE', () =>
    runStep(
      'READ after DELETE',
      () => driver.read(createdModel),
      ({ final }) =>
        final.status === 'FAILED' && final.errorCode === 'NotFound'
          ? { ok: true, summary: 'FAILED NotFound, as expected once deleted' }
          : { ok: false, summary: `${eventText(final)} (expected FAILED NotFound)` },
    ),
  );
  return outcomes;
}

// Scripted stand-ins for a handler entrypoint, a clock and a sleep, so driver tests never wait on wall time.
import type { Entrypoint, HandlerRequestPayload, LambdaContextLike } from '../../dev/driver/types';

export type ComputeResponse = (request: HandlerRequestPayload, context: LambdaContextLike) => unknown;
/** A response to return as is, or a function computing one from the request. */
export type ScriptStep = unknown;

const computes = (step: ScriptStep): step is ComputeResponse => typeof step === 'function';

export type ScriptedEntrypoint = {
  entrypoint: Entrypoint;
  /** Every request received, in order (the handler's own copies). */
  requests: HandlerRequestPayload[];
  contexts: LambdaContextLike[];
};

/** Answers the n-th invocation with the n-th step (a response, or a function computing one). */
export function scriptedEntrypoint(steps: readonly ScriptStep[]): ScriptedEntrypoint {
  const requests: HandlerRequestPayload[] = [];
  const contexts: LambdaContextLike[] = [];
  const entrypoint: Entrypoint = async (request, context) => {
    const step = steps[requests.length];
    requests.push(request);
    contexts.push(context);
    if (requests.length > steps.length) throw new Error(`unscripted invocation #${requests.length}`);
    return computes(step) ? step(request, context) : step;
  };
  return { entrypoint, requests, contexts };
}

/** An entrypoint answering every invocation with the same response. */
export function constantEntrypoint(response: unknown): ScriptedEntrypoint {
  const requests: HandlerRequestPayload[] = [];
  const contexts: LambdaContextLike[] = [];
  const entrypoint: Entrypoint = async (request, context) => {
    requests.push(request);
    contexts.push(context);
    return response;
  };
  return { entrypoint, requests, contexts };
}

/** A manual millisecond clock with a sleep that advances it instead of waiting. */
export function fakeTime(start = 1_000) {
  let current = start;
  const slept: number[] = [];
  return {
    now: () => current,
    advance: (ms: number) => {
      current += ms;
    },
    sleep: async (ms: number) => {
      slept.push(ms);
      current += ms;
    },
    slept,
  };
}

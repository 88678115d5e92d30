import { AsyncLocalStorage } from 'node:async_hooks';
import { RETRY_POLICY } from './retry-policy';

/** What the handler knows about the Lambda invocation it runs in. The runtime lib does not pass it on. */
export interface InvocationScope {
  /** Epoch ms by which the handler must have answered. */
  readonly deadline: number;
  /** The resource type CloudFormation invoked (it may be a private name such as Org::SSO::Assignment). */
  readonly typeName: string;
}

const storage = new AsyncLocalStorage<InvocationScope>();

export function runInInvocation<T>(scope: InvocationScope, work: () => Promise<T>): Promise<T> {
  return storage.run(scope, work);
}

export function currentInvocation(): InvocationScope | undefined {
  return storage.getStore();
}

/** Milliseconds left for work in this invocation (Infinity outside an invocation, e.g. in unit tests). */
export function remainingWorkMs(now: number = Date.now()): number {
  const scope = storage.getStore();
  return scope ? scope.deadline - RETRY_POLICY.invocationSafetyMarginMs - now : Number.POSITIVE_INFINITY;
}

/** The clock an invocation waits on: Date.now and setTimeout in a handler. */
export interface InvocationClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const REAL_CLOCK: InvocationClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

let clock: InvocationClock = REAL_CLOCK;

/** The clock the handlers wait on within an invocation. */
export function invocationClock(): InvocationClock {
  return clock;
}

/**
 * For tests on virtual time only: the handlers wait on `replacement` (whose sleep moves the virtual clock) until
 * the returned function restores the real clock. Nothing in the shipped handlers calls it.
 */
export function replaceInvocationClock(replacement: InvocationClock): () => void {
  clock = replacement;
  return () => {
    clock = REAL_CLOCK;
  };
}

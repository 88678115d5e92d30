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

import { MAXIMUM_RETRY_DELAY, Retry, StandardRetryStrategy } from '@smithy/core/retry';
import type { RetryErrorInfo, RetryStrategyV2, RetryToken, StandardRetryToken } from '@smithy/types';
import { remainingWorkMs } from './invocation';
import { RETRY_POLICY } from './retry-policy';

/** When a call of this process was last throttled (epoch ms; 0: never). */
let lastThrottledAt = 0;

function noteThrottled(now: number = Date.now()): void {
  lastThrottledAt = now;
}

/**
 * Whether a call of this process was throttled in the last `windowMs`: the quota is contended, so the handlers
 * spend no calls on in-invocation status checks and hand the wait to CloudFormation.
 */
export function throttledWithin(windowMs: number, now: number = Date.now()): boolean {
  return lastThrottledAt > 0 && now - lastThrottledAt < windowMs;
}

/**
 * The SDK's standard retry strategy (capped, full-jitter exponential backoff), refusing any retry whose
 * worst-case backoff plus one more attempt would not fit in what is left of the Lambda invocation. The
 * SDK then surfaces the last error, and the error table decides (writes call back later; reads fail).
 */
export class InvocationBudgetRetryStrategy implements RetryStrategyV2 {
  private readonly standard = new StandardRetryStrategy(RETRY_POLICY.sdkMaxAttempts);

  constructor(private readonly remainingMs: () => number = remainingWorkMs) {}

  acquireInitialRetryToken(retryTokenScope: string): Promise<RetryToken> {
    return this.standard.acquireInitialRetryToken(retryTokenScope);
  }

  async refreshRetryTokenForRetry(token: StandardRetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    if (errorInfo.errorType === 'THROTTLING') noteThrottled();
    // The standard strategy's backoff is random up to base × 2^retries (throttling base, the larger one), capped.
    const worstCaseBackoffMs = Math.min(
      MAXIMUM_RETRY_DELAY,
      Retry.throttlingDelay() * 2 ** token.getRetryCount(),
    );
    if (this.remainingMs() < worstCaseBackoffMs + RETRY_POLICY.requestTimeoutMs) {
      throw new Error('not enough time left in this invocation for another attempt');
    }
    return this.standard.refreshRetryTokenForRetry(token, errorInfo);
  }

  recordSuccess(token: StandardRetryToken): void {
    this.standard.recordSuccess(token);
  }
}

import { AdaptiveRetryStrategy, DefaultRateLimiter, MAXIMUM_RETRY_DELAY, Retry } from '@smithy/core/retry';
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
 * The SDK's client-side rate limiters of this process, one per service quota (keyed by the client's service): a
 * Lambda environment serves one invocation after another, often of different operations with different
 * credentials (so different clients), and what one learnt of the service's rate serves the next.
 */
const processRateLimiters = new Map<string, DefaultRateLimiter>();

/** This process's rate limiter for `service`'s quota. */
export function processRateLimiter(service: string): DefaultRateLimiter {
  let limiter = processRateLimiters.get(service);
  if (limiter === undefined) {
    limiter = new DefaultRateLimiter();
    processRateLimiters.set(service, limiter);
  }
  return limiter;
}

/**
 * The SDK's adaptive retry strategy (its standard capped, full-jitter exponential backoff, plus a client-side
 * token bucket that, once a call is throttled, paces every call to a rate it lowers on each throttle and raises
 * again on success, CUBIC-style), refusing any retry whose worst-case backoff plus one more attempt would not fit
 * in what is left of the Lambda invocation. The SDK then surfaces the last error, and the error table decides
 * (writes call back later; reads fail).
 */
export class InvocationBudgetRetryStrategy implements RetryStrategyV2 {
  private readonly adaptive: AdaptiveRetryStrategy;

  constructor(
    private readonly remainingMs: () => number = remainingWorkMs,
    private readonly rateLimiter: DefaultRateLimiter = new DefaultRateLimiter(),
  ) {
    this.adaptive = new AdaptiveRetryStrategy(RETRY_POLICY.sdkMaxAttempts, { rateLimiter });
  }

  acquireInitialRetryToken(retryTokenScope: string): Promise<RetryToken> {
    return this.adaptive.acquireInitialRetryToken(retryTokenScope);
  }

  async refreshRetryTokenForRetry(token: StandardRetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    if (errorInfo.errorType === 'THROTTLING') noteThrottled();
    // The standard strategy's backoff is random up to base × 2^retries (throttling base, the larger one), capped.
    const worstCaseBackoffMs = Math.min(
      MAXIMUM_RETRY_DELAY,
      Retry.throttlingDelay() * 2 ** token.getRetryCount(),
    );
    if (this.remainingMs() < worstCaseBackoffMs + RETRY_POLICY.requestTimeoutMs) {
      // No retry, but the process's pace still learns of the throttle (the adaptive strategy does so on a retry).
      this.rateLimiter.updateClientSendingRate(errorInfo);
      throw new Error('not enough time left in this invocation for another attempt');
    }
    return this.adaptive.refreshRetryTokenForRetry(token, errorInfo);
  }

  recordSuccess(token: StandardRetryToken): void {
    this.adaptive.recordSuccess(token);
  }
}

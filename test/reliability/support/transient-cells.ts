// The transient-fault cells of the matrix (throttle bursts, 5xx, ConflictException), the same for both types:
// only the operation names and the way a conflict is injected differ (TransientBinding).
import type { RunningEmulator } from '../../../dev/emulator';
import type { RunResult } from '../../../dev/driver';
import { callLog, countCalls, driverFor, errorCodes, responsesOf, type TypeUnderTest } from './harness';

/** The SDK's attempts per call (RETRY_POLICY.sdkMaxAttempts). */
export const SDK_ATTEMPTS = 4;

/**
 * A Lambda timeout under which no SDK retry fits (remaining work 15 s - 5 s safety margin < the 10 s request
 * timeout + backoff that InvocationBudgetRetryStrategy requires), so every retryable error surfaces at once.
 */
export const NO_RETRY_LAMBDA_TIMEOUT_MS = 15_000;

export interface TransientBinding {
  /** What a CREATE calls after its write to learn the outcome (status poll, or read-back). */
  readonly confirmOperation: string;
  /** Makes the next `count` calls of the type's write `operation` for the model answer ConflictException. */
  injectConflict(emulator: RunningEmulator, operation: string, count: number): void;
  /** The assignment exists exactly once and nothing is left in flight. */
  expectExactlyOne(): void;
  expectNone(): void;
}

/** The IN_PROGRESS responses whose message reports an error the handler will call back after. */
export function retryLaterResponses(result: RunResult, errorName: string) {
  return responsesOf(result).filter(
    (response) => response.status === 'IN_PROGRESS' && response.message.startsWith(errorName),
  );
}

/**
 * Pins Math.random low for one test, so the SDK's full-jitter throttling backoff (random x 1 s x 2^retry)
 * takes milliseconds instead of up to 7 s per burst. What the cells assert (attempt counts, answers, state)
 * does not depend on the draws; the handlers' own jitter is checked on real draws in faults-deadline.
 * Restored by jest.restoreAllMocks().
 */
export function fastSdkBackoff(): void {
  jest.spyOn(Math, 'random').mockReturnValue(0.05);
}

export function expectRetryLaterDelay(delaySeconds: number): void {
  // RETRY_POLICY.retryLaterDelaySeconds
  expect(delaySeconds).toBeGreaterThanOrEqual(3);
  expect(delaySeconds).toBeLessThanOrEqual(15);
}

export function describeTransientCells(
  type: TypeUnderTest,
  emulator: () => RunningEmulator,
  binding: TransientBinding,
): void {
  const MODEL = type.model;
  const CREATE = type.createOperation;
  const DELETE = type.deleteOperation;
  const READ = type.readOperation;
  const CONFIRM = binding.confirmOperation;

  async function created() {
    const { driver } = driverFor(type);
    const result = await driver.create(MODEL);
    expect(result.final).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });
    emulator().clearCalls();
    return { driver, model: result.final.resourceModel ?? MODEL };
  }

  describe('throttle bursts', () => {
    test(`2 throttles on ${CREATE}: the SDK absorbs them → SUCCESS, one accepted write`, async () => {
      fastSdkBackoff();
      emulator().faults.throttle({ count: 2, operation: CREATE });
      const result = await driverFor(type).driver.create(MODEL);

      expect(result.final).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });
      expect(callLog(emulator(), CREATE)).toEqual([
        `${CREATE}:ThrottlingException`,
        `${CREATE}:ThrottlingException`,
        `${CREATE}:ok`,
      ]);
      expect(retryLaterResponses(result, 'ThrottlingException')).toEqual([]);
      binding.expectExactlyOne();
    });

    test(`5 throttles on ${CREATE} (more than the SDK attempts): IN_PROGRESS retry-later 3–15 s keeping the submit marker → SUCCESS`, async () => {
      fastSdkBackoff();
      emulator().faults.throttle({ count: SDK_ATTEMPTS + 1, operation: CREATE });
      const result = await driverFor(type).driver.create(MODEL);

      expect(result.final).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });
      const [retryLater, ...more] = retryLaterResponses(result, 'ThrottlingException');
      expect(more).toEqual([]);
      expectRetryLaterDelay(retryLater.callbackDelaySeconds);
      // The marker survives, so the next invocation submits again instead of pre-checking.
      expect(retryLater.callbackContext).toMatchObject({ phase: 'submit' });
      expect(countCalls(emulator(), CREATE, 'ThrottlingException')).toBe(SDK_ATTEMPTS + 1);
      expect(countCalls(emulator(), CREATE, 'ok')).toBe(1);
      expect(errorCodes(result)).toEqual([]);
      binding.expectExactlyOne();
    });

    test(`a throttled ${CONFIRM} after the write, when no SDK retry fits in the Lambda time: one attempt, retry-later in the confirm phase → SUCCESS, one write`, async () => {
      let injected = false;
      const { driver } = driverFor(type, {
        lambdaTimeoutMs: NO_RETRY_LAMBDA_TIMEOUT_MS,
        // After the marker: the first outcome check that follows the write is throttled once.
        sleep: async () => {
          if (!injected) emulator().faults.throttle({ count: 1, operation: CONFIRM });
          injected = true;
        },
      });
      const result = await driver.create(MODEL);

      expect(result.final).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });
      // InvocationBudgetRetryStrategy refused the SDK retry: one throttled attempt.
      expect(countCalls(emulator(), CONFIRM, 'ThrottlingException')).toBe(1);
      const [retryLater, ...more] = retryLaterResponses(result, 'ThrottlingException');
      expect(more).toEqual([]);
      // Resumes by checking the outcome, never by pre-checking (which would answer AlreadyExists).
      expect(retryLater.callbackContext).toMatchObject({ phase: 'confirm' });
      expect(countCalls(emulator(), CREATE)).toBe(1);
      expect(errorCodes(result)).toEqual([]);
      binding.expectExactlyOne();
    });

    test('a throttle on a READ (within the SDK attempts): the SDK absorbs it → SUCCESS', async () => {
      fastSdkBackoff();
      const { driver, model } = await created();
      emulator().faults.throttle({ count: 1, operation: READ });
      const result = await driver.read(model);

      expect(result.final).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });
      expect(callLog(emulator(), READ)).toEqual([`${READ}:ThrottlingException`, `${READ}:ok`]);
    });

    test('4 throttles on a READ (outlasting the SDK attempts) → FAILED Throttling', async () => {
      fastSdkBackoff();
      const { driver, model } = await created();
      emulator().faults.throttle({ count: SDK_ATTEMPTS, operation: READ });
      const result = await driver.read(model);

      expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'Throttling' });
      expect(countCalls(emulator(), READ, 'ThrottlingException')).toBe(SDK_ATTEMPTS);
      binding.expectExactlyOne();
    });
  });

  describe('5xx', () => {
    test(`3 InternalServerException on ${CREATE}: retried by the SDK → SUCCESS`, async () => {
      emulator().faults.serverError({ count: 3, operation: CREATE });
      const result = await driverFor(type).driver.create(MODEL);

      expect(result.final).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });
      expect(countCalls(emulator(), CREATE, 'InternalServerException')).toBe(3);
      expect(countCalls(emulator(), CREATE, 'ok')).toBe(1);
      binding.expectExactlyOne();
    });

    test(`3 bare HTTP 503 on ${CONFIRM}: retried by the SDK → SUCCESS`, async () => {
      emulator().faults.serverError({ count: 3, operation: CONFIRM, errorName: 'ServiceUnavailable' });
      const result = await driverFor(type).driver.create(MODEL);

      expect(result.final).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });
      expect(countCalls(emulator(), CONFIRM, 'ServiceUnavailable')).toBe(3);
      expect(countCalls(emulator(), CREATE)).toBe(1);
      binding.expectExactlyOne();
    });

    test('4 InternalServerException on a READ (outlasting the SDK attempts) → FAILED ServiceInternalError', async () => {
      const { driver, model } = await created();
      emulator().faults.serverError({ count: SDK_ATTEMPTS, operation: READ });
      const result = await driver.read(model);

      expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'ServiceInternalError' });
      expect(countCalls(emulator(), READ, 'InternalServerException')).toBe(SDK_ATTEMPTS);
    });

    // A 503 without a JSON body reaches the error table as name 'Unknown'; the table falls back on the HTTP
    // status (src/core/errors.ts).
    test('4 bare HTTP 503 on a READ (outlasting the SDK attempts) → FAILED ServiceInternalError', async () => {
      const { driver, model } = await created();
      emulator().faults.serverError({
        count: SDK_ATTEMPTS,
        operation: READ,
        errorName: 'ServiceUnavailable',
      });
      const result = await driver.read(model);

      expect(countCalls(emulator(), READ, 'ServiceUnavailable')).toBe(SDK_ATTEMPTS);
      // HandlerErrorCode ServiceInternalError: "the downstream service returned an internal error,
      // typically with a 5XX HTTP status code" (resource-type-test-contract-errors).
      expect(result.final).toMatchObject({ status: 'FAILED', errorCode: 'ServiceInternalError' });
    });

    test(`4 InternalServerException on ${CREATE} (outlasting the SDK attempts): IN_PROGRESS retry-later → SUCCESS`, async () => {
      emulator().faults.serverError({ count: SDK_ATTEMPTS, operation: CREATE });
      const result = await driverFor(type).driver.create(MODEL);

      expect(result.final).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });
      const [retryLater, ...more] = retryLaterResponses(result, 'InternalServerException');
      expect(more).toEqual([]);
      expectRetryLaterDelay(retryLater.callbackDelaySeconds);
      expect(countCalls(emulator(), CREATE, 'InternalServerException')).toBe(SDK_ATTEMPTS);
      expect(countCalls(emulator(), CREATE, 'ok')).toBe(1);
      expect(errorCodes(result)).toEqual([]);
      binding.expectExactlyOne();
    });
  });

  describe('ConflictException on the tuple', () => {
    test(`3 conflicts on ${CREATE}: the SDK retries them (marked retryable) → SUCCESS in the submit invocation`, async () => {
      binding.injectConflict(emulator(), CREATE, 3);
      const result = await driverFor(type).driver.create(MODEL);

      expect(result.final).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });
      expect(callLog(emulator(), CREATE)).toEqual([
        `${CREATE}:ConflictException`,
        `${CREATE}:ConflictException`,
        `${CREATE}:ConflictException`,
        `${CREATE}:ok`,
      ]);
      expect(retryLaterResponses(result, 'ConflictException')).toEqual([]);
      binding.expectExactlyOne();
    });

    test(`6 conflicts on ${CREATE}: IN_PROGRESS retry-later 3–15 s → SUCCESS`, async () => {
      binding.injectConflict(emulator(), CREATE, SDK_ATTEMPTS + 2);
      const result = await driverFor(type).driver.create(MODEL);

      expect(result.final).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });
      const [retryLater, ...more] = retryLaterResponses(result, 'ConflictException');
      expect(more).toEqual([]);
      expectRetryLaterDelay(retryLater.callbackDelaySeconds);
      expect(countCalls(emulator(), CREATE, 'ConflictException')).toBe(SDK_ATTEMPTS + 2);
      expect(countCalls(emulator(), CREATE, 'ok')).toBe(1);
      expect(errorCodes(result)).toEqual([]);
      binding.expectExactlyOne();
    });

    test(`6 conflicts on ${DELETE}: IN_PROGRESS retry-later → SUCCESS, the assignment is gone`, async () => {
      const { driver, model } = await created();
      binding.injectConflict(emulator(), DELETE, SDK_ATTEMPTS + 2);
      const result = await driver.del(model);

      expect(result.final.status).toBe('SUCCESS');
      const [retryLater, ...more] = retryLaterResponses(result, 'ConflictException');
      expect(more).toEqual([]);
      expectRetryLaterDelay(retryLater.callbackDelaySeconds);
      expect(countCalls(emulator(), DELETE, 'ok')).toBe(1);
      binding.expectNone();
    });
  });
}

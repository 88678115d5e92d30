import {
  BaseModel,
  LoggerProxy,
  ProgressEvent,
} from '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib';
import { classifyError, OperationKind } from './errors';
import { failed, JsonObject } from './progress';
import { retryLaterDelaySeconds } from './retry-policy';

export type Progress<T extends BaseModel> = ProgressEvent<T, JsonObject>;

/**
 * Runs a handler body and turns any error into the response the error table prescribes. Writes facing a
 * transient condition (Throttling, Conflict after the SDK's retries) answer IN_PROGRESS through
 * `retryLater` with a jittered delay, so CloudFormation calls back instead of failing the stack.
 */
export async function guarded<T extends BaseModel>(
  kind: OperationKind,
  logger: LoggerProxy,
  body: () => Promise<Progress<T>>,
  retryLater?: (message: string, delaySeconds: number) => Progress<T> | undefined,
): Promise<Progress<T>> {
  try {
    return await body();
  } catch (error: unknown) {
    const outcome = classifyError(error, kind);
    if (outcome.kind === 'retry-later' && retryLater) {
      const delaySeconds = retryLaterDelaySeconds();
      const progress = retryLater(outcome.message, delaySeconds);
      if (progress) {
        logger.log(`${outcome.code} after retries; calling back in ${delaySeconds} s: ${outcome.message}`);
        return progress;
      }
    }
    logger.log(`failing with ${outcome.code}: ${outcome.message}`);
    return failed(outcome.code, outcome.message);
  }
}

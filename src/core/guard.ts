import {
  BaseModel,
  LoggerProxy,
  ProgressEvent,
} from '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib';
import { pastDeadline, WriteProgress } from './callback-context';
import { classifyError, OperationKind } from './errors';
import { failed, inProgress, JsonObject } from './progress';
import { retryLaterDelaySeconds } from './retry-policy';

export type Progress<T extends BaseModel> = ProgressEvent<T, JsonObject>;

/** What a write answers when it must call back later: the model and the step to resume from. */
export interface ResumePoint<T extends BaseModel> {
  readonly model: T;
  readonly progress: WriteProgress;
}

/**
 * Runs a handler body and turns any error into the response the error table prescribes. A write facing a
 * transient condition (Throttling, Conflict after the SDK's retries) answers IN_PROGRESS from its resume
 * point with a jittered delay, so CloudFormation calls back instead of failing the stack, until the
 * stabilization deadline.
 */
export async function guarded<T extends BaseModel>(
  kind: OperationKind,
  logger: LoggerProxy,
  body: () => Promise<Progress<T>>,
  resumePoint?: () => ResumePoint<T> | undefined,
): Promise<Progress<T>> {
  try {
    return await body();
  } catch (error: unknown) {
    const outcome = classifyError(error, kind);
    const resume = outcome.kind === 'retry-later' ? resumePoint?.() : undefined;
    if (resume && !pastDeadline(resume.progress)) {
      const delaySeconds = retryLaterDelaySeconds();
      logger.log(`${outcome.code} after retries; calling back in ${delaySeconds} s: ${outcome.message}`);
      return inProgress(resume.model, resume.progress, delaySeconds, outcome.message);
    }
    logger.log(`failing with ${outcome.code}: ${outcome.message}`);
    return failed(outcome.code, outcome.message);
  }
}

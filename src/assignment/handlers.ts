import {
  Action,
  BaseResource,
  handlerEvent,
  HandlerErrorCode,
  LoggerProxy,
  Optional,
  ResourceHandlerRequest,
  SessionProxy,
} from '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib';
import { PrincipalType, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { ssoAdminClientFor } from '../core/client';
import { codeForFailureReason, isErrorNamed } from '../core/errors';
import { buildEntrypoints } from '../core/entrypoints';
import { guarded, Progress } from '../core/guard';
import { currentInvocation } from '../core/invocation';
import { failed, inProgress, JsonObject, listed, succeeded } from '../core/progress';
import { RETRY_POLICY } from '../core/retry-policy';
import {
  firstWait,
  readStabilizationContext,
  RequestStatus,
  StabilizationContext,
  StabilizationStep,
  stabilizeOnce,
  startStabilization,
} from '../core/stabilizer';
import { SchemaValidator } from '../core/validation';
import {
  AssignmentKey,
  creationStatus,
  deletionStatus,
  findAccountAssignment,
  keyFromAssignment,
  listAccountAssignments,
  requestCreation,
  requestDeletion,
} from './account-assignments';
import { ResourceModel, TypeConfigurationModel } from './models';
import { RESOURCE_SCHEMA } from './schema';

type AssignmentProgress = Progress<ResourceModel>;

function typeName(): string {
  return currentInvocation()?.typeName ?? ResourceModel.TYPE_NAME;
}

/** The model has passed schema validation in the entrypoint, so every identifier property is present. */
function keyFromModel(model: Optional<ResourceModel>): AssignmentKey {
  const { instanceArn, permissionSetArn, principalId, principalType, targetId, targetType } = model ?? {};
  if (!instanceArn || !permissionSetArn || !principalId || !principalType || !targetId || !targetType) {
    throw new Error('the resource model lacks identifier properties that schema validation requires');
  }
  return {
    instanceArn,
    permissionSetArn,
    principalId,
    principalType: principalType as PrincipalType,
    targetId,
    targetType: 'AWS_ACCOUNT',
  };
}

export function modelFromKey(key: AssignmentKey): ResourceModel {
  return ResourceModel.deserialize({
    InstanceArn: key.instanceArn,
    PermissionSetArn: key.permissionSetArn,
    PrincipalId: key.principalId,
    PrincipalType: key.principalType,
    TargetId: key.targetId,
    TargetType: key.targetType,
  });
}

/** The identifier as the native type prints it, in primaryIdentifier order. */
function identifierText(key: AssignmentKey): string {
  return [
    key.instanceArn,
    key.targetId,
    key.targetType,
    key.permissionSetArn,
    key.principalType,
    key.principalId,
  ].join('|');
}

function notFound(key: AssignmentKey): AssignmentProgress {
  return failed(
    HandlerErrorCode.NotFound,
    `Resource of type '${typeName()}' with identifier '${identifierText(key)}' was not found.`,
  );
}

/** Reads the assignment back from SSO Admin; undefined when it is absent (or its permission set is gone). */
async function readBack(client: SSOAdminClient, key: AssignmentKey): Promise<AssignmentKey | undefined> {
  try {
    const found = await findAccountAssignment(client, key);
    return found ? keyFromAssignment(key.instanceArn, found) : undefined;
  } catch (error: unknown) {
    // A deleted permission set or instance takes its assignments with it.
    if (isErrorNamed(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}

/** The callback context between invocations of one CREATE or DELETE. */
interface WriteContext extends JsonObject {
  startedAt?: number;
  phase?: typeof SUBMIT_PHASE;
}

/** CREATE's pre-check has passed; the next invocation sends CreateAccountAssignment. */
const SUBMIT_PHASE = 'submit';

function pendingStartedAt(callbackContext: JsonObject | undefined): number {
  const startedAt = callbackContext?.startedAt;
  return typeof startedAt === 'number' ? startedAt : Date.now();
}

function waiting(
  key: AssignmentKey,
  step: StabilizationStep & { kind: 'wait' },
  what: string,
): AssignmentProgress {
  const context: JsonObject = { ...step.context };
  return inProgress(
    modelFromKey(key),
    context,
    step.delaySeconds,
    `${what} request ${step.context.requestId} is in progress (check ${step.context.polls + 1})`,
  );
}

function timedOut(what: string, context: StabilizationContext, elapsedMs: number): AssignmentProgress {
  return failed(
    HandlerErrorCode.NotStabilized,
    `${what} request ${context.requestId} did not finish within ${Math.round(elapsedMs / 1000)} s`,
  );
}

class AccountAssignmentResource extends BaseResource<ResourceModel, TypeConfigurationModel> {
  @handlerEvent(Action.Create)
  public async create(
    session: Optional<SessionProxy>,
    request: ResourceHandlerRequest<ResourceModel>,
    callbackContext: JsonObject,
    logger: LoggerProxy,
  ): Promise<AssignmentProgress> {
    const key = keyFromModel(request.desiredResourceState);
    const startedAt = pendingStartedAt(callbackContext);
    const retryLater = (message: string, delaySeconds: number): AssignmentProgress | undefined => {
      if (Date.now() - startedAt >= RETRY_POLICY.stabilizationDeadlineMs) return undefined;
      // Keep the callback context as it was, so the next invocation resumes the same step.
      const context: WriteContext = { ...callbackContext, startedAt };
      return inProgress(modelFromKey(key), context, delaySeconds, message);
    };
    return guarded(
      'write',
      logger,
      async () => {
        const client = ssoAdminClientFor(session, typeName());
        const pending = readStabilizationContext(callbackContext);
        if (pending) return this.stabilizeCreation(client, key, pending, logger);

        if (callbackContext?.phase !== SUBMIT_PHASE) {
          if (await readBack(client, key)) {
            return failed(
              HandlerErrorCode.AlreadyExists,
              `Resource of type '${typeName()}' with identifier '${identifierText(key)}' already exists.`,
            );
          }
          // Write-ahead marker: CloudFormation holds this context before CreateAccountAssignment is sent. If
          // the process dies after sending it, CloudFormation re-sends the request with this context, so the
          // retry knows the pre-check passed and submits again (accepted for an existing assignment, no
          // duplicate) instead of answering a false AlreadyExists.
          const marker: WriteContext = { phase: SUBMIT_PHASE, startedAt };
          return inProgress(modelFromKey(key), marker, 0, 'the assignment does not exist yet; submitting it');
        }
        const submitted = await requestCreation(client, key);
        logger.log(`CreateAccountAssignment accepted, RequestId ${submitted.requestId}`);
        const context = { ...startStabilization(submitted.requestId), startedAt };
        return this.afterStatus(client, key, context, submitted.status, 'creation');
      },
      retryLater,
    );
  }

  @handlerEvent(Action.Delete)
  public async delete(
    session: Optional<SessionProxy>,
    request: ResourceHandlerRequest<ResourceModel>,
    callbackContext: JsonObject,
    logger: LoggerProxy,
  ): Promise<AssignmentProgress> {
    const key = keyFromModel(request.desiredResourceState);
    const startedAt = pendingStartedAt(callbackContext);
    const retryLater = (message: string, delaySeconds: number): AssignmentProgress | undefined => {
      if (Date.now() - startedAt >= RETRY_POLICY.stabilizationDeadlineMs) return undefined;
      const context: WriteContext = { ...callbackContext, startedAt };
      return inProgress(modelFromKey(key), context, delaySeconds, message);
    };
    return guarded(
      'write',
      logger,
      async () => {
        const client = ssoAdminClientFor(session, typeName());
        const pending = readStabilizationContext(callbackContext);
        if (pending) return this.stabilizeDeletion(client, key, pending, logger);

        if (!(await readBack(client, key))) return notFound(key);
        const submitted = await requestDeletion(client, key);
        logger.log(`DeleteAccountAssignment accepted, RequestId ${submitted.requestId}`);
        const context = { ...startStabilization(submitted.requestId), startedAt };
        return this.afterStatus(client, key, context, submitted.status, 'deletion');
      },
      retryLater,
    );
  }

  @handlerEvent(Action.Read)
  public async read(
    session: Optional<SessionProxy>,
    request: ResourceHandlerRequest<ResourceModel>,
    _callbackContext: JsonObject,
    logger: LoggerProxy,
  ): Promise<AssignmentProgress> {
    const key = keyFromModel(request.desiredResourceState);
    return guarded('read', logger, async () => {
      const client = ssoAdminClientFor(session, typeName());
      const found = await readBack(client, key);
      return found ? succeeded(modelFromKey(found)) : notFound(key);
    });
  }

  @handlerEvent(Action.List)
  public async list(
    session: Optional<SessionProxy>,
    request: ResourceHandlerRequest<ResourceModel>,
    _callbackContext: JsonObject,
    logger: LoggerProxy,
  ): Promise<AssignmentProgress> {
    const filter = request.desiredResourceState;
    return guarded('read', logger, async () => {
      const client = ssoAdminClientFor(session, typeName());
      const keys = await listAccountAssignments(client, {
        instanceArn: filter?.instanceArn ?? '',
        permissionSetArn: filter?.permissionSetArn ?? undefined,
        targetId: filter?.targetId ?? undefined,
      });
      logger.log(`listed ${keys.length} account assignments`);
      return listed(keys.map(modelFromKey));
    });
  }

  /** What to answer once the status of a submitted write is known (at submission or on a callback). */
  private async afterStatus(
    client: SSOAdminClient,
    key: AssignmentKey,
    context: StabilizationContext,
    status: RequestStatus,
    what: 'creation' | 'deletion',
  ): Promise<AssignmentProgress> {
    const step: StabilizationStep =
      status.status === 'IN_PROGRESS'
        ? firstWait(context)
        : status.status === 'FAILED'
          ? { kind: 'failed', reason: status.reason }
          : { kind: 'succeeded' };
    return what === 'creation' ? this.creationStep(client, key, step) : this.deletionStep(client, key, step);
  }

  private async stabilizeCreation(
    client: SSOAdminClient,
    key: AssignmentKey,
    context: StabilizationContext,
    logger: LoggerProxy,
  ): Promise<AssignmentProgress> {
    const step = await stabilizeOnce(context, (requestId) =>
      creationStatus(client, key.instanceArn, requestId),
    );
    if (step.kind === 'timed-out') return timedOut('CreateAccountAssignment', context, step.elapsedMs);
    logger.log(`creation request ${context.requestId}: ${step.kind}`);
    return this.creationStep(client, key, step, context);
  }

  private async creationStep(
    client: SSOAdminClient,
    key: AssignmentKey,
    step: StabilizationStep,
    context?: StabilizationContext,
  ): Promise<AssignmentProgress> {
    switch (step.kind) {
      case 'wait':
        return waiting(key, step, 'CreateAccountAssignment');
      case 'failed': {
        const requestId = context?.requestId ?? 'submitted just now';
        return failed(
          codeForFailureReason(step.reason),
          `CreateAccountAssignment request ${requestId} failed: ${step.reason}`,
        );
      }
      case 'timed-out':
        return failed(HandlerErrorCode.NotStabilized, 'CreateAccountAssignment did not finish in time');
      case 'succeeded': {
        const found = await readBack(client, key);
        if (found) return succeeded(modelFromKey(found));
        // The request succeeded but the assignment is not listed yet: look again on the next callback.
        if (!context) return failed(HandlerErrorCode.NotStabilized, 'the new assignment is not listed');
        const again = await stabilizeOnce(context, async () => ({ status: 'IN_PROGRESS' }));
        return this.creationStep(client, key, again, context);
      }
    }
  }

  private async stabilizeDeletion(
    client: SSOAdminClient,
    key: AssignmentKey,
    context: StabilizationContext,
    logger: LoggerProxy,
  ): Promise<AssignmentProgress> {
    const step = await stabilizeOnce(context, (requestId) =>
      deletionStatus(client, key.instanceArn, requestId),
    );
    if (step.kind === 'timed-out') return timedOut('DeleteAccountAssignment', context, step.elapsedMs);
    logger.log(`deletion request ${context.requestId}: ${step.kind}`);
    return this.deletionStep(client, key, step, context);
  }

  private async deletionStep(
    client: SSOAdminClient,
    key: AssignmentKey,
    step: StabilizationStep,
    context?: StabilizationContext,
  ): Promise<AssignmentProgress> {
    switch (step.kind) {
      case 'wait':
        return waiting(key, step, 'DeleteAccountAssignment');
      case 'succeeded':
        return succeeded();
      case 'timed-out':
        return failed(HandlerErrorCode.NotStabilized, 'DeleteAccountAssignment did not finish in time');
      case 'failed': {
        // A deletion FAILS when the entitlement is already gone ("EntitlementItem doesn't exist"): what
        // CloudFormation asked for is true, so check the assignment itself rather than the reason's wording.
        if (!(await readBack(client, key))) return succeeded();
        const requestId = context?.requestId ?? 'submitted just now';
        return failed(
          codeForFailureReason(step.reason),
          `DeleteAccountAssignment request ${requestId} failed: ${step.reason}`,
        );
      }
    }
  }
}

const validator = new SchemaValidator(RESOURCE_SCHEMA);

export const resource = new AccountAssignmentResource(
  ResourceModel.TYPE_NAME,
  ResourceModel,
  undefined,
  undefined,
  TypeConfigurationModel,
);

const entrypoints = buildEntrypoints(resource, validator, ResourceModel.TYPE_NAME);

/** Production entrypoint, invoked by CloudFormation with a HandlerRequest. */
export const entrypoint = entrypoints.entrypoint;

/** Local testing entrypoint (SAM TestEntrypoint, `cfn test`), invoked with a TestEvent. */
export const testEntrypoint = entrypoints.testEntrypoint;

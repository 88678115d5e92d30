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
import { identityStoreClientFor, ssoAdminClientFor } from '../core/client';
import { buildEntrypoints } from '../core/entrypoints';
import { codeForFailureReason, isResourceAbsent } from '../core/errors';
import { guarded, Progress } from '../core/guard';
import { principalExists } from '../core/principals';
import { alreadyExists, invokedTypeName, notFound } from '../core/identity';
import { describePage, listPage } from '../core/list-pages';
import { failed, inProgress, JsonObject, listed, succeeded } from '../core/progress';
import { firstWait, RequestStatus, StabilizationStep, stabilizeOnce } from '../core/stabilizer';
import { SchemaValidator } from '../core/validation';
import { pastDeadline, readWriteContext, WriteContext } from '../core/write-context';
import { stabilizationDelaySeconds } from '../core/retry-policy';
import {
  AssignmentKey,
  creationStatus,
  deletionStatus,
  findAccountAssignment,
  keyFromAssignment,
  ASSIGNMENT_LISTING,
  assignmentCursorReader,
  listAccountAssignments,
  ListFilter,
  listFilterValues,
  requestCreation,
  requestDeletion,
} from './account-assignments';
import { ResourceModel, TypeConfigurationModel } from './models';
import { validateList, validateModel } from './validators';

type AssignmentProgress = Progress<ResourceModel>;

const TYPE_NAME = ResourceModel.TYPE_NAME;

/** The model has passed schema validation in the entrypoint, so every identifier property is present. */
function keyFromModel(model: Optional<ResourceModel>): AssignmentKey {
  const { instanceArn, permissionSetArn, principalId, principalType, targetId, targetType } = model ?? {};
  if (
    !instanceArn ||
    !permissionSetArn ||
    !principalId ||
    (principalType !== PrincipalType.USER && principalType !== PrincipalType.GROUP) ||
    targetType !== 'AWS_ACCOUNT' ||
    !targetId
  ) {
    throw new Error('the resource model lacks identifier properties that schema validation requires');
  }
  return { instanceArn, permissionSetArn, principalId, principalType, targetId, targetType };
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

/** The identifier values in primaryIdentifier order, as the native type prints them. */
function identifier(key: AssignmentKey): string[] {
  return [
    key.instanceArn,
    key.targetId,
    key.targetType,
    key.permissionSetArn,
    key.principalType,
    key.principalId,
  ];
}

/** Reads the assignment back from SSO Admin; undefined when it is absent (or its permission set is gone). */
async function readBack(client: SSOAdminClient, key: AssignmentKey): Promise<AssignmentKey | undefined> {
  try {
    const found = await findAccountAssignment(client, key);
    return found ? keyFromAssignment(key.instanceArn, found) : undefined;
  } catch (error: unknown) {
    // A deleted permission set or instance takes its assignments with it; a KMS Reason is not absence.
    if (isResourceAbsent(error)) return undefined;
    throw error;
  }
}

/**
 * The assignment as read back, if it still grants access: listed, and its user or group still in the identity
 * store (a deprovisioned principal's assignment stays listed but grants nothing; see principals.ts).
 */
async function readBackGranting(
  session: Optional<SessionProxy>,
  client: SSOAdminClient,
  key: AssignmentKey,
): Promise<AssignmentKey | undefined> {
  const found = await readBack(client, key);
  if (!found) return undefined;
  const identityStore = identityStoreClientFor(session, invokedTypeName(TYPE_NAME));
  return (await principalExists({ ssoAdmin: client, identityStore }, key.instanceArn, key))
    ? found
    : undefined;
}

type Operation = 'CreateAccountAssignment' | 'DeleteAccountAssignment';

function waiting(
  key: AssignmentKey,
  step: StabilizationStep & { kind: 'wait' },
  operation: Operation,
): AssignmentProgress {
  const { requestId, polls = 0 } = step.context;
  return inProgress(
    modelFromKey(key),
    { ...step.context },
    step.delaySeconds,
    `${operation} request ${requestId ?? ''} is in progress (check ${polls + 1})`,
  );
}

function requestFailed(
  operation: Operation,
  requestId: string | undefined,
  reason: string,
): AssignmentProgress {
  return failed(codeForFailureReason(reason), `${operation} request ${requestId ?? ''} failed: ${reason}`);
}

function timedOut(
  operation: Operation,
  requestId: string | undefined,
  elapsedMs: number,
): AssignmentProgress {
  return failed(
    HandlerErrorCode.NotStabilized,
    `${operation} request ${requestId ?? ''} did not finish within ${Math.round(elapsedMs / 1000)} s`,
  );
}

/** Back to the submit step on the next invocation (CreateAccountAssignment is safe to repeat). */
function resubmit(key: AssignmentKey, context: WriteContext, reason: string): AssignmentProgress {
  if (pastDeadline(context)) return gaveUp(context);
  const marker: WriteContext = { startedAt: context.startedAt, phase: 'submit', resubmitted: true };
  return inProgress(
    modelFromKey(key),
    marker,
    stabilizationDelaySeconds(0),
    `${reason}; submitting it again`,
  );
}

function gaveUp(context: WriteContext): AssignmentProgress {
  const elapsedSeconds = Math.round((Date.now() - context.startedAt) / 1000);
  return failed(
    HandlerErrorCode.NotStabilized,
    `CreateAccountAssignment did not leave a listed assignment within ${elapsedSeconds} s`,
  );
}

/** The step a just-submitted request is at, from the status the write call returned. */
function stepFromSubmission(context: WriteContext, status: RequestStatus): StabilizationStep {
  if (status.status === 'SUCCEEDED') return { kind: 'succeeded' };
  if (status.status === 'FAILED') return { kind: 'failed', reason: status.reason };
  return firstWait(context);
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
    const context = readWriteContext(callbackContext);
    return guarded(
      'create',
      logger,
      async () => {
        const client = ssoAdminClientFor(session, invokedTypeName(TYPE_NAME));
        if (context.phase === undefined) {
          if (await readBack(client, key)) return alreadyExists(TYPE_NAME, identifier(key));
          // The write-ahead marker (see WriteContext): CreateAccountAssignment is sent on the next invocation.
          const marker: WriteContext = { startedAt: context.startedAt, phase: 'submit' };
          return inProgress(modelFromKey(key), marker, 0, 'the assignment does not exist yet; submitting it');
        }
        if (context.phase === 'submit' || !context.requestId) {
          // Accepted for an existing assignment without storing a duplicate, so a re-sent submit is safe.
          const submitted = await requestCreation(client, key);
          logger.log(`CreateAccountAssignment accepted, RequestId ${submitted.requestId}`);
          const confirming: WriteContext = { ...context, phase: 'confirm', requestId: submitted.requestId };
          return this.creationStep(client, key, confirming, stepFromSubmission(confirming, submitted.status));
        }
        const { requestId } = context;
        const step = await stabilizeOnce(context, () => creationStatus(client, key.instanceArn, requestId));
        logger.log(`creation request ${requestId}: ${step.kind}`);
        return this.creationStep(client, key, context, step);
      },
      () => ({ model: modelFromKey(key), context }),
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
    const context = readWriteContext(callbackContext);
    return guarded(
      'delete',
      logger,
      async () => {
        const client = ssoAdminClientFor(session, invokedTypeName(TYPE_NAME));
        if (context.phase !== 'confirm' || !context.requestId) {
          if (!(await readBack(client, key))) return notFound(TYPE_NAME, identifier(key));
          const submitted = await requestDeletion(client, key);
          logger.log(`DeleteAccountAssignment accepted, RequestId ${submitted.requestId}`);
          const confirming: WriteContext = { ...context, phase: 'confirm', requestId: submitted.requestId };
          return this.deletionStep(
            session,
            client,
            key,
            confirming,
            stepFromSubmission(confirming, submitted.status),
          );
        }
        const { requestId } = context;
        const step = await stabilizeOnce(context, () => deletionStatus(client, key.instanceArn, requestId));
        logger.log(`deletion request ${requestId}: ${step.kind}`);
        return this.deletionStep(session, client, key, context, step);
      },
      () => ({ model: modelFromKey(key), context }),
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
      const client = ssoAdminClientFor(session, invokedTypeName(TYPE_NAME));
      const found = await readBackGranting(session, client, key);
      return found ? succeeded(modelFromKey(found)) : notFound(TYPE_NAME, identifier(key));
    });
  }

  @handlerEvent(Action.List)
  public async list(
    session: Optional<SessionProxy>,
    request: ResourceHandlerRequest<ResourceModel>,
    _callbackContext: JsonObject,
    logger: LoggerProxy,
  ): Promise<AssignmentProgress> {
    // Schema validation in the entrypoint requires InstanceArn (the list handlerSchema).
    const properties = request.desiredResourceState;
    const filter: ListFilter = {
      instanceArn: properties?.instanceArn ?? '',
      permissionSetArn: properties?.permissionSetArn ?? undefined,
      targetId: properties?.targetId ?? undefined,
    };
    return guarded('list', logger, async () => {
      const client = ssoAdminClientFor(session, invokedTypeName(TYPE_NAME));
      const page = await listPage(
        {
          kind: ASSIGNMENT_LISTING,
          filter: listFilterValues(filter),
          readCursor: assignmentCursorReader(filter),
          walk: (from, budget) => listAccountAssignments(client, filter, from, budget),
        },
        request.nextToken,
      );
      if (page.kind === 'rejected') return failed(HandlerErrorCode.InvalidRequest, page.message);
      logger.log(describePage(page, 'account assignments'));
      return listed(page.keys.map(modelFromKey), page.nextToken);
    });
  }

  private async creationStep(
    client: SSOAdminClient,
    key: AssignmentKey,
    context: WriteContext,
    step: StabilizationStep,
  ): Promise<AssignmentProgress> {
    const operation = 'CreateAccountAssignment';
    switch (step.kind) {
      case 'wait':
        return waiting(key, step, operation);
      case 'failed':
        return requestFailed(operation, context.requestId, step.reason);
      case 'timed-out':
        return timedOut(operation, context.requestId, step.elapsedMs);
      case 'succeeded': {
        const found = await readBack(client, key);
        if (found) return succeeded(modelFromKey(found));
        // The request succeeded but the assignment is not listed: list lag, or removed out of band since.
        // Submitting once more is safe (no duplicate is stored) and ends the second case at once; after that,
        // the absence is waited out as list lag, up to the deadline.
        if (!context.resubmitted) {
          return resubmit(
            key,
            context,
            `${operation} request ${context.requestId ?? ''} succeeded but the assignment is not listed`,
          );
        }
        const again = await stabilizeOnce(context, async () => ({ status: 'IN_PROGRESS' }));
        return this.creationStep(client, key, context, again);
      }
    }
  }

  private async deletionStep(
    session: Optional<SessionProxy>,
    client: SSOAdminClient,
    key: AssignmentKey,
    context: WriteContext,
    step: StabilizationStep,
  ): Promise<AssignmentProgress> {
    const operation = 'DeleteAccountAssignment';
    switch (step.kind) {
      case 'wait':
        return waiting(key, step, operation);
      case 'succeeded':
        return succeeded();
      case 'timed-out':
        return timedOut(operation, context.requestId, step.elapsedMs);
      case 'failed':
        // A deletion FAILS when the entitlement is already gone ("EntitlementItem doesn't exist"), and when its
        // user or group was deleted from the identity store ("the USER assignee … was not found in directory
        // d-…"): either way the assignment grants nothing, which is what CloudFormation asked for. Check the
        // assignment and its principal rather than the reason's wording.
        if (!(await readBackGranting(session, client, key))) return succeeded();
        return requestFailed(operation, context.requestId, step.reason);
    }
  }
}

const validator = new SchemaValidator(TYPE_NAME, { model: validateModel, list: validateList });

export const resource = new AccountAssignmentResource(
  TYPE_NAME,
  ResourceModel,
  undefined,
  undefined,
  TypeConfigurationModel,
);

const entrypoints = buildEntrypoints(resource, validator, TYPE_NAME);

/** Production entrypoint, invoked by CloudFormation with a HandlerRequest. */
export const entrypoint = entrypoints.entrypoint;

/** Local testing entrypoint (SAM TestEntrypoint, `cfn test`), invoked with a TestEvent. */
export const testEntrypoint = entrypoints.testEntrypoint;

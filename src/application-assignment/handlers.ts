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
import { PrincipalType } from '@aws-sdk/client-sso-admin';
import { ssoAdminClientFor } from '../core/client';
import { buildEntrypoints } from '../core/entrypoints';
import { isErrorNamed } from '../core/errors';
import { guarded, Progress } from '../core/guard';
import { currentInvocation } from '../core/invocation';
import { failed, inProgress, JsonObject, listed, succeeded } from '../core/progress';
import { RETRY_POLICY, stabilizationDelaySeconds } from '../core/retry-policy';
import { SchemaValidator } from '../core/validation';
import {
  ApplicationAssignmentKey,
  createApplicationAssignment,
  deleteApplicationAssignment,
  describeApplicationAssignment,
  listApplicationAssignments,
} from './application-assignments';
import { ResourceModel, TypeConfigurationModel } from './models';
import { RESOURCE_SCHEMA } from './schema';

type ApplicationAssignmentProgress = Progress<ResourceModel>;

function typeName(): string {
  return currentInvocation()?.typeName ?? ResourceModel.TYPE_NAME;
}

/** The model has passed schema validation in the entrypoint, so every identifier property is present. */
function keyFromModel(model: Optional<ResourceModel>): ApplicationAssignmentKey {
  const { applicationArn, principalId, principalType } = model ?? {};
  if (
    !applicationArn ||
    !principalId ||
    (principalType !== PrincipalType.USER && principalType !== PrincipalType.GROUP)
  ) {
    throw new Error('the resource model lacks identifier properties that schema validation requires');
  }
  return { applicationArn, principalType, principalId };
}

export function modelFromKey(key: ApplicationAssignmentKey): ResourceModel {
  return ResourceModel.deserialize({
    ApplicationArn: key.applicationArn,
    PrincipalId: key.principalId,
    PrincipalType: key.principalType,
  });
}

/** The identifier as CloudFormation prints it, in primaryIdentifier order. */
function identifierText(key: ApplicationAssignmentKey): string {
  return [key.applicationArn, key.principalType, key.principalId].join('|');
}

function notFound(key: ApplicationAssignmentKey): ApplicationAssignmentProgress {
  return failed(
    HandlerErrorCode.NotFound,
    `Resource of type '${typeName()}' with identifier '${identifierText(key)}' was not found.`,
  );
}

/**
 * Where a CREATE or DELETE stands between invocations:
 * - absent: nothing done yet, so the pre-check runs;
 * - 'submit' (CREATE only): the pre-check passed, so this invocation sends the write;
 * - 'confirm': the write returned, so later invocations only read back.
 */
type WritePhase = 'submit' | 'confirm';

/** The callback context between invocations of one CREATE or DELETE. */
interface WriteContext extends JsonObject {
  /** Epoch ms of the first invocation: the stabilization deadline counts from here. */
  readonly startedAt: number;
  readonly phase?: WritePhase;
  /** Read-backs that did not show the write yet; drives the growing callback delay. */
  readonly polls?: number;
}

/** Narrows the callback context CloudFormation hands back (untrusted, frozen); a first invocation has none. */
function readWriteContext(callbackContext: JsonObject | undefined): WriteContext {
  const startedAt = typeof callbackContext?.startedAt === 'number' ? callbackContext.startedAt : Date.now();
  const polls = callbackContext?.polls;
  switch (callbackContext?.phase) {
    case 'submit':
      return { startedAt, phase: 'submit' };
    case 'confirm':
      return { startedAt, phase: 'confirm', polls: typeof polls === 'number' && polls >= 0 ? polls : 0 };
    default:
      return { startedAt };
  }
}

/**
 * The write went through but DescribeApplicationAssignment does not reflect it yet (eventual consistency):
 * call back with the stabilization delays of the retry policy, up to its deadline.
 */
function notConfirmedYet(
  key: ApplicationAssignmentKey,
  context: WriteContext,
  operation: 'CreateApplicationAssignment' | 'DeleteApplicationAssignment',
  logger: LoggerProxy,
): ApplicationAssignmentProgress {
  const elapsedMs = Date.now() - context.startedAt;
  const expectation = operation === 'CreateApplicationAssignment' ? 'show' : 'stop showing';
  if (elapsedMs >= RETRY_POLICY.stabilizationDeadlineMs) {
    return failed(
      HandlerErrorCode.NotStabilized,
      `${operation} succeeded but DescribeApplicationAssignment did not ${expectation} the assignment within ${Math.round(elapsedMs / 1000)} s`,
    );
  }
  const polls = context.polls ?? 0;
  const delaySeconds = stabilizationDelaySeconds(polls);
  logger.log(`${operation} not confirmed yet; reading back again in ${delaySeconds} s`);
  const next: WriteContext = { startedAt: context.startedAt, phase: 'confirm', polls: polls + 1 };
  return inProgress(
    modelFromKey(key),
    next,
    delaySeconds,
    `${operation} succeeded; waiting for DescribeApplicationAssignment to ${expectation} the assignment (check ${polls + 1})`,
  );
}

class ApplicationAssignmentResource extends BaseResource<ResourceModel, TypeConfigurationModel> {
  @handlerEvent(Action.Create)
  public async create(
    session: Optional<SessionProxy>,
    request: ResourceHandlerRequest<ResourceModel>,
    callbackContext: JsonObject,
    logger: LoggerProxy,
  ): Promise<ApplicationAssignmentProgress> {
    const key = keyFromModel(request.desiredResourceState);
    // Replaced once the write has returned, so a throttled read-back resumes by confirming, not by
    // pre-checking again (which would find the new assignment and answer AlreadyExists).
    let context = readWriteContext(callbackContext);
    return guarded(
      'write',
      logger,
      async () => {
        const client = ssoAdminClientFor(session, typeName());
        if (context.phase === undefined) {
          if (await describeApplicationAssignment(client, key)) {
            return failed(
              HandlerErrorCode.AlreadyExists,
              `Resource of type '${typeName()}' with identifier '${identifierText(key)}' already exists.`,
            );
          }
          // Write-ahead marker, as for the account assignment: CloudFormation holds this context before
          // CreateApplicationAssignment is sent. If the process dies after sending it, CloudFormation re-sends
          // the request with this context, so the retry knows the pre-check passed and creates again instead
          // of answering a false AlreadyExists. (The SSO Admin model lists no "already exists" error for
          // CreateApplicationAssignment; its ConflictException is a propagation race, retried as such.)
          const marker: WriteContext = { startedAt: context.startedAt, phase: 'submit' };
          return inProgress(
            modelFromKey(key),
            marker,
            0,
            'the application assignment does not exist yet; creating it',
          );
        }
        if (context.phase === 'submit') {
          await createApplicationAssignment(client, key);
          logger.log('CreateApplicationAssignment succeeded; confirming with DescribeApplicationAssignment');
          context = { startedAt: context.startedAt, phase: 'confirm', polls: 0 };
        }
        const found = await describeApplicationAssignment(client, key);
        if (found) return succeeded(modelFromKey(found));
        return notConfirmedYet(key, context, 'CreateApplicationAssignment', logger);
      },
      (message, delaySeconds) => this.retryLater(key, context, message, delaySeconds),
    );
  }

  @handlerEvent(Action.Delete)
  public async delete(
    session: Optional<SessionProxy>,
    request: ResourceHandlerRequest<ResourceModel>,
    callbackContext: JsonObject,
    logger: LoggerProxy,
  ): Promise<ApplicationAssignmentProgress> {
    const key = keyFromModel(request.desiredResourceState);
    // Replaced once the write has returned, so a throttled read-back resumes by confirming, not by
    // pre-checking again (which would find nothing and answer NotFound).
    let context = readWriteContext(callbackContext);
    return guarded(
      'write',
      logger,
      async () => {
        const client = ssoAdminClientFor(session, typeName());
        if (context.phase !== 'confirm') {
          if (!(await describeApplicationAssignment(client, key))) return notFound(key);
          try {
            await deleteApplicationAssignment(client, key);
            logger.log(
              'DeleteApplicationAssignment succeeded; confirming with DescribeApplicationAssignment',
            );
          } catch (error: unknown) {
            // Gone between the pre-check and the delete (another actor, or the application was deleted):
            // what CloudFormation asked for is true, which the read-back below confirms.
            if (!isErrorNamed(error, 'ResourceNotFoundException')) throw error;
            logger.log('DeleteApplicationAssignment found no assignment; confirming it is gone');
          }
          context = { startedAt: context.startedAt, phase: 'confirm', polls: 0 };
        }
        if (!(await describeApplicationAssignment(client, key))) return succeeded();
        return notConfirmedYet(key, context, 'DeleteApplicationAssignment', logger);
      },
      (message, delaySeconds) => this.retryLater(key, context, message, delaySeconds),
    );
  }

  @handlerEvent(Action.Read)
  public async read(
    session: Optional<SessionProxy>,
    request: ResourceHandlerRequest<ResourceModel>,
    _callbackContext: JsonObject,
    logger: LoggerProxy,
  ): Promise<ApplicationAssignmentProgress> {
    const key = keyFromModel(request.desiredResourceState);
    return guarded('read', logger, async () => {
      const client = ssoAdminClientFor(session, typeName());
      const found = await describeApplicationAssignment(client, key);
      return found ? succeeded(modelFromKey(found)) : notFound(key);
    });
  }

  @handlerEvent(Action.List)
  public async list(
    session: Optional<SessionProxy>,
    request: ResourceHandlerRequest<ResourceModel>,
    _callbackContext: JsonObject,
    logger: LoggerProxy,
  ): Promise<ApplicationAssignmentProgress> {
    // Schema validation in the entrypoint requires ApplicationArn (the list handlerSchema).
    const applicationArn = request.desiredResourceState?.applicationArn ?? '';
    return guarded('read', logger, async () => {
      const client = ssoAdminClientFor(session, typeName());
      const keys = await listApplicationAssignments(client, applicationArn);
      logger.log(`listed ${keys.length} application assignments`);
      return listed(keys.map(modelFromKey));
    });
  }

  /** A write still throttled or in conflict after the SDK's retries calls back, until the deadline. */
  private retryLater(
    key: ApplicationAssignmentKey,
    context: WriteContext,
    message: string,
    delaySeconds: number,
  ): ApplicationAssignmentProgress | undefined {
    if (Date.now() - context.startedAt >= RETRY_POLICY.stabilizationDeadlineMs) return undefined;
    return inProgress(modelFromKey(key), { ...context }, delaySeconds, message);
  }
}

const validator = new SchemaValidator(RESOURCE_SCHEMA);

export const resource = new ApplicationAssignmentResource(
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

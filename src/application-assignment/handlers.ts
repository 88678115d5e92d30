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
import { isResourceAbsent } from '../core/errors';
import { guarded, Progress } from '../core/guard';
import { instanceArnOfApplication, principalExists } from '../core/principals';
import { alreadyExists, invokedTypeName, notFound } from '../core/identity';
import { describePage, listPage } from '../core/list-pages';
import { failed, inProgress, JsonObject, listed, succeeded } from '../core/progress';
import { stabilizeOnce } from '../core/stabilizer';
import { SchemaValidator } from '../core/validation';
import { readWriteContext, WriteContext } from '../core/write-context';
import {
  ApplicationAssignmentKey,
  createApplicationAssignment,
  deleteApplicationAssignment,
  describeApplicationAssignment,
  APPLICATION_ASSIGNMENT_LISTING,
  applicationFilterValues,
  listApplicationAssignments,
  readApplicationAssignmentCursor,
} from './application-assignments';
import { ResourceModel, TypeConfigurationModel } from './models';
import { validateList, validateModel } from './validators';

type ApplicationAssignmentProgress = Progress<ResourceModel>;

const TYPE_NAME = ResourceModel.TYPE_NAME;

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

/** The identifier values in primaryIdentifier order. */
function identifier(key: ApplicationAssignmentKey): string[] {
  return [key.applicationArn, key.principalType, key.principalId];
}

/**
 * The assignment if it still grants access: described, and its user or group still in the identity store (a
 * deprovisioned principal's assignment stays but grants nothing, and cannot be deleted; see principals.ts).
 */
async function describeGranting(
  session: Optional<SessionProxy>,
  client: SSOAdminClient,
  key: ApplicationAssignmentKey,
): Promise<ApplicationAssignmentKey | undefined> {
  const found = await describeApplicationAssignment(client, key);
  if (!found) return undefined;
  const identityStore = identityStoreClientFor(session, invokedTypeName(TYPE_NAME));
  const instanceArn = instanceArnOfApplication(key.applicationArn);
  return (await principalExists({ ssoAdmin: client, identityStore }, instanceArn, key)) ? found : undefined;
}

type Operation = 'CreateApplicationAssignment' | 'DeleteApplicationAssignment';

/** Read-backs after a successful create that may still be eventual-consistency lag, before creating again. */
const RESUBMIT_AFTER_CHECKS = 3;

/**
 * The write went through; whether DescribeApplicationAssignment reflects it yet (eventual consistency)
 * decides: done, or call back with the retry policy's stabilization delays until its deadline.
 */
async function confirm(
  key: ApplicationAssignmentKey,
  context: WriteContext,
  operation: Operation,
  reflected: () => Promise<ApplicationAssignmentKey | 'gone' | undefined>,
  logger: LoggerProxy,
): Promise<ApplicationAssignmentProgress> {
  let outcome: ApplicationAssignmentKey | 'gone' | undefined;
  const step = await stabilizeOnce(context, async () => {
    outcome = await reflected();
    return { status: outcome ? 'SUCCEEDED' : 'IN_PROGRESS' };
  });
  switch (step.kind) {
    case 'succeeded':
      return outcome === 'gone' || outcome === undefined ? succeeded() : succeeded(modelFromKey(outcome));
    case 'timed-out':
      return failed(
        HandlerErrorCode.NotStabilized,
        `${operation} succeeded but DescribeApplicationAssignment did not reflect it within ${Math.round(step.elapsedMs / 1000)} s`,
      );
    case 'failed':
      return failed(HandlerErrorCode.GeneralServiceException, `${operation} failed: ${step.reason}`);
    case 'wait': {
      const polls = step.context.polls ?? 0;
      if (
        operation === 'CreateApplicationAssignment' &&
        polls >= RESUBMIT_AFTER_CHECKS &&
        !context.resubmitted
      ) {
        // Past read-back lag: the assignment was removed after the create succeeded. Creating is safe to repeat.
        logger.log(
          `${operation} succeeded but the assignment is still not there after ${polls} checks; creating it again`,
        );
        const marker: WriteContext = { startedAt: context.startedAt, phase: 'submit', resubmitted: true };
        return inProgress(
          modelFromKey(key),
          marker,
          step.delaySeconds,
          `${operation} not reflected; creating it again`,
        );
      }
      logger.log(`${operation} not reflected yet; reading back again in ${step.delaySeconds} s`);
      return inProgress(
        modelFromKey(key),
        { ...step.context },
        step.delaySeconds,
        `${operation} succeeded; waiting for DescribeApplicationAssignment to reflect it (check ${polls})`,
      );
    }
  }
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
      'create',
      logger,
      async () => {
        const client = ssoAdminClientFor(session, invokedTypeName(TYPE_NAME));
        if (context.phase === undefined) {
          if (await describeApplicationAssignment(client, key))
            return alreadyExists(TYPE_NAME, identifier(key));
          // The write-ahead marker (see WriteContext). The SSO Admin model lists no "already exists" error for
          // CreateApplicationAssignment; its ConflictException is a propagation race, retried as such.
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
          context = { ...context, phase: 'confirm', polls: 0 };
        }
        return confirm(
          key,
          context,
          'CreateApplicationAssignment',
          () => describeApplicationAssignment(client, key),
          logger,
        );
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
  ): Promise<ApplicationAssignmentProgress> {
    const key = keyFromModel(request.desiredResourceState);
    // Replaced once the write has returned, so a throttled read-back resumes by confirming, not by
    // pre-checking again (which would find nothing and answer NotFound).
    let context = readWriteContext(callbackContext);
    return guarded(
      'delete',
      logger,
      async () => {
        const client = ssoAdminClientFor(session, invokedTypeName(TYPE_NAME));
        if (context.phase !== 'confirm') {
          if (!(await describeApplicationAssignment(client, key)))
            return notFound(TYPE_NAME, identifier(key));
          try {
            await deleteApplicationAssignment(client, key);
            logger.log(
              'DeleteApplicationAssignment succeeded; confirming with DescribeApplicationAssignment',
            );
          } catch (error: unknown) {
            // Gone between the pre-check and the delete (another actor, or the application was deleted), or
            // its principal was deleted from the identity store: what CloudFormation asked for is true, which
            // the read-back below confirms.
            if (!isResourceAbsent(error)) throw error;
            logger.log('DeleteApplicationAssignment found no assignment; confirming it is gone');
          }
          context = { startedAt: context.startedAt, phase: 'confirm', polls: 0 };
        }
        const gone = async () => ((await describeGranting(session, client, key)) ? undefined : 'gone');
        return confirm(key, context, 'DeleteApplicationAssignment', gone, logger);
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
  ): Promise<ApplicationAssignmentProgress> {
    const key = keyFromModel(request.desiredResourceState);
    return guarded('read', logger, async () => {
      const client = ssoAdminClientFor(session, invokedTypeName(TYPE_NAME));
      const found = await describeGranting(session, client, key);
      return found ? succeeded(modelFromKey(found)) : notFound(TYPE_NAME, identifier(key));
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
    return guarded('list', logger, async () => {
      const client = ssoAdminClientFor(session, invokedTypeName(TYPE_NAME));
      const page = await listPage(
        {
          kind: APPLICATION_ASSIGNMENT_LISTING,
          filter: applicationFilterValues(applicationArn),
          readCursor: readApplicationAssignmentCursor,
          walk: (from, budget) => listApplicationAssignments(client, applicationArn, from, budget),
        },
        request.nextToken,
      );
      if (page.kind === 'rejected') return failed(HandlerErrorCode.InvalidRequest, page.message);
      logger.log(describePage(page, 'application assignments'));
      return listed(page.keys.map(modelFromKey), page.nextToken);
    });
  }
}

const validator = new SchemaValidator(TYPE_NAME, { model: validateModel, list: validateList });

export const resource = new ApplicationAssignmentResource(
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

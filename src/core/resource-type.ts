import {
  Action,
  BaseModel,
  BaseResource,
  Constructor,
  HandlerErrorCode,
  LoggerProxy,
  Optional,
  ResourceHandlerRequest,
  SessionProxy,
} from '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { readProgress, WriteProgress } from './callback-context';
import { identityStoreClientFor, ssoAdminClientFor } from './client';
import { buildEntrypoints, Entrypoint } from './entrypoints';
import { guarded, Progress } from './guard';
import { invokedTypeName, notFound } from './identity';
import { invocationClock } from './invocation';
import { describePage, Listing, listPage } from './list-pages';
import { PrincipalRef, principalExists } from './principals';
import { failed, JsonObject, listed, succeeded } from './progress';
import { CompiledValidators, SchemaValidator } from './validation';
import { runWrite, WriteHooks, WriteKind, WriteSubject } from './write-machine';

/** The AWS clients of one invocation, for the caller's credentials. */
export interface Clients {
  readonly ssoAdmin: SSOAdminClient;
  /** Made on first use: only checks of a principal need it. */
  identityStore(): IdentitystoreClient;
  /** Another service's client from a client cache (core/client.ts clientCache), for the same caller. */
  clientFrom<T>(cache: (session: Optional<SessionProxy>, typeName: string) => T): T;
  /** The type configuration CloudFormation passed (SetTypeConfiguration), serialized; undefined when none. */
  readonly typeConfiguration: Readonly<Record<string, unknown>> | undefined;
}

/**
 * A write a type runs itself, for resources that are more than one SSO Admin object (an assignment group): the
 * skeleton still owns validation, the callback context, the guard and the entrypoints.
 */
export interface WriteRequest<M extends BaseModel> {
  readonly kind: WriteKind;
  readonly clients: Clients;
  /** The desired and (UPDATE) previous resource state, as CloudFormation sent them. */
  readonly model: M | undefined;
  readonly previous: M | undefined;
  /** The same for every invocation of one operation (CloudFormation's clientRequestToken). */
  readonly operationToken: string;
  readonly logicalResourceId: string | undefined;
  readonly progress: WriteProgress;
  readonly logger: LoggerProxy;
  /** Reports progress made, so an error after it resumes from there. */
  onProgress(progress: WriteProgress): void;
}

export type WriteRunner<M extends BaseModel> = (request: WriteRequest<M>) => Promise<Progress<M>>;

/** A generated model class (src/<type>/models.ts): its schema's type name and the class itself. */
export type ModelClass<M extends BaseModel> = Constructor<M> & { readonly TYPE_NAME: string };

/** A generated TypeConfigurationModel class. */
export type TypeConfigurationClass<C extends BaseModel> = Constructor<C> & {
  deserialize: (...args: never[]) => unknown;
};

/** The writes a type supports; a type without `update` has only createOnly properties (CloudFormation replaces). */
export interface WriteSet<K> {
  readonly create: WriteHooks<K>;
  readonly delete: WriteHooks<K>;
  readonly update?: WriteHooks<K>;
}

/**
 * What a resource type supplies: small hooks over its identifier (K) and its SSO Admin calls. The skeleton
 * (`defineResourceType`) owns everything else: schema validation, the handlers and entrypoints, clients,
 * errors, NotFound/AlreadyExists answers, and the write state machine (write-machine.ts).
 */
export interface ResourceTypeHooks<M extends BaseModel, C extends BaseModel, K, Cursor> {
  readonly model: ModelClass<M>;
  readonly typeConfiguration: TypeConfigurationClass<C>;
  /** The precompiled schema validators (src/<type>/validators.ts). */
  readonly validators: CompiledValidators;
  /** What LIST's log lines call the resources ('account assignments'). */
  readonly plural: string;
  /** The identifier of a model that passed schema validation; undefined when a property is missing. */
  keyFromModel(model: M): K | undefined;
  modelFromKey(key: K): M;
  /** The identifier values in primaryIdentifier order, as CloudFormation prints them. */
  identifier(key: K): readonly string[];
  /**
   * The instance and the user or group the resource grants access to, when it is one assignment: READ and a
   * refused DELETE then also ask whether that principal still exists.
   */
  principalOf?(key: K): PrincipalRef & { readonly instanceArn: string };
  /** The resource as SSO Admin reports it now (never the request echoed); undefined when absent. */
  find(clients: Clients, key: K): Promise<K | undefined>;
  /** LIST: the walk over the resources matching the request's properties. */
  listing(clients: Clients, properties: Optional<M>): Listing<Cursor, K>;
  /** Single-resource writes, driven by the skeleton's state machine (write-machine.ts)... */
  writes?(clients: Clients): WriteSet<K>;
  /** ...or writes the type runs itself. A kind in neither answers NotUpdatable (UPDATE) or InternalFailure. */
  readonly runners?: Partial<Record<WriteKind, WriteRunner<M>>>;
}

export interface ResourceTypeHandlers<M extends BaseModel, C extends BaseModel> {
  readonly resource: BaseResource<M, C>;
  /** Production entrypoint, invoked by CloudFormation with a HandlerRequest. */
  readonly entrypoint: Entrypoint;
  /** Local testing entrypoint (SAM TestEntrypoint, `cfn test`), invoked with a TestEvent. */
  readonly testEntrypoint: Entrypoint;
}

/** A handler as the runtime lib calls it (its HandlerSignature, typed). */
type Handler<M extends BaseModel, C extends BaseModel> = (
  session: Optional<SessionProxy>,
  request: ResourceHandlerRequest<M>,
  callbackContext: JsonObject,
  logger: LoggerProxy,
  typeConfiguration?: C,
) => Promise<Progress<M>>;

/** The runtime lib's resource, with the handlers the skeleton adds. */
class SkeletonResource<M extends BaseModel, C extends BaseModel> extends BaseResource<M, C> {}

/** The one place handlers are written: every type gets the same five from its hooks. */
export function defineResourceType<M extends BaseModel, C extends BaseModel, K, Cursor>(
  hooks: ResourceTypeHooks<M, C, K, Cursor>,
): ResourceTypeHandlers<M, C> {
  const typeName = hooks.model.TYPE_NAME;

  function clientsFor(session: Optional<SessionProxy>, typeConfiguration?: C): Clients {
    const invoked = invokedTypeName(typeName);
    const configuration = typeConfiguration?.serialize();
    return {
      ssoAdmin: ssoAdminClientFor(session, invoked),
      identityStore: () => identityStoreClientFor(session, invoked),
      clientFrom: (cache) => cache(session, invoked),
      typeConfiguration: configuration && Object.keys(configuration).length > 0 ? configuration : undefined,
    };
  }

  function keyOf(model: Optional<M>): K {
    const key = model ? hooks.keyFromModel(model) : undefined;
    // Schema validation in the entrypoint requires every identifier property, so this is a bug, not bad input.
    if (key === undefined)
      throw new Error('the resource model lacks identifier properties that schema validation requires');
    return key;
  }

  /**
   * The resource if it still grants access: found, and its user or group still in the identity store (a
   * deprovisioned principal's assignment stays listed but grants nothing; see principals.ts).
   */
  async function findGranting(clients: Clients, key: K): Promise<K | undefined> {
    const found = await hooks.find(clients, key);
    if (!found || !hooks.principalOf) return found;
    const { instanceArn, ...principal } = hooks.principalOf(key);
    const principalClients = { ssoAdmin: clients.ssoAdmin, identityStore: clients.identityStore() };
    return (await principalExists(principalClients, instanceArn, principal)) ? found : undefined;
  }

  function write(kind: WriteKind): Handler<M, C> {
    return async (session, request, callbackContext, logger, typeConfiguration) => {
      // The last progress made: an error after a write resumes from it, not from before the write.
      let progress: WriteProgress | undefined;
      let resumeModel: M | undefined;
      const onProgress = (next: WriteProgress) => (progress = next);
      return guarded(
        kind,
        logger,
        async () => {
          progress = readProgress(callbackContext);
          const clients = clientsFor(session, typeConfiguration);
          const runner = hooks.runners?.[kind];
          if (runner) {
            resumeModel = request.desiredResourceState ?? undefined;
            return runner({
              kind,
              clients,
              model: request.desiredResourceState ?? undefined,
              previous: request.previousResourceState ?? undefined,
              operationToken: request.clientRequestToken,
              logicalResourceId: request.logicalResourceIdentifier ?? undefined,
              progress,
              logger,
              onProgress,
            });
          }
          const key = keyOf(request.desiredResourceState);
          resumeModel = hooks.modelFromKey(key);
          const writeHooks = hooks.writes?.(clients)[kind];
          if (!writeHooks) {
            return failed(
              HandlerErrorCode.NotUpdatable,
              `Every property of ${invokedTypeName(typeName)} is createOnly: CloudFormation replaces the resource instead of updating it`,
            );
          }
          const previousState = request.previousResourceState;
          const previous = previousState ? hooks.keyFromModel(previousState) : undefined;
          const subject: WriteSubject<M, K> = {
            typeName,
            key,
            ...(previous === undefined ? {} : { previous }),
            modelFromKey: hooks.modelFromKey,
            identifier: hooks.identifier,
            find: (wanted) => hooks.find(clients, wanted),
            grants: async (wanted) => (await findGranting(clients, wanted)) !== undefined,
          };
          return runWrite(
            { kind, hooks: writeHooks, subject, logger, onProgress, waitInInvocation: invocationClock() },
            progress,
          );
        },
        () => (progress && resumeModel ? { model: resumeModel, progress } : undefined),
      );
    };
  }

  const read: Handler<M, C> = (session, request, _callbackContext, logger, typeConfiguration) =>
    guarded('read', logger, async () => {
      const key = keyOf(request.desiredResourceState);
      const found = await findGranting(clientsFor(session, typeConfiguration), key);
      return found ? succeeded(hooks.modelFromKey(found)) : notFound(typeName, hooks.identifier(key));
    });

  const list: Handler<M, C> = (session, request, _callbackContext, logger, typeConfiguration) =>
    guarded('list', logger, async () => {
      const listing = hooks.listing(clientsFor(session, typeConfiguration), request.desiredResourceState);
      const page = await listPage(listing, request.nextToken);
      if (page.kind === 'rejected') return failed(HandlerErrorCode.InvalidRequest, page.message);
      logger.log(describePage(page, hooks.plural));
      return listed(page.keys.map(hooks.modelFromKey), page.nextToken);
    });

  const resource = new SkeletonResource<M, C>(
    typeName,
    hooks.model,
    undefined,
    undefined,
    hooks.typeConfiguration,
  );
  resource.addHandler(Action.Create, write('create'));
  resource.addHandler(Action.Update, write('update'));
  resource.addHandler(Action.Delete, write('delete'));
  resource.addHandler(Action.Read, read);
  resource.addHandler(Action.List, list);
  const validator = new SchemaValidator(typeName, hooks.validators);
  return { resource, ...buildEntrypoints(resource, validator, typeName) };
}

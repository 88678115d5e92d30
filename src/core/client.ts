import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { ServiceInputTypes, ServiceOutputTypes, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import type {
  FinalizeHandler,
  FinalizeHandlerArguments,
  HandlerExecutionContext,
  InitializeHandler,
  InitializeHandlerArguments,
  MetadataBearer,
  MiddlewareStack,
} from '@smithy/types';
import { FAILED_ACTION, isErrorNamed } from './errors';
import { isRecord } from './records';
import { RETRY_POLICY } from './retry-policy';
import { InvocationBudgetRetryStrategy } from './retry-strategy';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';

export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface ClientSettings {
  readonly credentials: SessionCredentials;
  readonly region: string;
}

/** The part of the runtime lib's SessionProxy this project reads. */
export interface SessionLike {
  readonly configuration?: unknown;
}

export class MissingCredentialsError extends Error {
  override readonly name = 'CredentialsProviderError';
}

/** Reads `session.configuration.{credentials,region}` with runtime checks instead of casts. */
export function clientSettingsFromSession(session: SessionLike | null | undefined): ClientSettings {
  const configuration = session?.configuration;
  const credentials = isRecord(configuration) ? configuration.credentials : undefined;
  const region = isRecord(configuration) ? configuration.region : undefined;
  if (
    !isRecord(credentials) ||
    typeof credentials.accessKeyId !== 'string' ||
    typeof credentials.secretAccessKey !== 'string' ||
    credentials.accessKeyId === '' ||
    credentials.secretAccessKey === ''
  ) {
    throw new MissingCredentialsError('CloudFormation passed no caller credentials to the handler');
  }
  if (typeof region !== 'string' || region === '') {
    throw new MissingCredentialsError('CloudFormation passed no region to the handler');
  }
  const sessionToken = typeof credentials.sessionToken === 'string' ? credentials.sessionToken : undefined;
  return {
    region,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(sessionToken ? { sessionToken } : {}),
    },
  };
}

/** What every client of the handlers shares: credentials, retry policy, timeouts and user agent. */
export function commonClientConfig(settings: ClientSettings, typeName: string) {
  return {
    region: settings.region,
    // A copy: the SDK annotates the credentials object it is given.
    credentials: { ...settings.credentials },
    retryStrategy: new InvocationBudgetRetryStrategy(),
    requestHandler: {
      connectionTimeout: RETRY_POLICY.connectionTimeoutMs,
      requestTimeout: RETRY_POLICY.requestTimeoutMs,
    },
    customUserAgent: [
      [PACKAGE_NAME, PACKAGE_VERSION],
      [`cfn-type/${typeName.replace(/::/g, '-')}`, PACKAGE_VERSION],
    ] as [string, string][],
  };
}

/**
 * IAM's service prefix of each client the handlers create (the Service Authorization Reference), keyed by the
 * SDK's client name.
 */
const IAM_PREFIXES: Readonly<Record<string, string>> = {
  SSOAdminClient: 'sso',
  IdentitystoreClient: 'identitystore',
  OrganizationsClient: 'organizations',
  DynamoDBClient: 'dynamodb',
};

/** `organizations:ListAccountsForParent` for the call `context` describes, when the client is one of ours. */
function iamActionOf(context: HandlerExecutionContext): string | undefined {
  const prefix = context.clientName === undefined ? undefined : IAM_PREFIXES[context.clientName];
  const operation = context.commandName?.replace(/Command$/, '');
  return prefix === undefined || operation === undefined ? undefined : `${prefix}:${operation}`;
}

/**
 * Marks every error a call of the client ends with (after the SDK's retries) with the call's IAM action, so the
 * error table can name it (errors.ts FAILED_ACTION).
 */
export function nameFailedActions<Input extends object, Output extends MetadataBearer>(
  stack: MiddlewareStack<Input, Output>,
): void {
  stack.add(
    (next: InitializeHandler<Input, Output>, context: HandlerExecutionContext) =>
      async (args: InitializeHandlerArguments<Input>) => {
        try {
          return await next(args);
        } catch (error: unknown) {
          const action = iamActionOf(context);
          if (typeof error === 'object' && error !== null && action !== undefined) {
            Object.assign(error, { [FAILED_ACTION]: action });
          }
          throw error;
        }
      },
    { step: 'initialize', name: 'failedActionMiddleware' },
  );
}

/**
 * An SSO Admin client for the caller's credentials. Endpoint resolution is left to the SDK, so the
 * standard `AWS_ENDPOINT_URL_SSO_ADMIN` / `AWS_ENDPOINT_URL` settings point it at any stand-in.
 */
export function createSsoAdminClient(settings: ClientSettings, typeName: string): SSOAdminClient {
  const client = new SSOAdminClient(commonClientConfig(settings, typeName));
  nameFailedActions(client.middlewareStack);
  // The SSO Admin model documents ConflictException as "a retry (with appropriate backoff logic) is the
  // recommended response", but the SDK does not classify it as retryable. Marking it with the
  // `$retryable` trait lets the SDK's own strategy retry it with its jittered backoff.
  client.middlewareStack.addRelativeTo(
    (next: FinalizeHandler<ServiceInputTypes, ServiceOutputTypes>) =>
      async (args: FinalizeHandlerArguments<ServiceInputTypes>) => {
        try {
          return await next(args);
        } catch (error: unknown) {
          if (isErrorNamed(error, 'ConflictException') && typeof error === 'object' && error !== null) {
            Object.assign(error, { $retryable: { throttling: false } });
          }
          throw error;
        }
      },
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'conflictIsRetryableMiddleware' },
  );
  return client;
}

/**
 * An Identity Store client for the caller's credentials (`AWS_ENDPOINT_URL_IDENTITYSTORE` /
 * `AWS_ENDPOINT_URL` point it at a stand-in).
 */
export function createIdentityStoreClient(settings: ClientSettings, typeName: string): IdentitystoreClient {
  const client = new IdentitystoreClient(commonClientConfig(settings, typeName));
  nameFailedActions(client.middlewareStack);
  return client;
}

interface Destroyable {
  destroy(): void;
}

/**
 * One client per service, reused across the polls of one operation in a warm Lambda; a new identity gets a
 * new client and the old one is destroyed, so its sockets do not pile up.
 */
export function clientCache<C extends Destroyable>(
  create: (settings: ClientSettings, typeName: string) => C,
): (session: SessionLike | null | undefined, typeName: string) => C {
  let cached: { key: string; client: C } | undefined;
  return (session, typeName) => {
    const settings = clientSettingsFromSession(session);
    const key = [
      settings.region,
      settings.credentials.accessKeyId,
      settings.credentials.secretAccessKey,
      settings.credentials.sessionToken ?? '',
      typeName,
    ].join('\u0000');
    if (cached?.key !== key) {
      cached?.client.destroy();
      cached = { key, client: create(settings, typeName) };
    }
    return cached.client;
  };
}

export const ssoAdminClientFor = clientCache(createSsoAdminClient);

export const identityStoreClientFor = clientCache(createIdentityStoreClient);

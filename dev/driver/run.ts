// Drives one CloudFormation operation against a handler entrypoint: invoke, and while the handler answers
// IN_PROGRESS, wait callbackDelaySeconds and re-invoke with the same bearer token, the returned resourceModel as
// resourceProperties and the returned callbackContext, as CloudFormation does (the same loop as `cfn test`:
// cloudformation-cli src/rpdk/core/contract/resource_client.py `call`).
import { checkParsedEvent, type ContractRules, ContractViolation, parseProgressEvent } from './contract';
import {
  buildHandlerRequest,
  buildReinvocationRequest,
  createLambdaContext,
  DEFAULT_LAMBDA_TIMEOUT_MS,
  functionNameFor,
  redactCredentials,
  redactSecrets,
  secretsOf,
  type RequestDefaults,
} from './request';
import {
  type CallbackContext,
  cloneJson,
  type CredentialsPayload,
  type Entrypoint,
  type HandlerAction,
  type HandlerRequestPayload,
  type ProgressEventPayload,
  type ResourceProperties,
} from './types';

/** CloudFormation's default handler timeout: 120 minutes (provider.definition.schema.v1.json timeoutInMinutes). */
export const DEFAULT_OPERATION_TIMEOUT_MINUTES = 120;
export const DEFAULT_MAX_INVOCATIONS = 100;
const MAX_LOGGED_MESSAGE_LENGTH = 200;
// A message runs on to the end of the word at the limit, so an ARN or identifier is never cut, up to this
// hard limit (a message without spaces, such as a JSON document, is still cut).
const MAX_LOGGED_MESSAGE_HARD_LENGTH = 800;

export type RunOptions = RequestDefaults & {
  /** The schema's primaryIdentifier pointers (contract checks need them). */
  primaryIdentifier: readonly string[];
  previousProperties?: ResourceProperties;
  /** Resume an operation: its bearer token (otherwise a fresh UUID) and last callbackContext. */
  bearerToken?: string;
  callbackContext?: CallbackContext;
  nextToken?: string;
  /** Multiplies every callbackDelaySeconds wait (default 1; e.g. 0.01 in tests). */
  timeScale?: number;
  /** Invocations allowed for the operation before DriverError 'max-invocations' (default 100). */
  maxInvocations?: number;
  /** Wall-time budget for the whole operation in ms (default 120 minutes x timeScale, at least lambdaTimeoutMs). */
  timeoutMs?: number;
  /** The Lambda timeout: getRemainingTimeInMillis counts down from it and an invocation running longer fails. */
  lambdaTimeoutMs?: number;
  /** Contract rules (default true). Shape rules are always enforced. */
  checkContract?: boolean;
  allowedErrorCodes?: readonly string[];
  /** Called for each re-invocation; lets a caller rotate credentials as CloudFormation may. */
  refreshCredentials?: (invocation: number) => CredentialsPayload;
  /** One line per invocation; default console.log. Lines never contain credentials or the bearer token. */
  log?: (line: string) => void;
  /** Prefix of every log line; defaults to the request's resourceType, '' for none. */
  logPrefix?: string;
  /** Injectable for tests: waits between invocations and the millisecond clock. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
};

export type InvocationRecord = {
  /** 1-based. */
  index: number;
  action: HandlerAction;
  /** The request sent, with credentials replaced by '<redacted>' (the bearer token is kept). */
  request: HandlerRequestPayload;
  response: ProgressEventPayload;
  /** Since the operation started. */
  startedAtMs: number;
  durationMs: number;
  /** The wait before the next invocation (callbackDelaySeconds x 1000 x timeScale); 0 for the last one. */
  sleptMs: number;
};

export type RunResult = {
  final: ProgressEventPayload;
  invocations: InvocationRecord[];
  elapsedMs: number;
};

export type DriverErrorCode =
  'max-invocations' | 'operation-timeout' | 'lambda-timeout' | 'entrypoint-threw' | 'list-pagination';

export class DriverError extends Error {
  override readonly name = 'DriverError';

  constructor(
    readonly code: DriverErrorCode,
    readonly action: HandlerAction,
    message: string,
    readonly invocations: InvocationRecord[],
    options?: { cause?: unknown },
  ) {
    super(`${action}: ${message}`, options);
  }
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** About MAX_LOGGED_MESSAGE_LENGTH characters of `message`, ending at a space rather than inside a word. */
function shortened(message: string): string {
  if (message.length <= MAX_LOGGED_MESSAGE_LENGTH) return message;
  const space = message.indexOf(' ', MAX_LOGGED_MESSAGE_LENGTH);
  const end = Math.min(space === -1 ? message.length : space, MAX_LOGGED_MESSAGE_HARD_LENGTH);
  return end >= message.length ? message : `${message.slice(0, end)} ...`;
}

function describeEvent(event: ProgressEventPayload): string {
  let text = event.status;
  if (event.errorCode !== undefined) text += ` ${event.errorCode}`;
  if (event.status === 'IN_PROGRESS') text += ` callbackDelaySeconds=${event.callbackDelaySeconds}`;
  if (event.status === 'FAILED' && event.message !== '') {
    const message = event.message.replace(/\s+/g, ' ');
    text += `: ${shortened(message)}`;
  }
  return text;
}

/** Runs the invocation, failing if it outlasts `limitMs` (the Lambda timeout or what is left of the budget). */
async function invokeWithin<T>(
  invocation: Promise<T>,
  limitMs: number,
  onTimeout: () => DriverError,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  // A late rejection after the timeout must not surface as an unhandled rejection.
  invocation.catch(() => undefined);
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), Math.max(0, limitMs));
  });
  try {
    return await Promise.race([invocation, expiry]);
  } finally {
    clearTimeout(timer);
  }
}

type Settings = {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  log: (line: string) => void;
  linePrefix: string;
  timeScale: number;
  maxInvocations: number;
  timeoutMs: number;
  lambdaTimeoutMs: number;
  checkContract: boolean;
  rules: ContractRules;
};

function resolveSettings(options: RunOptions, resourceType: string): Settings {
  const timeScale = options.timeScale ?? 1;
  if (!Number.isFinite(timeScale) || timeScale < 0) {
    throw new RangeError(`timeScale must be >= 0, got ${timeScale}`);
  }
  const lambdaTimeoutMs = options.lambdaTimeoutMs ?? DEFAULT_LAMBDA_TIMEOUT_MS;
  const logPrefix = options.logPrefix ?? resourceType;
  return {
    now: options.now ?? (() => performance.now()),
    sleep: options.sleep ?? realSleep,
    log: options.log ?? ((line: string) => console.log(line)),
    linePrefix: logPrefix === '' ? '' : `${logPrefix} `,
    timeScale,
    maxInvocations: options.maxInvocations ?? DEFAULT_MAX_INVOCATIONS,
    // Waits scale, handler execution does not: never default below one Lambda timeout.
    timeoutMs:
      options.timeoutMs ?? Math.max(DEFAULT_OPERATION_TIMEOUT_MINUTES * 60_000 * timeScale, lambdaTimeoutMs),
    lambdaTimeoutMs,
    checkContract: options.checkContract ?? true,
    rules: { primaryIdentifier: options.primaryIdentifier, allowedErrorCodes: options.allowedErrorCodes },
  };
}

/**
 * Starts `firstRequest` (the first invocation of an operation) and drives it to a terminal status.
 * Throws ContractViolation (rule broken), or DriverError (limits, timeouts, the entrypoint throwing).
 */
export async function runRequest(
  entrypoint: Entrypoint,
  firstRequest: HandlerRequestPayload,
  options: RunOptions,
): Promise<RunResult> {
  const action = firstRequest.action;
  const settings = resolveSettings(options, firstRequest.resourceType);
  const { now, timeoutMs, lambdaTimeoutMs } = settings;
  const functionName = functionNameFor(firstRequest.resourceType);
  const startedAt = now();
  const invocations: InvocationRecord[] = [];
  const secrets = new Set<string>();
  const fail = (code: DriverErrorCode, message: string, cause?: unknown): DriverError =>
    new DriverError(code, action, message, invocations, cause === undefined ? undefined : { cause });

  let request = firstRequest;
  for (let index = 1; ; index++) {
    secretsOf(request).forEach((secret) => secrets.add(secret));
    const invocationStart = now();
    const logOutcome = (outcome: string): void => {
      const line = `${settings.linePrefix}${action} #${index} ${outcome} in ${Math.round(now() - invocationStart)}ms (elapsed ${Math.round(now() - startedAt)}ms)`;
      settings.log(redactSecrets(line, [...secrets]));
    };
    const context = createLambdaContext({
      functionName,
      region: request.region,
      awsAccountId: request.awsAccountId,
      lambdaTimeoutMs,
      now,
    });
    const budgetLeftMs = timeoutMs - (invocationStart - startedAt);
    const expired = (): DriverError =>
      lambdaTimeoutMs <= budgetLeftMs
        ? fail(
            'lambda-timeout',
            `invocation #${index} ran longer than the Lambda timeout of ${lambdaTimeoutMs}ms`,
          )
        : fail(
            'operation-timeout',
            `invocation #${index} was still running when the ${timeoutMs}ms budget ran out`,
          );

    let raw: unknown;
    try {
      // The handler gets its own copy, so nothing it mutates leaks into the driver's records.
      raw = await invokeWithin(
        entrypoint(cloneJson(request), context),
        Math.min(lambdaTimeoutMs, budgetLeftMs),
        expired,
      );
    } catch (error) {
      if (error instanceof DriverError) {
        logOutcome(error.code.toUpperCase());
        throw error;
      }
      logOutcome('ENTRYPOINT THREW');
      throw fail('entrypoint-threw', `the entrypoint threw on invocation #${index}: ${String(error)}`, error);
    }
    const durationMs = now() - invocationStart;

    let response: ProgressEventPayload;
    try {
      response = parseProgressEvent(action, raw);
      if (settings.checkContract) checkParsedEvent(action, response, settings.rules);
    } catch (error) {
      if (error instanceof ContractViolation) logOutcome(`CONTRACT VIOLATION [${error.rule}]`);
      throw error;
    }
    logOutcome(describeEvent(response));

    const record: InvocationRecord = {
      index,
      action,
      request: redactCredentials(request),
      response,
      startedAtMs: invocationStart - startedAt,
      durationMs,
      sleptMs: 0,
    };
    invocations.push(record);

    if (response.status !== 'IN_PROGRESS') {
      return { final: response, invocations, elapsedMs: now() - startedAt };
    }
    if (index >= settings.maxInvocations) {
      throw fail('max-invocations', `still IN_PROGRESS after ${settings.maxInvocations} invocations`);
    }
    const waitMs = response.callbackDelaySeconds * 1000 * settings.timeScale;
    const elapsedMs = now() - startedAt;
    if (elapsedMs + waitMs > timeoutMs) {
      throw fail(
        'operation-timeout',
        `still IN_PROGRESS after ${Math.round(elapsedMs)}ms; waiting ${waitMs}ms more would exceed the ${timeoutMs}ms budget`,
      );
    }
    record.sleptMs = waitMs;
    await settings.sleep(waitMs);
    request = buildReinvocationRequest(request, response, options.refreshCredentials?.(index + 1));
  }
}

/** Builds the first HandlerRequest for `action` and drives the operation to a terminal status. */
export function runAction(
  entrypoint: Entrypoint,
  action: HandlerAction,
  properties: ResourceProperties,
  options: RunOptions,
): Promise<RunResult> {
  const request = buildHandlerRequest(options, {
    action,
    properties,
    previousProperties: options.previousProperties,
    bearerToken: options.bearerToken,
    callbackContext: options.callbackContext,
    nextToken: options.nextToken,
  });
  return runRequest(entrypoint, request, options);
}

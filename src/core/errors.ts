import { HandlerErrorCode } from '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib';

/** What a handler does with an error once the SDK's own retries are spent. */
export type ErrorOutcome =
  | { kind: 'fail'; code: HandlerErrorCode; message: string }
  /** Writes wait for CloudFormation to call back rather than fail the stack on a transient condition. */
  | { kind: 'retry-later'; code: HandlerErrorCode; message: string };

/** The handler an error happened in: CREATE and DELETE are writes, READ and LIST reads. */
export type OperationKind = 'create' | 'delete' | 'read' | 'list';

function isWrite(kind: OperationKind): boolean {
  return kind === 'create' || kind === 'delete';
}

interface ErrorRule {
  /** AWS error names (the SDK's `error.name`) this row handles. */
  readonly names: readonly string[];
  readonly code: HandlerErrorCode;
  /** When true, writes answer IN_PROGRESS with a jittered callback instead of failing. */
  readonly writesRetryLater?: boolean;
  /** The code in a CREATE, where the error is about something the properties refer to. */
  readonly codeOnCreate?: HandlerErrorCode;
}

/**
 * The one table that maps SSO Admin (and SDK) errors to CloudFormation handler error codes.
 * Error names come from the SSO Admin API model (schema/aws-models/sso-admin.service-2.json); the
 * retryable ones (Throttling, Conflict, InternalServer) have already been retried by the SDK client
 * (see client.ts) when they get here.
 */
export const ERROR_TABLE: readonly ErrorRule[] = [
  { names: ['AccessDeniedException'], code: HandlerErrorCode.AccessDenied },
  { names: ['ValidationException'], code: HandlerErrorCode.InvalidRequest },
  { names: ['ServiceQuotaExceededException'], code: HandlerErrorCode.ServiceLimitExceeded },
  {
    // On CREATE, a missing instance, permission set or application is a property pointing at nothing.
    names: ['ResourceNotFoundException'],
    code: HandlerErrorCode.NotFound,
    codeOnCreate: HandlerErrorCode.InvalidRequest,
  },
  { names: ['ThrottlingException'], code: HandlerErrorCode.Throttling, writesRetryLater: true },
  // The model documents ConflictException as "a retry (with appropriate backoff logic) is the recommended response".
  { names: ['ConflictException'], code: HandlerErrorCode.ResourceConflict, writesRetryLater: true },
  // A write calls back rather than failing the stack on a 5xx blip that outlasted the SDK's sub-second retries.
  { names: ['InternalServerException'], code: HandlerErrorCode.ServiceInternalError, writesRetryLater: true },
  {
    // Common AWS authentication errors and the SDK's credential errors.
    names: [
      'UnrecognizedClientException',
      'InvalidSignatureException',
      'ExpiredTokenException',
      'InvalidClientTokenId',
      'CredentialsProviderError',
    ],
    code: HandlerErrorCode.InvalidCredentials,
  },
  {
    // Node.js socket errors and the SDK's timeout, after the SDK retried them.
    names: ['TimeoutError', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'],
    code: HandlerErrorCode.NetworkFailure,
  },
];

function errorNames(error: unknown): string[] {
  if (typeof error !== 'object' || error === null) return [];
  const { name, code } = error as { name?: unknown; code?: unknown };
  return [name, code].filter((value): value is string => typeof value === 'string');
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Errors with no modelled name (e.g. a bare 503 from a load balancer, which the SDK names 'Unknown') are
 * classified by their HTTP status: 429 as throttling, 5xx as a service error.
 */
function ruleByStatus(error: unknown): ErrorRule | undefined {
  const status = httpStatusOf(error);
  if (status === 429) return ERROR_TABLE.find((row) => row.names.includes('ThrottlingException'));
  if (status !== undefined && status >= 500) {
    return ERROR_TABLE.find((row) => row.names.includes('InternalServerException'));
  }
  return undefined;
}

/** Looks up the table row for an error; anything unknown is an InternalFailure carrying its message. */
export function classifyError(error: unknown, operation: OperationKind): ErrorOutcome {
  const names = errorNames(error);
  const rule =
    ERROR_TABLE.find((row) => row.names.some((name) => names.includes(name))) ?? ruleByStatus(error);
  const label = names[0] ?? 'Error';
  const message = `${label}: ${errorMessage(error)}`;
  if (!rule) return { kind: 'fail', code: HandlerErrorCode.InternalFailure, message };
  const code = (operation === 'create' && rule.codeOnCreate) || rule.code;
  if (rule.writesRetryLater && isWrite(operation)) return { kind: 'retry-later', code, message };
  // Reads cannot answer IN_PROGRESS: a read that is still throttled after retries reports Throttling.
  return { kind: 'fail', code, message };
}

export function isErrorNamed(error: unknown, name: string): boolean {
  return errorNames(error).includes(name);
}

interface FailureReasonRule {
  readonly pattern: RegExp;
  readonly code: HandlerErrorCode;
}

/**
 * A FAILED asynchronous request carries only a free-text FailureReason. Where the text shows a specific
 * cause, CloudFormation gets the matching code; otherwise GeneralServiceException.
 */
export const FAILURE_REASON_TABLE: readonly FailureReasonRule[] = [
  { pattern: /access ?denied|not authori[sz]ed|forbidden/i, code: HandlerErrorCode.AccessDenied },
  { pattern: /throttl|rate exceeded|too many requests/i, code: HandlerErrorCode.Throttling },
  { pattern: /quota|limit exceeded|maximum number/i, code: HandlerErrorCode.ServiceLimitExceeded },
  { pattern: /conflict|concurrent/i, code: HandlerErrorCode.ResourceConflict },
  {
    pattern: /not found|doesn'?t exist|does not exist|suspended|not a member|invalid|not supported/i,
    code: HandlerErrorCode.InvalidRequest,
  },
  { pattern: /internal (server )?error|internal failure/i, code: HandlerErrorCode.ServiceInternalError },
];

export function codeForFailureReason(reason: string): HandlerErrorCode {
  return (
    FAILURE_REASON_TABLE.find((rule) => rule.pattern.test(reason))?.code ??
    HandlerErrorCode.GeneralServiceException
  );
}

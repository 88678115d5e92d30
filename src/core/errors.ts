import { HandlerErrorCode } from '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib';

/** What a handler does with an error once the SDK's own retries are spent. */
export type ErrorOutcome =
  | { kind: 'fail'; code: HandlerErrorCode; message: string }
  /** Writes wait for CloudFormation to call back rather than fail the stack on a transient condition. */
  | { kind: 'retry-later'; code: HandlerErrorCode; message: string };

/** The handler an error happened in: CREATE, UPDATE and DELETE are writes, READ and LIST reads. */
export type OperationKind = 'create' | 'update' | 'delete' | 'read' | 'list';

/** Writes may answer IN_PROGRESS and be called back; READ and LIST must answer at once (handler contract). */
export function isWrite(kind: OperationKind): boolean {
  return kind === 'create' || kind === 'update' || kind === 'delete';
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
  // The assignment group's state table (src/assignment-group/state-store.ts): a conditional write refused because
  // another operation changed the group meanwhile is retried like a conflict; a missing table is a configuration
  // to fix.
  { names: ['StateConflictError'], code: HandlerErrorCode.ResourceConflict, writesRetryLater: true },
  { names: ['StateTableMissingError'], code: HandlerErrorCode.InvalidTypeConfiguration },
  // A declaration the schema accepts but the group cannot stand for (an account listed twice, too many).
  { names: ['DeclarationError'], code: HandlerErrorCode.InvalidRequest },
  // callback-context.ts: a context this handler did not write is part of a malformed request.
  { names: ['CallbackContextError'], code: HandlerErrorCode.InvalidRequest },
  // principals.ts: the instance's identity store is not where DescribeInstance said.
  { names: ['IdentityStoreNotFoundError'], code: HandlerErrorCode.GeneralServiceException },
  {
    // On CREATE (and UPDATE), a missing instance, permission set or application is a property pointing at nothing.
    names: ['ResourceNotFoundException'],
    code: HandlerErrorCode.NotFound,
    codeOnCreate: HandlerErrorCode.InvalidRequest,
  },
  // DynamoDB (the assignment group's state table) names its throttling ProvisionedThroughputExceededException and
  // RequestLimitExceeded (the DynamoDB API reference).
  // Organizations (the group's OU targets) names its throttling TooManyRequestsException and its internal fault
  // ServiceException (organizations.service-2.json).
  {
    names: [
      'ThrottlingException',
      'ProvisionedThroughputExceededException',
      'RequestLimitExceeded',
      'TooManyRequestsException',
    ],
    code: HandlerErrorCode.Throttling,
    writesRetryLater: true,
  },
  // The model documents ConflictException as "a retry (with appropriate backoff logic) is the recommended response".
  { names: ['ConflictException'], code: HandlerErrorCode.ResourceConflict, writesRetryLater: true },
  // A write calls back rather than failing the stack on a 5xx blip that outlasted the SDK's sub-second retries.
  {
    names: ['InternalServerException', 'ServiceException'],
    code: HandlerErrorCode.ServiceInternalError,
    writesRetryLater: true,
  },
  // Organizations: another change to the organization is under way ("try again later", the model says).
  {
    names: ['ConcurrentModificationException'],
    code: HandlerErrorCode.ResourceConflict,
    writesRetryLater: true,
  },
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

interface KmsReasonRule {
  readonly code: HandlerErrorCode;
  /** What the user must do, in the words of the FAILED message. */
  readonly advice: string;
}

/**
 * SSO Admin and Identity Store errors carry a `Reason` when the instance's customer managed KMS key is the
 * problem (the model's ResourceNotFoundExceptionReason `KMS_NotFoundException`, ValidationExceptionReason
 * `KMS_DisabledException` / `KMS_InvalidStateException` / `KMS_InvalidKeyUsageException`,
 * AccessDeniedExceptionReason `KMS_AccessDeniedException`). Such an error says nothing about the assignment:
 * it must never read as "absent", or DELETE would answer NotFound and CloudFormation would forget an assignment
 * that still grants access. `KMS_ThrottlingException` stays a throttling error (transient; retried as such).
 */
export const KMS_REASON_TABLE: Readonly<Record<string, KmsReasonRule>> = {
  KMS_NotFoundException: {
    code: HandlerErrorCode.InvalidRequest,
    advice:
      "the IAM Identity Center instance's customer managed KMS key does not exist: restore the key (or " +
      'configure the instance with a key that exists), then retry',
  },
  KMS_DisabledException: {
    code: HandlerErrorCode.InvalidRequest,
    advice: "the IAM Identity Center instance's customer managed KMS key is disabled: enable it, then retry",
  },
  KMS_InvalidStateException: {
    code: HandlerErrorCode.InvalidRequest,
    advice:
      "the IAM Identity Center instance's customer managed KMS key is not in a usable state (for example " +
      'pending deletion): cancel its deletion or enable it, then retry',
  },
  KMS_InvalidKeyUsageException: {
    code: HandlerErrorCode.InvalidRequest,
    advice:
      "the IAM Identity Center instance's customer managed KMS key cannot be used for this operation: " +
      'configure the instance with a symmetric encryption key, then retry',
  },
  KMS_AccessDeniedException: {
    code: HandlerErrorCode.AccessDenied,
    advice:
      "the handler's execution role may not use the instance's customer managed KMS key: allow kms:Decrypt " +
      '(in the key policy and the role), then retry',
  },
};

/** The KMS `Reason` an SSO Admin or Identity Store error carries, if any. */
export function kmsReasonOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const reason = (error as { Reason?: unknown }).Reason;
  return typeof reason === 'string' && reason.startsWith('KMS_') ? reason : undefined;
}

/**
 * A ResourceNotFoundException that means the thing looked up is absent, not that the instance's KMS key is
 * missing (`Reason: KMS_NotFoundException`).
 */
export function isResourceAbsent(error: unknown): boolean {
  return isErrorNamed(error, 'ResourceNotFoundException') && kmsReasonOf(error) === undefined;
}

/**
 * The property a client's failed call carries its IAM action in (`organizations:ListAccountsForParent`; set by
 * client.ts), so a FAILED message can say which call failed and, when access is denied, which permission to add.
 */
export const FAILED_ACTION = '$failedAction';

function failedActionOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const action: unknown = Reflect.get(error, FAILED_ACTION);
  return typeof action === 'string' ? action : undefined;
}

function errorNames(error: unknown): string[] {
  if (typeof error !== 'object' || error === null) return [];
  const { name, code } = error as { name?: unknown; code?: unknown };
  return [name, code].filter((value): value is string => typeof value === 'string');
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** The HTTP status of an AWS SDK error (its `$metadata`), if it has one. */
export function httpStatusOf(error: unknown): number | undefined {
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
  const kmsReason = kmsReasonOf(error);
  const kmsRule = kmsReason === undefined ? undefined : KMS_REASON_TABLE[kmsReason];
  if (kmsRule) {
    return {
      kind: 'fail',
      code: kmsRule.code,
      message: `${label} (${kmsReason ?? ''}): ${kmsRule.advice}. ${errorMessage(error)}`,
    };
  }
  const action = failedActionOf(error);
  const detail = [action, kmsReason].filter((part) => part !== undefined).join(', ');
  const advice =
    rule?.code === HandlerErrorCode.AccessDenied && action !== undefined
      ? ` The handler's execution role needs ${action}: the schema's handler permissions list it.`
      : '';
  const said = errorMessage(error);
  const sentence = advice === '' || /[.!?]$/.test(said) ? said : `${said}.`;
  const message = `${label}${detail === '' ? '' : ` (${detail})`}: ${sentence}${advice}`;
  if (!rule) return { kind: 'fail', code: HandlerErrorCode.InternalFailure, message };
  // A CREATE or UPDATE writes what the properties say, so a missing thing they name is a bad property.
  const code = ((operation === 'create' || operation === 'update') && rule.codeOnCreate) || rule.code;
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
  // "An unexpected internal service exception was encountered" (pulumi/pulumi-aws#1927, aws/aws-cli#8356).
  {
    pattern: /internal (server |service )?(error|exception)|internal failure/i,
    code: HandlerErrorCode.ServiceInternalError,
  },
];

export function codeForFailureReason(reason: string): HandlerErrorCode {
  return (
    FAILURE_REASON_TABLE.find((rule) => rule.pattern.test(reason))?.code ??
    HandlerErrorCode.GeneralServiceException
  );
}

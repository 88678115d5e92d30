/**
 * Errors the emulator sends on the wire. AWS JSON 1.1 services answer errors with an HTTP status, a JSON body
 * `{"__type": "<ErrorName>", "message": "..."}` and an `x-amzn-errortype` header; the SDK reads the error name
 * from either (see "AWS JSON 1.1 protocol", https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html).
 */

/** The modelled SSO Admin errors (sso-admin.service-2.json `shapes.*Exception`). */
export const MODELLED_ERRORS = [
  'AccessDeniedException',
  'ConflictException',
  'InternalServerException',
  'ResourceNotFoundException',
  'ServiceQuotaExceededException',
  'ThrottlingException',
  'ValidationException',
] as const;

export type ModelledErrorName = (typeof MODELLED_ERRORS)[number];

/**
 * The errors the emulated Organizations operations declare (organizations.service-2.json, the union of their
 * `errors`). Organizations names its own: TooManyRequestsException for throttling, InvalidInputException (with a
 * Reason) for bad input, ServiceException for an internal fault.
 */
export const ORGANIZATIONS_ERRORS = [
  'AWSOrganizationsNotInUseException',
  'AccessDeniedException',
  'AccountNotFoundException',
  'ChildNotFoundException',
  'ConcurrentModificationException',
  'InvalidInputException',
  'OrganizationalUnitNotFoundException',
  'ParentNotFoundException',
  'ServiceException',
  'TooManyRequestsException',
] as const;

export type OrganizationsErrorName = (typeof ORGANIZATIONS_ERRORS)[number];

/**
 * Errors the service framework answers before an operation runs; they are not in the SSO Admin model.
 * `ServiceUnavailable` is what a bare 503 from the front end looks like to the SDK.
 */
export type FrameworkErrorName =
  'UnknownOperationException' | 'SerializationException' | 'ServiceUnavailable';

export type ErrorName = ModelledErrorName | OrganizationsErrorName | FrameworkErrorName;

export class ServiceError extends Error {
  constructor(
    readonly errorName: ErrorName,
    message: string,
    readonly statusCode: number = 400,
    /** A bare error carries no JSON body (e.g. a 503 from a load balancer). */
    readonly bare: boolean = false,
    /**
     * Modelled members sent beside `message`, e.g. `Reason` (SSO Admin: `KMS_NotFoundException`, …) or
     * Identity Store's `ResourceType` / `ResourceId`.
     */
    readonly members: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = errorName;
  }
}

export function isModelledErrorName(value: string): value is ModelledErrorName {
  return (MODELLED_ERRORS as readonly string[]).includes(value);
}

export function isOrganizationsErrorName(value: string): value is OrganizationsErrorName {
  return (ORGANIZATIONS_ERRORS as readonly string[]).includes(value);
}

/** The model's server faults: HTTP 500 rather than 400. */
export function isServerFault(name: ErrorName): boolean {
  return name === 'InternalServerException' || name === 'ServiceException';
}

export function validationError(message: string): ServiceError {
  return new ServiceError('ValidationException', message);
}

export function notFound(message: string): ServiceError {
  return new ServiceError('ResourceNotFoundException', message);
}

export function throttled(message: string): ServiceError {
  return new ServiceError('ThrottlingException', message);
}

export function conflict(message: string): ServiceError {
  return new ServiceError('ConflictException', message);
}

/**
 * How an instance's customer managed KMS key can be unusable, and the error SSO Admin answers with for each:
 * the `Reason` enums of the model's exceptions (ResourceNotFoundExceptionReason, ValidationExceptionReason,
 * AccessDeniedExceptionReason, ThrottlingExceptionReason in sso-admin.service-2.json).
 */
export const KMS_KEY_PROBLEMS = {
  missing: { errorName: 'ResourceNotFoundException', reason: 'KMS_NotFoundException', status: 400 },
  disabled: { errorName: 'ValidationException', reason: 'KMS_DisabledException', status: 400 },
  'invalid-state': { errorName: 'ValidationException', reason: 'KMS_InvalidStateException', status: 400 },
  'invalid-key-usage': {
    errorName: 'ValidationException',
    reason: 'KMS_InvalidKeyUsageException',
    status: 400,
  },
  'access-denied': { errorName: 'AccessDeniedException', reason: 'KMS_AccessDeniedException', status: 400 },
  throttled: { errorName: 'ThrottlingException', reason: 'KMS_ThrottlingException', status: 400 },
} as const satisfies Record<string, { errorName: ModelledErrorName; reason: string; status: number }>;

export type KmsKeyProblem = keyof typeof KMS_KEY_PROBLEMS;

export function isKmsKeyProblem(value: unknown): value is KmsKeyProblem {
  return typeof value === 'string' && Object.hasOwn(KMS_KEY_PROBLEMS, value);
}

export function kmsKeyError(problem: KmsKeyProblem, instanceArn: string): ServiceError {
  const { errorName, reason, status } = KMS_KEY_PROBLEMS[problem];
  return new ServiceError(
    errorName,
    `The customer managed KMS key of instance ${instanceArn} cannot be used (${reason})`,
    status,
    false,
    { Reason: reason },
  );
}

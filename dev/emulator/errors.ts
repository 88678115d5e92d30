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
 * Errors the service framework answers before an operation runs; they are not in the SSO Admin model.
 * `ServiceUnavailable` is what a bare 503 from the front end looks like to the SDK.
 */
export type FrameworkErrorName =
  'UnknownOperationException' | 'SerializationException' | 'ServiceUnavailable';

export type ErrorName = ModelledErrorName | FrameworkErrorName;

export class ServiceError extends Error {
  constructor(
    readonly errorName: ErrorName,
    message: string,
    readonly statusCode: number = 400,
    /** A bare error carries no JSON body (e.g. a 503 from a load balancer). */
    readonly bare: boolean = false,
  ) {
    super(message);
    this.name = errorName;
  }
}

export function isModelledErrorName(value: string): value is ModelledErrorName {
  return (MODELLED_ERRORS as readonly string[]).includes(value);
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

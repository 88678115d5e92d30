/** Fault injection: typed, in-process, and also reachable through the admin route (see server.ts). */
import {
  isModelledErrorName,
  isOrganizationsErrorName,
  isServerFault,
  ServiceError,
  type ModelledErrorName,
  type OrganizationsErrorName,
} from './errors';

export type PrincipalType = 'USER' | 'GROUP';

/** One account assignment: who (principal) gets which permission set in which account. */
export interface AssignmentTuple {
  targetId: string;
  permissionSetArn: string;
  principalType: PrincipalType;
  principalId: string;
}

export type AccountAssignmentWriteOperation = 'CreateAccountAssignment' | 'DeleteAccountAssignment';

export interface ThrottleFault {
  /** How many matching requests are answered with ThrottlingException. */
  count: number;
  /** Only requests for this operation; any operation when absent. */
  operation?: string;
}

export interface ServerErrorFault {
  count: number;
  operation?: string;
  /** InternalServerException (HTTP 500, JSON body; the default) or a bare HTTP 503 with no JSON body. */
  errorName?: 'InternalServerException' | 'ServiceUnavailable';
}

export interface ErrorFault {
  count: number;
  operation?: string;
  /** An SSO Admin error, or one of Organizations' (e.g. AWSOrganizationsNotInUseException). */
  errorName: ModelledErrorName | OrganizationsErrorName;
  message?: string;
}

export interface EmptyPageFault {
  /** How many pages of an Organizations List operation come back empty, with a NextToken to the same place. */
  count: number;
  operation?: string;
}

export interface ConflictFault {
  assignment: AssignmentTuple;
  /** How many matching writes are answered with ConflictException. */
  count: number;
  /** Only this write; both create and delete when absent. */
  operation?: AccountAssignmentWriteOperation;
}

export interface FailNextWriteFault {
  assignment: AssignmentTuple;
  /** The FailureReason the status reports. */
  reason: string;
  /** Only this write; the next create or delete when absent. */
  operation?: AccountAssignmentWriteOperation;
}

/** The wire form of a fault for `POST /__emulator/faults`. */
export type FaultRequest =
  | ({ kind: 'throttle' } & ThrottleFault)
  | ({ kind: 'serverError' } & ServerErrorFault)
  | ({ kind: 'error' } & ErrorFault)
  | { kind: 'latency'; ms: number }
  | ({ kind: 'emptyPage' } & EmptyPageFault)
  | ({ kind: 'conflict' } & ConflictFault)
  | { kind: 'stuck'; assignment?: AssignmentTuple }
  | { kind: 'release'; assignment?: AssignmentTuple }
  | ({ kind: 'failNextWrite' } & FailNextWriteFault)
  | { kind: 'clear' };

interface CountedRequestFault {
  remaining: number;
  operation?: string;
  error: () => ServiceError;
}

export interface FaultSnapshot {
  requestFaults: { remaining: number; operation?: string; errorName: string }[];
  latencyMs: number;
  emptyPages: EmptyPageFault[];
  conflicts: ConflictFault[];
  stuckAll: boolean;
  stuckAssignments: AssignmentTuple[];
  pendingFailures: FailNextWriteFault[];
}

export function sameAssignment(left: AssignmentTuple, right: AssignmentTuple): boolean {
  return (
    left.targetId === right.targetId &&
    left.permissionSetArn === right.permissionSetArn &&
    left.principalType === right.principalType &&
    left.principalId === right.principalId
  );
}

export class FaultController {
  private requestFaults: (CountedRequestFault & { errorName: string })[] = [];
  private latency = 0;
  private emptyPages: EmptyPageFault[] = [];
  private conflicts: ConflictFault[] = [];
  private stuckAll = false;
  private stuckAssignments: AssignmentTuple[] = [];
  private pendingFailures: FailNextWriteFault[] = [];

  /** The next `count` requests (of `operation`, if given) get ThrottlingException. */
  throttle(fault: ThrottleFault): void {
    this.addRequestFault(fault.count, fault.operation, 'ThrottlingException', () => {
      return new ServiceError('ThrottlingException', 'Rate exceeded');
    });
  }

  /** The next `count` requests get InternalServerException (500) or a bare 503. */
  serverError(fault: ServerErrorFault): void {
    const kind = fault.errorName ?? 'InternalServerException';
    this.addRequestFault(fault.count, fault.operation, kind, () =>
      kind === 'ServiceUnavailable'
        ? new ServiceError('ServiceUnavailable', 'Service Unavailable', 503, true)
        : new ServiceError('InternalServerException', 'An internal error occurred. Please try again.', 500),
    );
  }

  /**
   * The next `count` requests get any modelled error (e.g. AccessDeniedException, ServiceQuotaExceededException,
   * or Organizations' AWSOrganizationsNotInUseException).
   */
  error(fault: ErrorFault): void {
    const statusCode = isServerFault(fault.errorName) ? 500 : 400;
    const message = fault.message ?? `Injected ${fault.errorName}`;
    this.addRequestFault(fault.count, fault.operation, fault.errorName, () => {
      return new ServiceError(fault.errorName, message, statusCode);
    });
  }

  /** Every request waits this long (wall-clock ms) before it is handled; 0 turns it off. */
  setLatency(ms: number): void {
    this.latency = Math.max(0, ms);
  }

  get latencyMs(): number {
    return this.latency;
  }

  /**
   * The next `count` pages of an Organizations List operation (any, when none is named) are empty but carry a
   * NextToken: the model's List* documentation warns that they "can occasionally return an empty set of results
   * even when more results are available".
   */
  emptyPage(fault: EmptyPageFault): void {
    if (!Number.isInteger(fault.count) || fault.count < 1)
      throw new RangeError('A fault count must be a positive integer');
    this.emptyPages.push({ ...fault });
  }

  /** Consumes one empty page for this operation, if one is pending. */
  takeEmptyPage(operation: string): boolean {
    const index = this.emptyPages.findIndex(
      (fault) => fault.operation === undefined || fault.operation === operation,
    );
    const fault = this.emptyPages[index];
    if (!fault) return false;
    fault.count -= 1;
    if (fault.count <= 0) this.emptyPages.splice(index, 1);
    return true;
  }

  /** The next `count` writes of this assignment get ConflictException. */
  conflict(fault: ConflictFault): void {
    this.conflicts.push({ ...fault, assignment: { ...fault.assignment } });
  }

  /** Keeps the statuses of this assignment's writes (or of all writes) IN_PROGRESS until released. */
  stuck(assignment?: AssignmentTuple): void {
    if (assignment) this.stuckAssignments.push({ ...assignment });
    else this.stuckAll = true;
  }

  /** Lets stuck statuses complete: those of one assignment, or all when none is given. */
  release(assignment?: AssignmentTuple): void {
    if (assignment) {
      this.stuckAssignments = this.stuckAssignments.filter((stuck) => !sameAssignment(stuck, assignment));
    } else {
      this.stuckAll = false;
      this.stuckAssignments = [];
    }
  }

  /** The next write of this assignment is accepted and then FAILs with `reason`. */
  failNextWrite(fault: FailNextWriteFault): void {
    this.pendingFailures.push({ ...fault, assignment: { ...fault.assignment } });
  }

  /** Removes every fault. */
  clear(): void {
    this.requestFaults = [];
    this.latency = 0;
    this.emptyPages = [];
    this.conflicts = [];
    this.stuckAll = false;
    this.stuckAssignments = [];
    this.pendingFailures = [];
  }

  snapshot(): FaultSnapshot {
    return {
      requestFaults: this.requestFaults.map(({ remaining, operation, errorName }) => ({
        remaining,
        errorName,
        ...(operation === undefined ? {} : { operation }),
      })),
      latencyMs: this.latency,
      emptyPages: this.emptyPages.map((fault) => ({ ...fault })),
      conflicts: this.conflicts.map((fault) => ({ ...fault, assignment: { ...fault.assignment } })),
      stuckAll: this.stuckAll,
      stuckAssignments: this.stuckAssignments.map((assignment) => ({ ...assignment })),
      pendingFailures: this.pendingFailures.map((fault) => ({
        ...fault,
        assignment: { ...fault.assignment },
      })),
    };
  }

  /** Applies a fault given in its wire form. */
  apply(request: FaultRequest): void {
    switch (request.kind) {
      case 'throttle':
        return this.throttle(request);
      case 'serverError':
        return this.serverError(request);
      case 'error':
        return this.error(request);
      case 'latency':
        return this.setLatency(request.ms);
      case 'emptyPage':
        return this.emptyPage(request);
      case 'conflict':
        return this.conflict(request);
      case 'stuck':
        return this.stuck(request.assignment);
      case 'release':
        return this.release(request.assignment);
      case 'failNextWrite':
        return this.failNextWrite(request);
      case 'clear':
        return this.clear();
    }
  }

  /** Consumes the first request fault matching `operation`, if any. */
  takeRequestFault(operation: string): ServiceError | undefined {
    const index = this.requestFaults.findIndex(
      (fault) => fault.operation === undefined || fault.operation === operation,
    );
    const fault = this.requestFaults[index];
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.requestFaults.splice(index, 1);
    return fault.error();
  }

  /** Consumes one ConflictException for this write, if one is pending. */
  takeConflict(operation: AccountAssignmentWriteOperation, assignment: AssignmentTuple): boolean {
    const index = this.conflicts.findIndex(
      (fault) =>
        (fault.operation === undefined || fault.operation === operation) &&
        sameAssignment(fault.assignment, assignment),
    );
    const fault = this.conflicts[index];
    if (!fault) return false;
    fault.count -= 1;
    if (fault.count <= 0) this.conflicts.splice(index, 1);
    return true;
  }

  /** Consumes the forced failure reason for this write, if one is pending. */
  takeFailure(operation: AccountAssignmentWriteOperation, assignment: AssignmentTuple): string | undefined {
    const index = this.pendingFailures.findIndex(
      (fault) =>
        (fault.operation === undefined || fault.operation === operation) &&
        sameAssignment(fault.assignment, assignment),
    );
    const fault = this.pendingFailures[index];
    if (!fault) return undefined;
    this.pendingFailures.splice(index, 1);
    return fault.reason;
  }

  isStuck(assignment: AssignmentTuple): boolean {
    return this.stuckAll || this.stuckAssignments.some((stuck) => sameAssignment(stuck, assignment));
  }

  private addRequestFault(
    count: number,
    operation: string | undefined,
    errorName: string,
    error: () => ServiceError,
  ): void {
    if (!Number.isInteger(count) || count < 1)
      throw new RangeError('A fault count must be a positive integer');
    this.requestFaults.push({
      remaining: count,
      errorName,
      error,
      ...(operation === undefined ? {} : { operation }),
    });
  }
}

/** Narrows untrusted JSON from the admin route to a FaultRequest, or explains what is wrong. */
export function parseFaultRequest(value: unknown): FaultRequest | string {
  if (typeof value !== 'object' || value === null) return 'The body must be a JSON object';
  const record = value as Record<string, unknown>;
  const count = record.count;
  const operation = record.operation;
  const validCount = typeof count === 'number' && Number.isInteger(count) && count > 0;
  const validOperation = operation === undefined || typeof operation === 'string';
  const assignment = parseAssignment(record.assignment);
  switch (record.kind) {
    case 'throttle':
      if (!validCount || !validOperation)
        return 'throttle needs a positive integer count and an optional operation';
      return { kind: 'throttle', count, ...(operation === undefined ? {} : { operation }) };
    case 'serverError': {
      const errorName = record.errorName;
      if (!validCount || !validOperation) return 'serverError needs a positive integer count';
      if (
        errorName !== undefined &&
        errorName !== 'InternalServerException' &&
        errorName !== 'ServiceUnavailable'
      ) {
        return 'serverError errorName must be InternalServerException or ServiceUnavailable';
      }
      return {
        kind: 'serverError',
        count,
        ...(operation === undefined ? {} : { operation }),
        ...(errorName === undefined ? {} : { errorName }),
      };
    }
    case 'error': {
      const errorName = record.errorName;
      const message = record.message;
      if (
        !validCount ||
        !validOperation ||
        typeof errorName !== 'string' ||
        !(isModelledErrorName(errorName) || isOrganizationsErrorName(errorName))
      ) {
        return 'error needs a positive integer count and a modelled errorName';
      }
      return {
        kind: 'error',
        count,
        errorName,
        ...(operation === undefined ? {} : { operation }),
        ...(typeof message === 'string' ? { message } : {}),
      };
    }
    case 'latency':
      if (typeof record.ms !== 'number' || record.ms < 0) return 'latency needs ms >= 0';
      return { kind: 'latency', ms: record.ms };
    case 'emptyPage':
      if (!validCount || !validOperation)
        return 'emptyPage needs a positive integer count and an optional operation';
      return { kind: 'emptyPage', count, ...(operation === undefined ? {} : { operation }) };
    case 'conflict': {
      if (!validCount || typeof assignment === 'string') return `conflict needs a count and an assignment`;
      const writeOperation = parseWriteOperation(operation);
      if (writeOperation === null)
        return 'conflict operation must be CreateAccountAssignment or DeleteAccountAssignment';
      return {
        kind: 'conflict',
        count,
        assignment,
        ...(writeOperation ? { operation: writeOperation } : {}),
      };
    }
    case 'stuck':
    case 'release':
      if (record.assignment === undefined) return { kind: record.kind };
      if (typeof assignment === 'string') return assignment;
      return { kind: record.kind, assignment };
    case 'failNextWrite': {
      if (typeof assignment === 'string') return assignment;
      if (typeof record.reason !== 'string') return 'failNextWrite needs a reason';
      const writeOperation = parseWriteOperation(operation);
      if (writeOperation === null) {
        return 'failNextWrite operation must be CreateAccountAssignment or DeleteAccountAssignment';
      }
      return {
        kind: 'failNextWrite',
        assignment,
        reason: record.reason,
        ...(writeOperation ? { operation: writeOperation } : {}),
      };
    }
    case 'clear':
      return { kind: 'clear' };
    default:
      return 'kind must be one of throttle, serverError, error, latency, emptyPage, conflict, stuck, release, failNextWrite, clear';
  }
}

function parseWriteOperation(value: unknown): AccountAssignmentWriteOperation | undefined | null {
  if (value === undefined) return undefined;
  if (value === 'CreateAccountAssignment' || value === 'DeleteAccountAssignment') return value;
  return null;
}

/** Narrows untrusted JSON to an AssignmentTuple, or explains what is wrong. */
export function parseAssignment(value: unknown): AssignmentTuple | string {
  if (typeof value !== 'object' || value === null) {
    return 'assignment must be an object {targetId, permissionSetArn, principalType, principalId}';
  }
  const record = value as Record<string, unknown>;
  const { targetId, permissionSetArn, principalType, principalId } = record;
  if (
    typeof targetId !== 'string' ||
    typeof permissionSetArn !== 'string' ||
    (principalType !== 'USER' && principalType !== 'GROUP') ||
    typeof principalId !== 'string'
  ) {
    return 'assignment must be an object {targetId, permissionSetArn, principalType: USER|GROUP, principalId}';
  }
  return { targetId, permissionSetArn, principalType, principalId };
}

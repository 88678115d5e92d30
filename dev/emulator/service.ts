/**
 * The emulated SSO Admin service: state, operations and the asynchronous account-assignment lifecycle.
 * Operation behaviour follows the API reference (https://docs.aws.amazon.com/singlesignon/latest/APIReference/)
 * and the model (schema/aws-models/sso-admin.service-2.json); where AWS only shows a behaviour in practice, the
 * comment says where it was observed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import {
  conflict,
  kmsKeyError,
  notFound,
  ServiceError,
  throttled,
  validationError,
  type KmsKeyProblem,
} from './errors';
import { FaultController, sameAssignment, type AssignmentTuple, type PrincipalType } from './faults';
import type { Clock } from './rate-limit';
import { paginate } from './pages';
import { cloneWorld, type World, type WorldApplication } from './world';

export type StatusValue = 'IN_PROGRESS' | 'FAILED' | 'SUCCEEDED';
export type JsonObject = Record<string, unknown>;

export interface PermissionSetRecord {
  name: string;
  arn: string;
  description?: string;
  sessionDuration?: string;
  relayState?: string;
  createdAt: number;
}

export interface AssignmentOperationRecord {
  kind: 'create' | 'delete';
  requestId: string;
  assignment: AssignmentTuple;
  status: StatusValue;
  failureReason?: string;
  createdAt: number;
  /** When provisioning finishes (unless the status is stuck by a fault). */
  completesAt: number;
  /** A failure forced by a fault, reported when provisioning finishes. */
  forcedFailureReason?: string;
}

export interface ApplicationAssignmentRecord {
  applicationArn: string;
  principalType: PrincipalType;
  principalId: string;
}

export interface ServiceSettings {
  provisioningMs: number;
  maxOutstandingAsyncWrites: number;
  defaultPageSize: number;
}

/**
 * FailureReason texts. AWS does not document them; these are the texts seen in the wild:
 * - Deleting an assignment that does not exist: terraform-provider-aws internal/service/ssoadmin/
 *   account_assignment.go quotes "Received a 404 status error: EntitlementItem doesn't exist with the given
 *   entitlement key EntitlementKey{accessorId=AccessorId{value=...}, resourceId=ResourceId{value=...},
 *   auxiliaryResourceId=AuxiliaryResourceId{value=...}, containerId=ContainerId{value=...}}". Which ID goes in
 *   which slot is our guess.
 * - A suspended account: aws-samples/aws-identitycenter-codepipeline-auto-assignment issue #31 quotes
 *   "AWS SSO is unable to complete your request at this time. Obtaining permissions to manage your AWS account
 *   '…' takes longer than usual. …". We give an account outside the organisation the same reason: in both
 *   cases Identity Center cannot reach the account.
 * - An unknown principal: not seen in public reports; the wording is ours, in the same "Received a 404
 *   status error" form as the other entitlement failures.
 * - Generic: "An unexpected internal service exception was encountered" (pulumi/pulumi-aws issue #1927).
 * - Deleting an assignment whose user or group was deleted from the identity store (SCIM deprovisioning):
 *   terraform-provider-aws issue #19341 quotes "Received a 404 status error: the USER assignee <id> was not
 *   found in directory d-…". The assignment stays listed.
 */
export const FAILURE_REASONS = {
  entitlementMissing: (assignment: AssignmentTuple, instanceId: string): string =>
    `Received a 404 status error: EntitlementItem doesn't exist with the given entitlement key ` +
    `EntitlementKey{accessorId=AccessorId{value=${assignment.principalId}}, ` +
    `resourceId=ResourceId{value=${permissionSetId(assignment.permissionSetArn)}}, ` +
    `auxiliaryResourceId=AuxiliaryResourceId{value=${instanceId}}, ` +
    `containerId=ContainerId{value=${assignment.targetId}}}`,
  accountUnreachable: (accountId: string): string =>
    `AWS SSO is unable to complete your request at this time. Obtaining permissions to manage your AWS ` +
    `account '${accountId}' takes longer than usual. Please try again in a few minutes. If this problem ` +
    `continues, contact AWS Support.`,
  principalMissing: (assignment: AssignmentTuple): string =>
    `Received a 404 status error: ${assignment.principalType === 'USER' ? 'User' : 'Group'} ` +
    `${assignment.principalId} doesn't exist in the identity store`,
  internal: (): string => 'An unexpected internal service exception was encountered',
  assigneeNotInDirectory: (
    principal: { principalType: PrincipalType; principalId: string },
    identityStoreId: string,
  ): string =>
    `Received a 404 status error: the ${principal.principalType} assignee ${principal.principalId} was not ` +
    `found in directory ${identityStoreId}`,
} as const;

function permissionSetId(permissionSetArn: string): string {
  return permissionSetArn.slice(permissionSetArn.lastIndexOf('/') + 1);
}

/** `ssoins-…` (or `ins-…`) from an instance, permission set or application ARN. */
function instanceIdOf(arn: string): string | undefined {
  return /\/((?:sso)?ins-[a-zA-Z0-9-.]{16})(?:\/|$)/u.exec(arn)?.[1];
}

/** AWS JSON 1.1 serialises timestamps as epoch seconds (Smithy "aws.protocols#awsJson1_1", timestampFormat). */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}

function str(input: JsonObject, member: string): string {
  const value = input[member];
  return typeof value === 'string' ? value : '';
}

function optionalStr(input: JsonObject, member: string): string | undefined {
  const value = input[member];
  return typeof value === 'string' ? value : undefined;
}

function principalTypeOf(input: JsonObject): PrincipalType {
  return input.PrincipalType === 'GROUP' ? 'GROUP' : 'USER';
}

function subObject(input: JsonObject, member: string): JsonObject {
  const value = input[member];
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
}

export class SsoAdminService {
  private world!: World;
  private permissionSets: PermissionSetRecord[] = [];
  private accountAssignments: AssignmentTuple[] = [];
  private creations: AssignmentOperationRecord[] = [];
  private deletions: AssignmentOperationRecord[] = [];
  private applicationAssignments: ApplicationAssignmentRecord[] = [];
  private instanceCreatedAt = 0;
  /** Set when the instance's customer managed KMS key has been made unusable (see setInstanceKeyProblem). */
  private instanceKeyProblem: KmsKeyProblem | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly faults: FaultController,
    readonly settings: ServiceSettings,
    private readonly seedWorld: World,
  ) {
    this.reset();
  }

  /** Back to the seed world: no assignments, no operations. */
  reset(): void {
    this.world = cloneWorld(this.seedWorld);
    const now = this.clock.now();
    this.instanceCreatedAt = now;
    this.permissionSets = this.world.permissionSets.map((permissionSet) => ({
      ...permissionSet,
      createdAt: now,
    }));
    this.accountAssignments = [];
    this.creations = [];
    this.deletions = [];
    this.applicationAssignments = [];
    this.instanceKeyProblem = undefined;
  }

  get currentWorld(): World {
    return this.world;
  }

  // ---- state access used by the typed state API --------------------------------------------------------------

  listPermissionSetRecords(): PermissionSetRecord[] {
    return this.permissionSets.map((permissionSet) => ({ ...permissionSet }));
  }

  listAccountAssignmentRecords(): AssignmentTuple[] {
    this.settle();
    return this.accountAssignments.map((assignment) => ({ ...assignment }));
  }

  listOperationRecords(kind: 'create' | 'delete'): AssignmentOperationRecord[] {
    this.settle();
    return (kind === 'create' ? this.creations : this.deletions).map((operation) => ({
      ...operation,
      assignment: { ...operation.assignment },
    }));
  }

  listApplicationAssignmentRecords(): ApplicationAssignmentRecord[] {
    return this.applicationAssignments.map((assignment) => ({ ...assignment }));
  }

  outstandingAsyncWrites(): number {
    this.settle();
    return [...this.creations, ...this.deletions].filter((operation) => operation.status === 'IN_PROGRESS')
      .length;
  }

  /** Adds a permission set directly (no API call). */
  addPermissionSet(permissionSet: {
    name: string;
    arn?: string;
    description?: string;
    sessionDuration?: string;
  }): PermissionSetRecord {
    const record: PermissionSetRecord = {
      ...permissionSet,
      arn: permissionSet.arn ?? this.newPermissionSetArn(),
      createdAt: this.clock.now(),
    };
    this.permissionSets.push(record);
    return { ...record };
  }

  /** Removes a permission set and its account assignments out of band. Returns whether it existed. */
  removePermissionSet(permissionSetArn: string): boolean {
    const before = this.permissionSets.length;
    this.permissionSets = this.permissionSets.filter(
      (permissionSet) => permissionSet.arn !== permissionSetArn,
    );
    this.accountAssignments = this.accountAssignments.filter(
      (assignment) => assignment.permissionSetArn !== permissionSetArn,
    );
    return this.permissionSets.length !== before;
  }

  /** Adds a (SUCCEEDED) account assignment directly; no duplicate is stored. */
  addAccountAssignment(assignment: AssignmentTuple): void {
    this.settle();
    if (!this.accountAssignments.some((existing) => sameAssignment(existing, assignment))) {
      this.accountAssignments.push({ ...assignment });
    }
  }

  /** Removes an account assignment out of band. Returns whether it existed. */
  removeAccountAssignment(assignment: AssignmentTuple): boolean {
    this.settle();
    const before = this.accountAssignments.length;
    this.accountAssignments = this.accountAssignments.filter(
      (existing) => !sameAssignment(existing, assignment),
    );
    return this.accountAssignments.length !== before;
  }

  addApplicationAssignment(assignment: ApplicationAssignmentRecord): void {
    if (!this.applicationAssignments.some((existing) => sameApplicationAssignment(existing, assignment))) {
      this.applicationAssignments.push({ ...assignment });
    }
  }

  removeApplicationAssignment(assignment: ApplicationAssignmentRecord): boolean {
    const before = this.applicationAssignments.length;
    this.applicationAssignments = this.applicationAssignments.filter(
      (existing) => !sameApplicationAssignment(existing, assignment),
    );
    return this.applicationAssignments.length !== before;
  }

  /**
   * Makes the instance's customer managed KMS key unusable (deleted, disabled, …), or usable again with
   * undefined. Every operation on the instance's data then fails with the matching `Reason`.
   */
  setInstanceKeyProblem(problem: KmsKeyProblem | undefined): void {
    this.instanceKeyProblem = problem;
  }

  get currentInstanceKeyProblem(): KmsKeyProblem | undefined {
    return this.instanceKeyProblem;
  }

  /**
   * Deletes a user or group from the identity store, as SCIM deprovisioning does. Its assignments stay
   * listed; deleting them fails (FAILURE_REASONS.assigneeNotInDirectory). Returns whether it existed.
   */
  removePrincipal(principalType: PrincipalType, principalId: string): boolean {
    const key = principalType === 'USER' ? 'users' : 'groups';
    const before = this.world[key].length;
    this.world[key] = this.world[key].filter((principal) => principal.id !== principalId);
    return this.world[key].length !== before;
  }

  private principalExists(principal: { principalType: PrincipalType; principalId: string }): boolean {
    const principals = principal.principalType === 'USER' ? this.world.users : this.world.groups;
    return principals.some((candidate) => candidate.id === principal.principalId);
  }

  /** Renames a user (UserName) or group (DisplayName) in place. Returns whether it existed. */
  renamePrincipal(principalType: PrincipalType, principalId: string, name: string): boolean {
    const principals = principalType === 'USER' ? this.world.users : this.world.groups;
    const principal = principals.find((candidate) => candidate.id === principalId);
    if (principal) principal.name = name;
    return principal !== undefined;
  }

  addUser(user: { id: string; name: string }): void {
    this.world.users = [...this.world.users.filter((existing) => existing.id !== user.id), { ...user }];
  }

  addGroup(group: { id: string; name: string }): void {
    this.world.groups = [...this.world.groups.filter((existing) => existing.id !== group.id), { ...group }];
  }

  addApplication(application: WorldApplication): void {
    this.world.applications = [
      ...this.world.applications.filter((existing) => existing.arn !== application.arn),
      { ...application },
    ];
  }

  // ---- the asynchronous lifecycle --------------------------------------------------------------------------------

  /**
   * Completes every IN_PROGRESS operation whose provisioning time has passed (and that no fault holds), in the
   * order they would have finished. Called before any read, so time is evaluated lazily against the clock.
   */
  settle(): void {
    const now = this.clock.now();
    const due = [...this.creations, ...this.deletions]
      .filter(
        (operation) =>
          operation.status === 'IN_PROGRESS' &&
          operation.completesAt <= now &&
          !this.faults.isStuck(operation.assignment),
      )
      .sort((left, right) => left.completesAt - right.completesAt || left.createdAt - right.createdAt);
    for (const operation of due) this.complete(operation);
  }

  private complete(operation: AssignmentOperationRecord): void {
    const fail = (reason: string): void => {
      operation.status = 'FAILED';
      operation.failureReason = reason;
    };
    const { assignment } = operation;
    if (operation.forcedFailureReason !== undefined) return fail(operation.forcedFailureReason);
    if (operation.kind === 'create') {
      // Only an ACTIVE member can be reached (a suspended, closing, closed or not yet activated one cannot).
      const account = this.world.accounts.find((candidate) => candidate.id === assignment.targetId);
      if (!account || account.state !== 'ACTIVE')
        return fail(FAILURE_REASONS.accountUnreachable(assignment.targetId));
      if (!this.principalExists(assignment)) return fail(FAILURE_REASONS.principalMissing(assignment));
      // The permission set may have been deleted out of band while this was in progress.
      if (!this.permissionSets.some((permissionSet) => permissionSet.arn === assignment.permissionSetArn)) {
        return fail(FAILURE_REASONS.internal());
      }
      // Creating an assignment that exists succeeds and stores no duplicate.
      if (!this.accountAssignments.some((existing) => sameAssignment(existing, assignment))) {
        this.accountAssignments.push({ ...assignment });
      }
      operation.status = 'SUCCEEDED';
      return;
    }
    if (!this.principalExists(assignment)) {
      return fail(FAILURE_REASONS.assigneeNotInDirectory(assignment, this.world.identityStoreId));
    }
    const index = this.accountAssignments.findIndex((existing) => sameAssignment(existing, assignment));
    if (index < 0)
      return fail(FAILURE_REASONS.entitlementMissing(assignment, instanceIdOf(this.world.instanceArn) ?? ''));
    this.accountAssignments.splice(index, 1);
    operation.status = 'SUCCEEDED';
  }

  // ---- operations ------------------------------------------------------------------------------------------------

  /** Runs one validated operation. Throws ServiceError for modelled errors. */
  invoke(operation: string, input: JsonObject): JsonObject {
    this.settle();
    this.requireUsableKey(operation, input);
    switch (operation) {
      case 'ListInstances':
        return this.listInstances(input);
      case 'DescribeInstance':
        return this.describeInstance(input);
      case 'CreatePermissionSet':
        return this.createPermissionSet(input);
      case 'DescribePermissionSet':
        return this.describePermissionSet(input);
      case 'ListPermissionSets':
        return this.listPermissionSets(input);
      case 'DeletePermissionSet':
        return this.deletePermissionSet(input);
      case 'CreateAccountAssignment':
        return this.writeAccountAssignment('create', input);
      case 'DeleteAccountAssignment':
        return this.writeAccountAssignment('delete', input);
      case 'DescribeAccountAssignmentCreationStatus':
        return this.describeOperation('create', input);
      case 'DescribeAccountAssignmentDeletionStatus':
        return this.describeOperation('delete', input);
      case 'ListAccountAssignmentCreationStatus':
        return this.listOperations('create', input);
      case 'ListAccountAssignmentDeletionStatus':
        return this.listOperations('delete', input);
      case 'ListAccountAssignments':
        return this.listAccountAssignments(input);
      case 'ListAccountAssignmentsForPrincipal':
        return this.listAccountAssignmentsForPrincipal(input);
      case 'ListAccountsForProvisionedPermissionSet':
        return this.listAccountsForProvisionedPermissionSet(input);
      case 'ListPermissionSetsProvisionedToAccount':
        return this.listPermissionSetsProvisionedToAccount(input);
      case 'CreateApplicationAssignment':
        return this.createApplicationAssignment(input);
      case 'DeleteApplicationAssignment':
        return this.deleteApplicationAssignment(input);
      case 'DescribeApplicationAssignment':
        return this.describeApplicationAssignment(input);
      case 'ListApplicationAssignments':
        return this.listApplicationAssignments(input);
      case 'ListApplicationAssignmentsForPrincipal':
        return this.listApplicationAssignmentsForPrincipal(input);
      default:
        throw new ServiceError('UnknownOperationException', `Operation ${operation} is not emulated`);
    }
  }

  private paginate<T>(
    operation: string,
    items: readonly T[],
    input: JsonObject,
  ): { page: T[]; nextToken?: string } {
    const nextToken = optionalStr(input, 'NextToken');
    return paginate(items, {
      operation,
      pageSize: typeof input.MaxResults === 'number' ? input.MaxResults : this.settings.defaultPageSize,
      ...(nextToken === undefined ? {} : { nextToken }),
      invalidToken: () =>
        validationError(`Invalid NextToken: the token is not a pagination token for ${operation}`),
    });
  }

  private withToken(result: JsonObject, nextToken: string | undefined): JsonObject {
    return nextToken === undefined ? result : { ...result, NextToken: nextToken };
  }

  /**
   * With a customer managed key, Identity Center encrypts the instance's data with it: while the key is
   * unusable, operations on that data fail with the KMS `Reason` (instance metadata stays readable).
   */
  private requireUsableKey(operation: string, input: JsonObject): void {
    if (this.instanceKeyProblem === undefined) return;
    if (operation === 'ListInstances' || operation === 'DescribeInstance') return;
    const arn = str(input, 'InstanceArn') || str(input, 'ApplicationArn');
    if (instanceIdOf(arn) !== instanceIdOf(this.world.instanceArn)) return;
    throw kmsKeyError(this.instanceKeyProblem, this.world.instanceArn);
  }

  private requireInstance(instanceArn: string): void {
    if (instanceArn !== this.world.instanceArn) {
      throw notFound(`Instance ${instanceArn} does not exist`);
    }
  }

  private requirePermissionSet(instanceArn: string, permissionSetArn: string): PermissionSetRecord {
    this.requireInstance(instanceArn);
    const permissionSet = this.permissionSets.find((candidate) => candidate.arn === permissionSetArn);
    if (!permissionSet || instanceIdOf(permissionSetArn) !== instanceIdOf(instanceArn)) {
      throw notFound(`Could not find PermissionSet with arn ${permissionSetArn}`);
    }
    return permissionSet;
  }

  private requireApplication(applicationArn: string): WorldApplication {
    const application = this.world.applications.find((candidate) => candidate.arn === applicationArn);
    if (!application) throw notFound(`Application ${applicationArn} does not exist`);
    return application;
  }

  private newPermissionSetArn(): string {
    const instanceId = instanceIdOf(this.world.instanceArn) ?? 'ssoins-0000000000000000';
    return `arn:aws:sso:::permissionSet/${instanceId}/ps-${randomBytes(8).toString('hex')}`;
  }

  private listInstances(input: JsonObject): JsonObject {
    const instances = [
      {
        InstanceArn: this.world.instanceArn,
        IdentityStoreId: this.world.identityStoreId,
        OwnerAccountId: this.world.ownerAccountId,
        CreatedDate: epochSeconds(this.instanceCreatedAt),
        Status: 'ACTIVE',
      },
    ];
    const { page, nextToken } = this.paginate('ListInstances', instances, input);
    return this.withToken({ Instances: page }, nextToken);
  }

  /** The model lists no ResourceNotFoundException for DescribeInstance: an unknown instance is AccessDenied. */
  private describeInstance(input: JsonObject): JsonObject {
    const instanceArn = str(input, 'InstanceArn');
    if (instanceArn !== this.world.instanceArn) {
      throw new ServiceError(
        'AccessDeniedException',
        `Instance ${instanceArn} does not exist or is not yours`,
      );
    }
    return {
      InstanceArn: this.world.instanceArn,
      IdentityStoreId: this.world.identityStoreId,
      OwnerAccountId: this.world.ownerAccountId,
      CreatedDate: epochSeconds(this.instanceCreatedAt),
      Status: 'ACTIVE',
    };
  }

  private permissionSetOutput(permissionSet: PermissionSetRecord): JsonObject {
    return {
      Name: permissionSet.name,
      PermissionSetArn: permissionSet.arn,
      CreatedDate: epochSeconds(permissionSet.createdAt),
      ...(permissionSet.description === undefined ? {} : { Description: permissionSet.description }),
      ...(permissionSet.sessionDuration === undefined
        ? {}
        : { SessionDuration: permissionSet.sessionDuration }),
      ...(permissionSet.relayState === undefined ? {} : { RelayState: permissionSet.relayState }),
    };
  }

  private createPermissionSet(input: JsonObject): JsonObject {
    const instanceArn = str(input, 'InstanceArn');
    this.requireInstance(instanceArn);
    const name = str(input, 'Name');
    // Names are unique within an instance; AWS answers a duplicate with ConflictException.
    if (this.permissionSets.some((permissionSet) => permissionSet.name === name)) {
      throw conflict(`PermissionSet with name ${name} already exists.`);
    }
    // Quota errors (ServiceQuotaExceededException) are not modelled from real quotas; inject them with
    // faults.error({ errorName: 'ServiceQuotaExceededException', … }).
    const description = optionalStr(input, 'Description');
    const sessionDuration = optionalStr(input, 'SessionDuration');
    const relayState = optionalStr(input, 'RelayState');
    const record: PermissionSetRecord = {
      name,
      arn: this.newPermissionSetArn(),
      createdAt: this.clock.now(),
      // Sessions last one hour unless set (IAM Identity Center user guide, "Set session duration").
      sessionDuration: sessionDuration ?? 'PT1H',
      ...(description === undefined ? {} : { description }),
      ...(relayState === undefined ? {} : { relayState }),
    };
    this.permissionSets.push(record);
    return { PermissionSet: this.permissionSetOutput(record) };
  }

  private describePermissionSet(input: JsonObject): JsonObject {
    const permissionSet = this.requirePermissionSet(
      str(input, 'InstanceArn'),
      str(input, 'PermissionSetArn'),
    );
    return { PermissionSet: this.permissionSetOutput(permissionSet) };
  }

  private listPermissionSets(input: JsonObject): JsonObject {
    this.requireInstance(str(input, 'InstanceArn'));
    const arns = this.permissionSets.map((permissionSet) => permissionSet.arn);
    const { page, nextToken } = this.paginate('ListPermissionSets', arns, input);
    return this.withToken({ PermissionSets: page }, nextToken);
  }

  private deletePermissionSet(input: JsonObject): JsonObject {
    const permissionSet = this.requirePermissionSet(
      str(input, 'InstanceArn'),
      str(input, 'PermissionSetArn'),
    );
    // AWS refuses to delete a permission set that is still provisioned to accounts; terraform-provider-aws
    // issue #26757 quotes "ConflictException: Could not delete because PermissionSet has ApplicationProfile
    // associated with it".
    const provisioned = this.accountAssignments.some(
      (assignment) => assignment.permissionSetArn === permissionSet.arn,
    );
    if (provisioned) {
      throw conflict('Could not delete because PermissionSet has ApplicationProfile associated with it');
    }
    this.permissionSets = this.permissionSets.filter((candidate) => candidate.arn !== permissionSet.arn);
    return {};
  }

  private operationOutput(operation: AssignmentOperationRecord): JsonObject {
    return {
      Status: operation.status,
      RequestId: operation.requestId,
      TargetId: operation.assignment.targetId,
      TargetType: 'AWS_ACCOUNT',
      PermissionSetArn: operation.assignment.permissionSetArn,
      PrincipalType: operation.assignment.principalType,
      PrincipalId: operation.assignment.principalId,
      CreatedDate: epochSeconds(operation.createdAt),
      ...(operation.failureReason === undefined ? {} : { FailureReason: operation.failureReason }),
    };
  }

  private writeAccountAssignment(kind: 'create' | 'delete', input: JsonObject): JsonObject {
    const instanceArn = str(input, 'InstanceArn');
    const assignment: AssignmentTuple = {
      targetId: str(input, 'TargetId'),
      permissionSetArn: str(input, 'PermissionSetArn'),
      principalType: principalTypeOf(input),
      principalId: str(input, 'PrincipalId'),
    };
    this.requirePermissionSet(instanceArn, assignment.permissionSetArn);
    const operationName = kind === 'create' ? 'CreateAccountAssignment' : 'DeleteAccountAssignment';
    if (this.faults.takeConflict(operationName, assignment)) {
      // The model documents ConflictException as "a conflict with a previous successful write … did not have
      // time to propagate"; callers are expected to retry with backoff.
      throw conflict('A conflict with a previous write was detected. Retry the request with backoff.');
    }
    // "The write API operations have a limit of 15 outstanding asynchronous calls. This limit cannot be
    // increased." (Throttle limits, https://docs.aws.amazon.com/IAM/latest/UserGuide/aam-quotas.html)
    const outstanding = [...this.creations, ...this.deletions].filter(
      (operation) => operation.status === 'IN_PROGRESS',
    );
    if (outstanding.length >= this.settings.maxOutstandingAsyncWrites) {
      throw throttled('Rate exceeded: too many outstanding asynchronous write operations');
    }
    const now = this.clock.now();
    const forcedFailureReason = this.faults.takeFailure(operationName, assignment);
    const operation: AssignmentOperationRecord = {
      kind,
      requestId: randomUUID(),
      assignment,
      status: 'IN_PROGRESS',
      createdAt: now,
      completesAt: now + this.settings.provisioningMs,
      ...(forcedFailureReason === undefined ? {} : { forcedFailureReason }),
    };
    (kind === 'create' ? this.creations : this.deletions).push(operation);
    // The response always reports IN_PROGRESS, even with a zero provisioning time: completion is observed
    // through Describe…Status, as with AWS.
    const output = this.operationOutput(operation);
    return kind === 'create'
      ? { AccountAssignmentCreationStatus: output }
      : { AccountAssignmentDeletionStatus: output };
  }

  private describeOperation(kind: 'create' | 'delete', input: JsonObject): JsonObject {
    this.requireInstance(str(input, 'InstanceArn'));
    const requestId =
      kind === 'create'
        ? str(input, 'AccountAssignmentCreationRequestId')
        : str(input, 'AccountAssignmentDeletionRequestId');
    const operation = (kind === 'create' ? this.creations : this.deletions).find(
      (candidate) => candidate.requestId === requestId,
    );
    if (!operation) throw notFound(`Request ID ${requestId} does not exist`);
    const output = this.operationOutput(operation);
    return kind === 'create'
      ? { AccountAssignmentCreationStatus: output }
      : { AccountAssignmentDeletionStatus: output };
  }

  private listOperations(kind: 'create' | 'delete', input: JsonObject): JsonObject {
    this.requireInstance(str(input, 'InstanceArn'));
    const statusFilter = optionalStr(subObject(input, 'Filter'), 'Status');
    const operations = (kind === 'create' ? this.creations : this.deletions)
      .filter((operation) => statusFilter === undefined || operation.status === statusFilter)
      .map((operation) => ({
        Status: operation.status,
        RequestId: operation.requestId,
        CreatedDate: epochSeconds(operation.createdAt),
      }));
    const operationName =
      kind === 'create' ? 'ListAccountAssignmentCreationStatus' : 'ListAccountAssignmentDeletionStatus';
    const { page, nextToken } = this.paginate(operationName, operations, input);
    return this.withToken(
      kind === 'create'
        ? { AccountAssignmentsCreationStatus: page }
        : { AccountAssignmentsDeletionStatus: page },
      nextToken,
    );
  }

  private assignmentOutput(assignment: AssignmentTuple): JsonObject {
    return {
      AccountId: assignment.targetId,
      PermissionSetArn: assignment.permissionSetArn,
      PrincipalType: assignment.principalType,
      PrincipalId: assignment.principalId,
    };
  }

  private listAccountAssignments(input: JsonObject): JsonObject {
    const permissionSetArn = str(input, 'PermissionSetArn');
    this.requirePermissionSet(str(input, 'InstanceArn'), permissionSetArn);
    const accountId = str(input, 'AccountId');
    const assignments = this.accountAssignments
      .filter(
        (assignment) => assignment.targetId === accountId && assignment.permissionSetArn === permissionSetArn,
      )
      .map((assignment) => this.assignmentOutput(assignment));
    const { page, nextToken } = this.paginate('ListAccountAssignments', assignments, input);
    return this.withToken({ AccountAssignments: page }, nextToken);
  }

  private listAccountAssignmentsForPrincipal(input: JsonObject): JsonObject {
    this.requireInstance(str(input, 'InstanceArn'));
    const principalId = str(input, 'PrincipalId');
    const principalType = principalTypeOf(input);
    const accountFilter = optionalStr(subObject(input, 'Filter'), 'AccountId');
    const assignments = this.accountAssignments
      .filter(
        (assignment) =>
          assignment.principalId === principalId &&
          assignment.principalType === principalType &&
          (accountFilter === undefined || assignment.targetId === accountFilter),
      )
      .map((assignment) => this.assignmentOutput(assignment));
    const { page, nextToken } = this.paginate('ListAccountAssignmentsForPrincipal', assignments, input);
    return this.withToken({ AccountAssignments: page }, nextToken);
  }

  /**
   * Where a permission set is provisioned. Modelled simply: CreateAccountAssignment provisions the permission set
   * to the account (API reference, CreateAccountAssignment note), and it stays provisioned while at least one
   * assignment of it remains in that account. Provisioned copies are always the latest version, so the
   * LATEST_PERMISSION_SET_NOT_PROVISIONED filter returns nothing.
   */
  private provisionedPairs(): { accountId: string; permissionSetArn: string }[] {
    const pairs: { accountId: string; permissionSetArn: string }[] = [];
    // A set of seen pairs keeps this linear: the LIST bench walks 25,000 pairs.
    const seen = new Set<string>();
    for (const assignment of this.accountAssignments) {
      const key = `${assignment.targetId} ${assignment.permissionSetArn}`;
      if (!seen.has(key)) {
        seen.add(key);
        pairs.push({ accountId: assignment.targetId, permissionSetArn: assignment.permissionSetArn });
      }
    }
    return pairs;
  }

  private listAccountsForProvisionedPermissionSet(input: JsonObject): JsonObject {
    const permissionSetArn = str(input, 'PermissionSetArn');
    this.requirePermissionSet(str(input, 'InstanceArn'), permissionSetArn);
    const accounts =
      input.ProvisioningStatus === 'LATEST_PERMISSION_SET_NOT_PROVISIONED'
        ? []
        : this.provisionedPairs()
            .filter((pair) => pair.permissionSetArn === permissionSetArn)
            .map((pair) => pair.accountId);
    const { page, nextToken } = this.paginate('ListAccountsForProvisionedPermissionSet', accounts, input);
    return this.withToken({ AccountIds: page }, nextToken);
  }

  private listPermissionSetsProvisionedToAccount(input: JsonObject): JsonObject {
    this.requireInstance(str(input, 'InstanceArn'));
    const accountId = str(input, 'AccountId');
    const permissionSets =
      input.ProvisioningStatus === 'LATEST_PERMISSION_SET_NOT_PROVISIONED'
        ? []
        : this.provisionedPairs()
            .filter((pair) => pair.accountId === accountId)
            .map((pair) => pair.permissionSetArn);
    const { page, nextToken } = this.paginate(
      'ListPermissionSetsProvisionedToAccount',
      permissionSets,
      input,
    );
    return this.withToken({ PermissionSets: page }, nextToken);
  }

  private applicationAssignmentOf(input: JsonObject): ApplicationAssignmentRecord {
    return {
      applicationArn: str(input, 'ApplicationArn'),
      principalType: principalTypeOf(input),
      principalId: str(input, 'PrincipalId'),
    };
  }

  /**
   * Application assignments are synchronous: the API reference answers CreateApplicationAssignment and
   * DeleteApplicationAssignment with an empty HTTP 200 and has no status operation.
   */
  private createApplicationAssignment(input: JsonObject): JsonObject {
    const assignment = this.applicationAssignmentOf(input);
    this.requireApplication(assignment.applicationArn);
    const principals = assignment.principalType === 'USER' ? this.world.users : this.world.groups;
    if (!principals.some((principal) => principal.id === assignment.principalId)) {
      throw notFound(`Principal ${assignment.principalId} does not exist`);
    }
    // Creating an assignment that already exists succeeds without a duplicate. The model's ConflictException
    // is documented as a race with "a previous successful write [that] did not have time to propagate", not
    // as "already exists", so a repeated create is not a conflict.
    this.addApplicationAssignment(assignment);
    return {};
  }

  private deleteApplicationAssignment(input: JsonObject): JsonObject {
    const assignment = this.applicationAssignmentOf(input);
    this.requireApplication(assignment.applicationArn);
    // A deprovisioned principal's assignment stays listed and cannot be deleted, as with account assignments
    // (FAILURE_REASONS.assigneeNotInDirectory). The synchronous API answers it as ResourceNotFoundException; AWS
    // does not document this case, so the emulator assumes the account-assignment behaviour carries over.
    if (!this.principalExists(assignment)) {
      throw notFound(FAILURE_REASONS.assigneeNotInDirectory(assignment, this.world.identityStoreId));
    }
    // Deleting a missing assignment: ResourceNotFoundException (in the model's errors for this operation).
    if (!this.removeApplicationAssignment(assignment)) {
      throw notFound(`Application assignment for principal ${assignment.principalId} does not exist`);
    }
    return {};
  }

  private describeApplicationAssignment(input: JsonObject): JsonObject {
    const assignment = this.applicationAssignmentOf(input);
    this.requireApplication(assignment.applicationArn);
    const existing = this.applicationAssignments.find((candidate) =>
      sameApplicationAssignment(candidate, assignment),
    );
    if (!existing)
      throw notFound(`Application assignment for principal ${assignment.principalId} does not exist`);
    return {
      ApplicationArn: existing.applicationArn,
      PrincipalType: existing.principalType,
      PrincipalId: existing.principalId,
    };
  }

  private applicationAssignmentOutput(assignment: ApplicationAssignmentRecord): JsonObject {
    return {
      ApplicationArn: assignment.applicationArn,
      PrincipalType: assignment.principalType,
      PrincipalId: assignment.principalId,
    };
  }

  private listApplicationAssignments(input: JsonObject): JsonObject {
    const applicationArn = str(input, 'ApplicationArn');
    this.requireApplication(applicationArn);
    const assignments = this.applicationAssignments
      .filter((assignment) => assignment.applicationArn === applicationArn)
      .map((assignment) => this.applicationAssignmentOutput(assignment));
    const { page, nextToken } = this.paginate('ListApplicationAssignments', assignments, input);
    return this.withToken({ ApplicationAssignments: page }, nextToken);
  }

  private listApplicationAssignmentsForPrincipal(input: JsonObject): JsonObject {
    this.requireInstance(str(input, 'InstanceArn'));
    const principalId = str(input, 'PrincipalId');
    const principalType = principalTypeOf(input);
    const applicationFilter = optionalStr(subObject(input, 'Filter'), 'ApplicationArn');
    const assignments = this.applicationAssignments
      .filter(
        (assignment) =>
          assignment.principalId === principalId &&
          assignment.principalType === principalType &&
          (applicationFilter === undefined || assignment.applicationArn === applicationFilter),
      )
      .map((assignment) => this.applicationAssignmentOutput(assignment));
    const { page, nextToken } = this.paginate('ListApplicationAssignmentsForPrincipal', assignments, input);
    return this.withToken({ ApplicationAssignments: page }, nextToken);
  }
}

function sameApplicationAssignment(
  left: ApplicationAssignmentRecord,
  right: ApplicationAssignmentRecord,
): boolean {
  return (
    left.applicationArn === right.applicationArn &&
    left.principalType === right.principalType &&
    left.principalId === right.principalId
  );
}

/** The typed state API: read the emulated world, seed it, and change it out of band (behind the API's back). */
import { isKmsKeyProblem, type KmsKeyProblem } from './errors';
import { parseAssignment, type AssignmentTuple, type PrincipalType } from './faults';
import type { AccountSeed, OrganizationsService } from './organizations';
import type {
  ApplicationAssignmentRecord,
  AssignmentOperationRecord,
  PermissionSetRecord,
  SsoAdminService,
} from './service';
import {
  cloneWorld,
  type AccountState,
  type AccountStatus,
  type World,
  type WorldAccount,
  type WorldApplication,
  type WorldOrganizationalUnit,
} from './world';

export interface EmulatorStateSnapshot {
  world: World;
  permissionSets: PermissionSetRecord[];
  accountAssignments: AssignmentTuple[];
  creationStatuses: AssignmentOperationRecord[];
  deletionStatuses: AssignmentOperationRecord[];
  applicationAssignments: ApplicationAssignmentRecord[];
  outstandingAsyncWrites: number;
  /** Why the instance's customer managed KMS key is unusable, if it is. */
  instanceKeyProblem?: KmsKeyProblem;
}

export class EmulatorState {
  constructor(
    private readonly service: SsoAdminService,
    private readonly organizations: OrganizationsService,
  ) {}

  snapshot(): EmulatorStateSnapshot {
    return {
      world: this.world(),
      permissionSets: this.permissionSets(),
      accountAssignments: this.accountAssignments(),
      creationStatuses: this.creationStatuses(),
      deletionStatuses: this.deletionStatuses(),
      applicationAssignments: this.applicationAssignments(),
      outstandingAsyncWrites: this.outstandingAsyncWrites(),
      ...(this.service.currentInstanceKeyProblem === undefined
        ? {}
        : { instanceKeyProblem: this.service.currentInstanceKeyProblem }),
    };
  }

  /**
   * The current world (a copy): instance, users, groups, accounts with their status, state and parent, the
   * organisation's root and OUs, applications.
   */
  world(): World {
    return cloneWorld(this.service.currentWorld);
  }

  permissionSets(): PermissionSetRecord[] {
    return this.service.listPermissionSetRecords();
  }

  /** Assignments that exist now (SUCCEEDED creations, minus SUCCEEDED deletions and out-of-band removals). */
  accountAssignments(): AssignmentTuple[] {
    return this.service.listAccountAssignmentRecords();
  }

  creationStatuses(): AssignmentOperationRecord[] {
    return this.service.listOperationRecords('create');
  }

  deletionStatuses(): AssignmentOperationRecord[] {
    return this.service.listOperationRecords('delete');
  }

  applicationAssignments(): ApplicationAssignmentRecord[] {
    return this.service.listApplicationAssignmentRecords();
  }

  outstandingAsyncWrites(): number {
    return this.service.outstandingAsyncWrites();
  }

  addPermissionSet(permissionSet: {
    name: string;
    arn?: string;
    description?: string;
    sessionDuration?: string;
  }): PermissionSetRecord {
    return this.service.addPermissionSet(permissionSet);
  }

  /** Seeds an existing (already provisioned) account assignment. */
  addAccountAssignment(assignment: AssignmentTuple): void {
    this.service.addAccountAssignment(assignment);
  }

  addApplicationAssignment(assignment: ApplicationAssignmentRecord): void {
    this.service.addApplicationAssignment(assignment);
  }

  addUser(user: { id: string; name: string }): void {
    this.service.addUser(user);
  }

  addGroup(group: { id: string; name: string }): void {
    this.service.addGroup(group);
  }

  /**
   * Adds an account to the organisation (replacing one with its ID): ACTIVE, under the root and CREATED now
   * unless the seed says otherwise. Returns it.
   */
  addAccount(account: AccountSeed): WorldAccount {
    return this.organizations.addAccount(account);
  }

  /** Adds an OU under the root or an OU (as CreateOrganizationalUnit); its ID is generated unless given. */
  addOrganizationalUnit(unit: { name: string; parentId: string; id?: string }): WorldOrganizationalUnit {
    return this.organizations.addOrganizationalUnit(unit);
  }

  /** Moves an account to the root or another OU (as MoveAccount). Returns whether it moved. */
  moveAccount(accountId: string, destinationParentId: string): boolean {
    return this.organizations.moveAccount(accountId, destinationParentId);
  }

  addApplication(application: WorldApplication): void {
    this.service.addApplication(application);
  }

  /** Out-of-band delete of an account assignment (as if someone used the console). Returns whether it existed. */
  removeAccountAssignment(assignment: AssignmentTuple): boolean {
    return this.service.removeAccountAssignment(assignment);
  }

  /** Out-of-band delete of a permission set and its assignments. Returns whether it existed. */
  removePermissionSet(permissionSetArn: string): boolean {
    return this.service.removePermissionSet(permissionSetArn);
  }

  removeApplicationAssignment(assignment: ApplicationAssignmentRecord): boolean {
    return this.service.removeApplicationAssignment(assignment);
  }

  /**
   * Deletes a user or group from the identity store (as SCIM deprovisioning does): its assignments stay
   * listed, and deleting them fails. Returns whether it existed.
   */
  removePrincipal(principalType: PrincipalType, principalId: string): boolean {
    return this.service.removePrincipal(principalType, principalId);
  }

  /**
   * Renames a user (its UserName) or group (its DisplayName) in the identity store, as an edit at the IdP does;
   * its ID and assignments stay. Returns whether it existed.
   */
  renamePrincipal(principalType: PrincipalType, principalId: string, name: string): boolean {
    return this.service.renamePrincipal(principalType, principalId, name);
  }

  /** Makes the instance's customer managed KMS key unusable for the given reason; undefined restores it. */
  setInstanceKeyProblem(problem: KmsKeyProblem | undefined): void {
    this.service.setInstanceKeyProblem(problem);
  }

  suspendAccount(accountId: string): void {
    this.organizations.setAccountState(accountId, 'SUSPENDED');
  }

  /** Sets an account's Status; its State is the same value (each Status value is also a State). */
  setAccountStatus(accountId: string, status: AccountStatus): void {
    this.organizations.setAccountState(accountId, status);
  }

  /**
   * Sets an account's State (e.g. PENDING_CLOSURE then CLOSED, as CloseAccount does); its Status follows
   * (statusOfState: CLOSED reports SUSPENDED).
   */
  setAccountState(accountId: string, state: AccountState): void {
    this.organizations.setAccountState(accountId, state);
  }
}

/** The wire form of a state change for `POST /__emulator/state`. */
export type StateMutation =
  | { action: 'removeAccountAssignment'; assignment: AssignmentTuple }
  | { action: 'addAccountAssignment'; assignment: AssignmentTuple }
  | { action: 'removePermissionSet'; permissionSetArn: string }
  | { action: 'suspendAccount'; accountId: string }
  | { action: 'setAccountStatus'; accountId: string; status: AccountStatus }
  | { action: 'setAccountState'; accountId: string; state: AccountState }
  | { action: 'moveAccount'; accountId: string; parentId: string }
  | { action: 'addAccount'; account: AccountSeed }
  | { action: 'addOrganizationalUnit'; unit: { name: string; parentId: string; id?: string } }
  | { action: 'renamePrincipal'; principalType: PrincipalType; principalId: string; name: string }
  | { action: 'addApplicationAssignment'; assignment: ApplicationAssignmentRecord }
  | { action: 'removeApplicationAssignment'; assignment: ApplicationAssignmentRecord }
  | { action: 'removePrincipal'; principalType: PrincipalType; principalId: string }
  | { action: 'setInstanceKeyProblem'; problem: KmsKeyProblem | null };

const ACCOUNT_STATES: readonly AccountState[] = [
  'PENDING_ACTIVATION',
  'ACTIVE',
  'SUSPENDED',
  'PENDING_CLOSURE',
  'CLOSED',
];

function isAccountState(value: unknown): value is AccountState {
  return ACCOUNT_STATES.some((state) => state === value);
}

function isAccountStatus(value: unknown): value is AccountStatus {
  return value === 'ACTIVE' || value === 'SUSPENDED' || value === 'PENDING_CLOSURE';
}

function parseAccountSeed(value: unknown): AccountSeed | string {
  const problem = 'addAccount needs account {id, name, state?, status?, parentId?, email?, joinedMethod?}';
  if (typeof value !== 'object' || value === null) return problem;
  const { id, name, state, status, parentId, email, joinedMethod } = value as Record<string, unknown>;
  if (typeof id !== 'string' || typeof name !== 'string') return problem;
  if (state !== undefined && !isAccountState(state)) return problem;
  if (status !== undefined && !isAccountStatus(status)) return problem;
  if (parentId !== undefined && typeof parentId !== 'string') return problem;
  if (email !== undefined && typeof email !== 'string') return problem;
  if (joinedMethod !== undefined && joinedMethod !== 'INVITED' && joinedMethod !== 'CREATED') return problem;
  return {
    id,
    name,
    ...(state === undefined ? {} : { state }),
    ...(status === undefined ? {} : { status }),
    ...(parentId === undefined ? {} : { parentId }),
    ...(email === undefined ? {} : { email }),
    ...(joinedMethod === undefined ? {} : { joinedMethod }),
  };
}

function parseApplicationAssignment(value: unknown): ApplicationAssignmentRecord | string {
  if (typeof value !== 'object' || value === null) return 'assignment must be an object';
  const { applicationArn, principalType, principalId } = value as Record<string, unknown>;
  if (
    typeof applicationArn !== 'string' ||
    (principalType !== 'USER' && principalType !== 'GROUP') ||
    typeof principalId !== 'string'
  ) {
    return 'assignment must be {applicationArn, principalType: USER|GROUP, principalId}';
  }
  return { applicationArn, principalType, principalId };
}

/** Narrows untrusted JSON from the admin route to a StateMutation, or explains what is wrong. */
export function parseStateMutation(value: unknown): StateMutation | string {
  if (typeof value !== 'object' || value === null) return 'The body must be a JSON object';
  const record = value as Record<string, unknown>;
  switch (record.action) {
    case 'removeAccountAssignment':
    case 'addAccountAssignment': {
      const assignment = parseAssignment(record.assignment);
      return typeof assignment === 'string' ? assignment : { action: record.action, assignment };
    }
    case 'removePermissionSet':
      return typeof record.permissionSetArn === 'string'
        ? { action: 'removePermissionSet', permissionSetArn: record.permissionSetArn }
        : 'removePermissionSet needs permissionSetArn';
    case 'suspendAccount':
      return typeof record.accountId === 'string'
        ? { action: 'suspendAccount', accountId: record.accountId }
        : 'suspendAccount needs accountId';
    case 'setAccountStatus':
      return typeof record.accountId === 'string' && isAccountStatus(record.status)
        ? { action: 'setAccountStatus', accountId: record.accountId, status: record.status }
        : 'setAccountStatus needs accountId and status ACTIVE|SUSPENDED|PENDING_CLOSURE';
    case 'setAccountState':
      return typeof record.accountId === 'string' && isAccountState(record.state)
        ? { action: 'setAccountState', accountId: record.accountId, state: record.state }
        : `setAccountState needs accountId and state ${ACCOUNT_STATES.join('|')}`;
    case 'moveAccount':
      return typeof record.accountId === 'string' && typeof record.parentId === 'string'
        ? { action: 'moveAccount', accountId: record.accountId, parentId: record.parentId }
        : 'moveAccount needs accountId and parentId';
    case 'addAccount': {
      const account = parseAccountSeed(record.account);
      return typeof account === 'string' ? account : { action: 'addAccount', account };
    }
    case 'addOrganizationalUnit': {
      const unit =
        typeof record.unit === 'object' && record.unit !== null
          ? (record.unit as Record<string, unknown>)
          : {};
      return typeof unit.name === 'string' &&
        typeof unit.parentId === 'string' &&
        (unit.id === undefined || typeof unit.id === 'string')
        ? {
            action: 'addOrganizationalUnit',
            unit: {
              name: unit.name,
              parentId: unit.parentId,
              ...(unit.id === undefined ? {} : { id: unit.id }),
            },
          }
        : 'addOrganizationalUnit needs unit {name, parentId, id?}';
    }
    case 'renamePrincipal':
      return (record.principalType === 'USER' || record.principalType === 'GROUP') &&
        typeof record.principalId === 'string' &&
        typeof record.name === 'string'
        ? {
            action: 'renamePrincipal',
            principalType: record.principalType,
            principalId: record.principalId,
            name: record.name,
          }
        : 'renamePrincipal needs principalType USER|GROUP, principalId and name';
    case 'addApplicationAssignment':
    case 'removeApplicationAssignment': {
      const assignment = parseApplicationAssignment(record.assignment);
      return typeof assignment === 'string' ? assignment : { action: record.action, assignment };
    }
    case 'removePrincipal':
      return (record.principalType === 'USER' || record.principalType === 'GROUP') &&
        typeof record.principalId === 'string'
        ? { action: 'removePrincipal', principalType: record.principalType, principalId: record.principalId }
        : 'removePrincipal needs principalType USER|GROUP and principalId';
    case 'setInstanceKeyProblem':
      return record.problem === null || isKmsKeyProblem(record.problem)
        ? { action: 'setInstanceKeyProblem', problem: record.problem }
        : 'setInstanceKeyProblem needs problem: missing|disabled|invalid-state|invalid-key-usage|access-denied|throttled, or null';
    default:
      return (
        'action must be one of removeAccountAssignment, addAccountAssignment, removePermissionSet, suspendAccount, ' +
        'setAccountStatus, setAccountState, moveAccount, addAccount, addOrganizationalUnit, ' +
        'addApplicationAssignment, removeApplicationAssignment, removePrincipal, renamePrincipal, ' +
        'setInstanceKeyProblem'
      );
  }
}

/** Applies a state change given in its wire form; returns whether something changed where that applies. */
export function applyStateMutation(
  state: EmulatorState,
  mutation: StateMutation,
): { changed: boolean; created?: WorldAccount | WorldOrganizationalUnit } {
  switch (mutation.action) {
    case 'removeAccountAssignment':
      return { changed: state.removeAccountAssignment(mutation.assignment) };
    case 'addAccountAssignment':
      state.addAccountAssignment(mutation.assignment);
      return { changed: true };
    case 'removePermissionSet':
      return { changed: state.removePermissionSet(mutation.permissionSetArn) };
    case 'suspendAccount':
      state.suspendAccount(mutation.accountId);
      return { changed: true };
    case 'setAccountStatus':
      state.setAccountStatus(mutation.accountId, mutation.status);
      return { changed: true };
    case 'setAccountState':
      state.setAccountState(mutation.accountId, mutation.state);
      return { changed: true };
    case 'moveAccount':
      return { changed: state.moveAccount(mutation.accountId, mutation.parentId) };
    case 'addAccount':
      return { changed: true, created: state.addAccount(mutation.account) };
    case 'addOrganizationalUnit':
      return { changed: true, created: state.addOrganizationalUnit(mutation.unit) };
    case 'renamePrincipal':
      return {
        changed: state.renamePrincipal(mutation.principalType, mutation.principalId, mutation.name),
      };
    case 'addApplicationAssignment':
      state.addApplicationAssignment(mutation.assignment);
      return { changed: true };
    case 'removeApplicationAssignment':
      return { changed: state.removeApplicationAssignment(mutation.assignment) };
    case 'removePrincipal':
      return { changed: state.removePrincipal(mutation.principalType, mutation.principalId) };
    case 'setInstanceKeyProblem':
      state.setInstanceKeyProblem(mutation.problem ?? undefined);
      return { changed: true };
  }
}

/**
 * SSO Admin emulator: a loopback HTTP server speaking the AWS JSON 1.1 protocol of SSO Admin, the Identity Store
 * and Organizations, for tests and manual runs with the unmodified SDK clients (point `endpoint` or
 * AWS_ENDPOINT_URL_SSO_ADMIN / _IDENTITYSTORE / _ORGANIZATIONS at it); and the assignment group's state table,
 * served by dynalite (AWS_ENDPOINT_URL_DYNAMODB).
 */
export { startEmulator, DEFAULTS, EMULATED_OPERATIONS } from './server';
export type { ApiCallRecord, EmulatedOperation, EmulatorOptions, RunningEmulator } from './server';
export { DEFAULT_WORLD, ACCOUNT_OUTSIDE_ORGANIZATION, UNKNOWN_PRINCIPAL_ID } from './world';
export { statusOfState, unitsBelow } from './world';
export type {
  AccountJoinedMethod,
  AccountState,
  AccountStatus,
  World,
  WorldAccount,
  WorldApplication,
  WorldOrganization,
  WorldOrganizationalUnit,
  WorldPermissionSet,
  WorldPrincipal,
} from './world';
export { FaultController } from './faults';
export type {
  AccountAssignmentWriteOperation,
  AssignmentTuple,
  ConflictFault,
  EmptyPageFault,
  ErrorFault,
  FailNextWriteFault,
  FaultRequest,
  FaultSnapshot,
  PrincipalType,
  ServerErrorFault,
  ThrottleFault,
} from './faults';
export { EmulatorState } from './state';
export type { EmulatorStateSnapshot, StateMutation } from './state';
export { FAILURE_REASONS } from './service';
export type {
  ApplicationAssignmentRecord,
  AssignmentOperationRecord,
  PermissionSetRecord,
  StatusValue,
} from './service';
export type { Clock } from './rate-limit';
export { KMS_KEY_PROBLEMS, ORGANIZATIONS_ERRORS } from './errors';
export type { ErrorName, KmsKeyProblem, ModelledErrorName, OrganizationsErrorName } from './errors';
export { IDENTITY_STORE_OPERATIONS } from './identity-store';
export { ORGANIZATIONS_OPERATIONS } from './organizations';
export type { AccountSeed, OrganizationsOperation } from './organizations';
export type { EmulatedService } from './model';
export {
  EMULATED_ENDPOINT_VARIABLES,
  STATE_TABLE_ENDPOINT_VARIABLE,
  endpointEnvironment,
  pointSdkAt,
} from './environment';
export type { EmulatedEndpointVariable, EndpointEnvironment } from './environment';
export { clearStateTable, createStateTable, startStateTable, stateTableClient } from './state-table';
export type { RunningStateTable, StateTableOptions } from './state-table';
export { startLocalServices } from './services';
export type { LocalServices, LocalServicesOptions } from './services';

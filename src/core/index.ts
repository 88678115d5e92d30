// What a resource type builds on: the handler skeleton and its hook types, and the helpers type hooks call.
// Types import from here only; core's own files and its unit tests import each other directly.
export { defineResourceType } from './resource-type';
export type {
  Clients,
  ResourceTypeHandlers,
  ResourceTypeHooks,
  WriteRequest,
  WriteRunner,
  WriteSet,
} from './resource-type';
export type { WriteProgress } from './callback-context';
export type { Progress } from './guard';
export type { WriteKind } from './write-machine';
export type { SubmittedWrite, WriteHooks } from './write-machine';
export type { RequestStatus } from './stabilizer';
export { errorMessage, isErrorNamed, isResourceAbsent } from './errors';
export { clientCache, commonClientConfig, nameFailedActions } from './client';
export { identityStoreIdOf, instanceArnOfApplication, isPrincipalType, principalExists } from './principals';
export type { PrincipalRef } from './principals';
export { isRecord } from './records';
export { ABSENT, invalidPosition, LIST_PAGE, listCall, optionalSsoToken, PageBudget } from './list-pages';
export type { Listing, ListFilterValues } from './list-pages';
export {
  creationStatus,
  deletionStatus,
  describeWriteRequest,
  requestCreation,
  requestDeletion,
} from './account-assignment-writes';
export type { AccountAssignmentKey } from './account-assignment-writes';

import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import {
  creationStatus,
  defineResourceType,
  deletionStatus,
  isPrincipalType,
  isResourceAbsent,
  Listing,
  requestCreation,
  requestDeletion,
} from '../core';
import {
  AssignmentKey,
  AssignmentListCursor,
  ASSIGNMENT_LISTING,
  assignmentCursorReader,
  findAccountAssignment,
  keyFromAssignment,
  listAccountAssignments,
  ListFilter,
  listFilterValues,
} from './account-assignments';
import { ResourceModel, TypeConfigurationModel } from './models';
import { validateIdentifier, validateList, validateModel } from './validators';

export function modelFromKey(key: AssignmentKey): ResourceModel {
  return ResourceModel.deserialize({
    InstanceArn: key.instanceArn,
    PermissionSetArn: key.permissionSetArn,
    PrincipalId: key.principalId,
    PrincipalType: key.principalType,
    TargetId: key.targetId,
    TargetType: key.targetType,
  });
}

/** Reads the assignment back from SSO Admin; undefined when it is absent (or its permission set is gone). */
async function readBack(client: SSOAdminClient, key: AssignmentKey): Promise<AssignmentKey | undefined> {
  try {
    const found = await findAccountAssignment(client, key);
    return found ? keyFromAssignment(key.instanceArn, found) : undefined;
  } catch (error: unknown) {
    // A deleted permission set or instance takes its assignments with it; a KMS Reason is not absence.
    if (isResourceAbsent(error)) return undefined;
    throw error;
  }
}

const handlers = defineResourceType({
  model: ResourceModel,
  typeConfiguration: TypeConfigurationModel,
  validators: { model: validateModel, identifier: validateIdentifier, list: validateList },
  plural: 'account assignments',
  keyFromModel: (model): AssignmentKey | undefined => {
    const { instanceArn, permissionSetArn, principalId, principalType, targetId, targetType } = model;
    const complete = instanceArn && permissionSetArn && principalId && targetId;
    if (!complete || !isPrincipalType(principalType) || targetType !== 'AWS_ACCOUNT') return undefined;
    return { instanceArn, permissionSetArn, principalId, principalType, targetId, targetType };
  },
  modelFromKey,
  identifier: (key) => [
    key.instanceArn,
    key.targetId,
    key.targetType,
    key.permissionSetArn,
    key.principalType,
    key.principalId,
  ],
  principalOf: (key) => key,
  find: (clients, key) => readBack(clients.ssoAdmin, key),
  listing: (clients, properties): Listing<AssignmentListCursor, AssignmentKey> => {
    // Schema validation in the entrypoint requires InstanceArn (the list handlerSchema).
    const filter: ListFilter = {
      instanceArn: properties?.instanceArn ?? '',
      permissionSetArn: properties?.permissionSetArn ?? undefined,
      targetId: properties?.targetId ?? undefined,
    };
    return {
      kind: ASSIGNMENT_LISTING,
      filter: listFilterValues(filter),
      readCursor: assignmentCursorReader(filter),
      walk: (from, budget) => listAccountAssignments(clients.ssoAdmin, filter, from, budget),
    };
  },
  writes: ({ ssoAdmin }) => ({
    // Asynchronous: each write returns a request to follow with Describe…Status.
    // CreateAccountAssignment is accepted for an existing assignment without storing a duplicate, so a
    // re-sent submit is safe.
    create: {
      mode: 'asynchronous',
      operation: 'CreateAccountAssignment',
      submit: (key) => requestCreation(ssoAdmin, key),
      status: (key, requestId) => creationStatus(ssoAdmin, key.instanceArn, requestId),
    },
    delete: {
      mode: 'asynchronous',
      operation: 'DeleteAccountAssignment',
      submit: (key) => requestDeletion(ssoAdmin, key),
      status: (key, requestId) => deletionStatus(ssoAdmin, key.instanceArn, requestId),
    },
  }),
});

export const { resource, entrypoint, testEntrypoint } = handlers;

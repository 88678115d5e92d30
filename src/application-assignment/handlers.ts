import {
  defineResourceType,
  instanceArnOfApplication,
  isPrincipalType,
  isResourceAbsent,
  Listing,
} from '../core';
import {
  ApplicationAssignmentKey,
  ApplicationAssignmentListCursor,
  APPLICATION_ASSIGNMENT_LISTING,
  applicationFilterValues,
  createApplicationAssignment,
  deleteApplicationAssignment,
  describeApplicationAssignment,
  listApplicationAssignments,
  readApplicationAssignmentCursor,
} from './application-assignments';
import { ResourceModel, TypeConfigurationModel } from './models';
import { validateIdentifier, validateList, validateModel } from './validators';

export function modelFromKey(key: ApplicationAssignmentKey): ResourceModel {
  return ResourceModel.deserialize({
    ApplicationArn: key.applicationArn,
    PrincipalId: key.principalId,
    PrincipalType: key.principalType,
  });
}

const handlers = defineResourceType({
  model: ResourceModel,
  typeConfiguration: TypeConfigurationModel,
  validators: { model: validateModel, identifier: validateIdentifier, list: validateList },
  plural: 'application assignments',
  keyFromModel: (model): ApplicationAssignmentKey | undefined => {
    const { applicationArn, principalId, principalType } = model;
    if (!applicationArn || !principalId || !isPrincipalType(principalType)) return undefined;
    return { applicationArn, principalType, principalId };
  },
  modelFromKey,
  identifier: (key) => [key.applicationArn, key.principalType, key.principalId],
  principalOf: (key) => ({ ...key, instanceArn: instanceArnOfApplication(key.applicationArn) }),
  find: (clients, key) => describeApplicationAssignment(clients.ssoAdmin, key),
  listing: (clients, properties): Listing<ApplicationAssignmentListCursor, ApplicationAssignmentKey> => {
    // Schema validation in the entrypoint requires ApplicationArn (the list handlerSchema).
    const applicationArn = properties?.applicationArn ?? '';
    return {
      kind: APPLICATION_ASSIGNMENT_LISTING,
      filter: applicationFilterValues(applicationArn),
      readCursor: readApplicationAssignmentCursor,
      walk: (from, budget) => listApplicationAssignments(clients.ssoAdmin, applicationArn, from, budget),
    };
  },
  // Synchronous: the API gives CreateApplicationAssignment and DeleteApplicationAssignment an empty response
  // (no request to follow), so the outcome is read back with DescribeApplicationAssignment.
  writes: ({ ssoAdmin }) => ({
    create: {
      mode: 'synchronous',
      operation: 'CreateApplicationAssignment',
      readOperation: 'DescribeApplicationAssignment',
      // The SSO Admin model lists no "already exists" error for CreateApplicationAssignment; its
      // ConflictException is a propagation race, retried as such.
      submit: (key) => createApplicationAssignment(ssoAdmin, key),
      resubmitAfterChecks: 3,
    },
    delete: {
      mode: 'synchronous',
      operation: 'DeleteApplicationAssignment',
      readOperation: 'DescribeApplicationAssignment',
      submit: async (key) => {
        try {
          await deleteApplicationAssignment(ssoAdmin, key);
        } catch (error: unknown) {
          // Gone between the pre-check and the delete (another actor, or the application was deleted), or its
          // principal was deleted from the identity store: what CloudFormation asked for is true, which the
          // read-back confirms.
          if (!isResourceAbsent(error)) throw error;
        }
      },
      resubmitAfterChecks: 0,
    },
  }),
});

export const { resource, entrypoint, testEntrypoint } = handlers;

// Handler permissions of application assignments: the SSO Admin answers and the request paths that make each
// handler send every command it can (the check itself: test/reliability/support/permissions.ts).
import {
  CreateApplicationAssignmentCommand,
  DeleteApplicationAssignmentCommand,
  DescribeApplicationAssignmentCommand,
  ListApplicationAssignmentsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-sso-admin';
import { resourceType } from '../../dev/types';
import {
  describeHandlerPermissions,
  GROUP_ID,
  type Handler,
  sso,
  type Step,
  stubIdentityStore,
  USER_ID,
} from '../reliability/support/permissions';

const APPLICATION = {
  ApplicationArn: 'arn:aws:sso::111122223333:application/ssoins-72230b9a8e8e8b7a/apl-1a2b3c4d5e6f7a8b',
  PrincipalId: GROUP_ID,
  PrincipalType: 'GROUP',
};

function stubApplicationAssignments(exists: boolean): void {
  sso.reset();
  stubIdentityStore();
  const described = { ...APPLICATION, PrincipalType: 'GROUP' as const };
  if (exists)
    sso
      .on(DescribeApplicationAssignmentCommand)
      .callsFake((input: { PrincipalType?: string; PrincipalId?: string }) => ({ ...described, ...input }));
  else
    sso
      .on(DescribeApplicationAssignmentCommand)
      .rejects(new ResourceNotFoundException({ message: 'no', $metadata: {} }));
  sso.on(CreateApplicationAssignmentCommand).resolves({});
  sso.on(DeleteApplicationAssignmentCommand).resolves({});
  sso.on(ListApplicationAssignmentsCommand).resolves({ ApplicationAssignments: [described] });
}

const APPLICATION_ASSIGNMENT_PATHS: Record<Exclude<Handler, 'update'>, Step[]> = {
  create: [
    { properties: APPLICATION, exists: false },
    { properties: APPLICATION, exists: true },
    {
      properties: APPLICATION,
      context: { version: 1, phase: 'submit', startedAt: Date.now() },
      exists: true,
    },
  ],
  read: [
    { properties: APPLICATION, exists: true },
    {
      properties: { ...APPLICATION, PrincipalType: 'USER', PrincipalId: USER_ID },
      exists: true,
    },
    { properties: APPLICATION, exists: false },
  ],
  delete: [
    { properties: APPLICATION, exists: true },
    { properties: APPLICATION, exists: false },
    {
      properties: APPLICATION,
      context: { version: 1, phase: 'confirm', startedAt: Date.now(), polls: 0 },
      exists: false,
    },
    // Still described after the delete: is its principal still in the identity store?
    {
      properties: APPLICATION,
      context: { version: 1, phase: 'confirm', startedAt: Date.now(), polls: 0 },
      exists: true,
    },
    {
      properties: { ...APPLICATION, PrincipalType: 'USER', PrincipalId: USER_ID },
      context: { version: 1, phase: 'confirm', startedAt: Date.now(), polls: 0 },
      exists: true,
    },
  ],
  list: [{ properties: { ApplicationArn: APPLICATION.ApplicationArn }, exists: true }],
};

describeHandlerPermissions(resourceType('application-assignment'), {
  stubWorld: stubApplicationAssignments,
  paths: APPLICATION_ASSIGNMENT_PATHS,
});

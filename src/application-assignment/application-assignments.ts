import {
  CreateApplicationAssignmentCommand,
  DeleteApplicationAssignmentCommand,
  DescribeApplicationAssignmentCommand,
  paginateListApplicationAssignments,
  PrincipalType,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { isErrorNamed } from '../core/errors';

/** The three properties that identify an application assignment (the schema's primary identifier). */
export interface ApplicationAssignmentKey {
  readonly applicationArn: string;
  readonly principalType: PrincipalType;
  readonly principalId: string;
}

// The largest page ListApplicationAssignments accepts (MaxResults is 1..100 in the SSO Admin model).
const PAGE_SIZE = 100;

function isPrincipalType(value: unknown): value is PrincipalType {
  return value === PrincipalType.USER || value === PrincipalType.GROUP;
}

/** Rebuilds the key from what SSO Admin returned (never from the request); undefined when a member is missing. */
export function keyFromResponse(assignment: {
  ApplicationArn?: string;
  PrincipalType?: string;
  PrincipalId?: string;
}): ApplicationAssignmentKey | undefined {
  const { ApplicationArn, PrincipalType: principalType, PrincipalId } = assignment;
  if (!ApplicationArn || !PrincipalId || !isPrincipalType(principalType)) return undefined;
  return { applicationArn: ApplicationArn, principalType, principalId: PrincipalId };
}

function keyInput(key: ApplicationAssignmentKey) {
  return {
    ApplicationArn: key.applicationArn,
    PrincipalType: key.principalType,
    PrincipalId: key.principalId,
  };
}

/**
 * The assignment as DescribeApplicationAssignment reports it, or undefined when it is absent. The API answers
 * ResourceNotFoundException both for a missing assignment and for a missing application (the application
 * takes its assignments with it), so both mean "absent" here.
 */
export async function describeApplicationAssignment(
  client: SSOAdminClient,
  key: ApplicationAssignmentKey,
): Promise<ApplicationAssignmentKey | undefined> {
  try {
    const response = await client.send(new DescribeApplicationAssignmentCommand(keyInput(key)));
    const found = keyFromResponse(response);
    if (!found)
      throw new Error('DescribeApplicationAssignment returned an assignment without its identifiers');
    return found;
  } catch (error: unknown) {
    if (isErrorNamed(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}

/**
 * CreateApplicationAssignment and DeleteApplicationAssignment are synchronous: the API reference gives them
 * an empty response (no request id, no status operation), unlike the account-assignment writes.
 */
export async function createApplicationAssignment(
  client: SSOAdminClient,
  key: ApplicationAssignmentKey,
): Promise<void> {
  await client.send(new CreateApplicationAssignmentCommand(keyInput(key)));
}

export async function deleteApplicationAssignment(
  client: SSOAdminClient,
  key: ApplicationAssignmentKey,
): Promise<void> {
  await client.send(new DeleteApplicationAssignmentCommand(keyInput(key)));
}

/**
 * Every direct assignment of the application, all pages: the runtime lib never passes a nextToken back to
 * LIST, so the handler cannot hand one out.
 */
export async function listApplicationAssignments(
  client: SSOAdminClient,
  applicationArn: string,
): Promise<ApplicationAssignmentKey[]> {
  const pages = paginateListApplicationAssignments(
    { client, pageSize: PAGE_SIZE },
    { ApplicationArn: applicationArn },
  );
  const keys: ApplicationAssignmentKey[] = [];
  for await (const page of pages) {
    for (const assignment of page.ApplicationAssignments ?? []) {
      const key = keyFromResponse(assignment);
      if (key) keys.push(key);
    }
  }
  return keys;
}

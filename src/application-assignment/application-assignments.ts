import {
  CreateApplicationAssignmentCommand,
  DeleteApplicationAssignmentCommand,
  DescribeApplicationAssignmentCommand,
  ListApplicationAssignmentsCommand,
  PrincipalType,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import {
  ABSENT,
  invalidPosition,
  ListFilterValues,
  optionalSsoToken,
  listCall,
  PageBudget,
  isRecord,
  isPrincipalType,
  isResourceAbsent,
} from '../core';

/** The three properties that identify an application assignment (the schema's primary identifier). */
export interface ApplicationAssignmentKey {
  readonly applicationArn: string;
  readonly principalType: PrincipalType;
  readonly principalId: string;
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
 * takes its assignments with it), so both mean "absent" here, unless it carries a KMS `Reason`.
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
    // A KMS Reason (the instance's key is missing) says nothing about the assignment: not absence.
    if (isResourceAbsent(error)) return undefined;
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

/** The LIST filter (the list handlerSchema: ApplicationArn), in the order it is bound into a NextToken. */
export function applicationFilterValues(applicationArn: string): ListFilterValues {
  return [['ApplicationArn', applicationArn]];
}

/** Bound into every NextToken of this listing. */
export const APPLICATION_ASSIGNMENT_LISTING = 'application-assignments';

/** The walk's next step, as a NextToken carries it: SSO Admin's NextToken for ListApplicationAssignments. */
export interface ApplicationAssignmentListCursor {
  readonly next: string;
}

export function readApplicationAssignmentCursor(cursor: unknown): ApplicationAssignmentListCursor {
  if (!isRecord(cursor)) throw invalidPosition('the position must be an object');
  const next = optionalSsoToken(cursor.next, 'next');
  if (next === undefined) throw invalidPosition('next (an SSO Admin NextToken) is required');
  return { next };
}

/**
 * One page of the application's direct assignments (ListApplicationAssignments), from `from` (the first SSO
 * Admin page when undefined) until the last page or until the page budget stops it (`next` resumes it). A
 * missing application lists nothing (ResourceNotFoundException without a KMS Reason).
 */
export async function listApplicationAssignments(
  client: SSOAdminClient,
  applicationArn: string,
  from: ApplicationAssignmentListCursor | undefined,
  budget: PageBudget,
): Promise<{ keys: ApplicationAssignmentKey[]; next?: ApplicationAssignmentListCursor }> {
  const keys: ApplicationAssignmentKey[] = [];
  let token = from?.next;
  for (;;) {
    const answer = await listCall(budget, token !== undefined && token === from?.next, (abortSignal) =>
      client.send(
        new ListApplicationAssignmentsCommand({
          ApplicationArn: applicationArn,
          NextToken: token,
          MaxResults: budget.ssoPageSize,
        }),
        { abortSignal },
      ),
    );
    if (answer === 'stop') {
      // The budget always lets a page's first call run, so a stop comes after a call that set `token`.
      if (token === undefined) throw new Error('the LIST page stopped before its first call');
      return { keys, next: { next: token } };
    }
    // The application is gone: it has no (more) assignments.
    if (answer === ABSENT) return { keys };
    const found = (answer.ApplicationAssignments ?? []).flatMap((assignment) => {
      const key = keyFromResponse(assignment);
      return key ? [key] : [];
    });
    keys.push(...found);
    budget.countModels(found.length);
    if (!answer.NextToken) return { keys };
    token = answer.NextToken;
  }
}

import {
  AccountAssignment,
  ListAccountAssignmentsCommand,
  ListAccountsForProvisionedPermissionSetCommand,
  ListPermissionSetsCommand,
  ListPermissionSetsProvisionedToAccountCommand,
  paginateListAccountAssignments,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import {
  ABSENT,
  invalidPosition,
  LIST_PAGE,
  ListFilterValues,
  optionalSsoToken,
  listCall,
  PageBudget,
  isRecord,
  AccountAssignmentKey,
} from '../core';

/** The six properties that identify an account assignment (the schema's primary identifier). */
export type AssignmentKey = AccountAssignmentKey;

// The largest page the List* operations accept (MaxResults is 1..100 in the SSO Admin model).
const PAGE_SIZE = 100;

/**
 * The assignment as SSO Admin reports it, or undefined. ListAccountAssignments is scoped to one account and
 * permission set; every page is read because the principal can be on any of them.
 */
export async function findAccountAssignment(
  client: SSOAdminClient,
  key: AssignmentKey,
): Promise<AccountAssignment | undefined> {
  const pages = paginateListAccountAssignments(
    { client, pageSize: PAGE_SIZE },
    { InstanceArn: key.instanceArn, AccountId: key.targetId, PermissionSetArn: key.permissionSetArn },
  );
  for await (const page of pages) {
    const match = page.AccountAssignments?.find(
      (assignment) =>
        assignment.PrincipalId === key.principalId && assignment.PrincipalType === key.principalType,
    );
    if (match) return match;
  }
  return undefined;
}

/** Rebuilds the key from what SSO Admin returned (never from the request). */
export function keyFromAssignment(
  instanceArn: string,
  assignment: AccountAssignment,
): AssignmentKey | undefined {
  const { AccountId, PermissionSetArn, PrincipalId, PrincipalType } = assignment;
  if (!AccountId || !PermissionSetArn || !PrincipalId || !PrincipalType) return undefined;
  // ListAccountAssignments only returns assignments to AWS accounts; the response has no TargetType member.
  return {
    instanceArn,
    permissionSetArn: PermissionSetArn,
    principalId: PrincipalId,
    principalType: PrincipalType,
    targetId: AccountId,
    targetType: 'AWS_ACCOUNT',
  };
}

/** The LIST filter properties (the list handlerSchema): InstanceArn, optionally PermissionSetArn and TargetId. */
export interface ListFilter {
  readonly instanceArn: string;
  readonly permissionSetArn?: string;
  readonly targetId?: string;
}

/** The filter in the order it is bound into a NextToken (list-pages.ts). */
export function listFilterValues(filter: ListFilter): ListFilterValues {
  return [
    ['InstanceArn', filter.instanceArn],
    ['PermissionSetArn', filter.permissionSetArn],
    ['TargetId', filter.targetId],
  ];
}

/** Where one level of the walk stands: item `index` of the page SSO Admin returned for `page` (its NextToken). */
interface LevelPosition {
  readonly page?: string;
  readonly index: number;
}

/** A position whose item is known. */
interface ItemPosition extends LevelPosition {
  readonly value: string;
}

/**
 * The walk's next step, as a NextToken carries it. The walk goes permission set by permission set, account by
 * account, through the assignment pages of each pair; each position names the SSO Admin page it sits on, so a
 * later page re-reads that page (one call) rather than carrying whole lists in the token.
 */
export type AssignmentListCursor =
  /** Resolve the permission set at this position. */
  | { readonly at: 'permission-set'; readonly permissionSet: LevelPosition }
  /** Resolve the account at this position, under the permission set. */
  | { readonly at: 'account'; readonly permissionSet: ItemPosition; readonly account: LevelPosition }
  /** Read the assignments of the pair, from SSO Admin's NextToken `next` (the first page when absent). */
  | {
      readonly at: 'assignments';
      readonly permissionSet: ItemPosition;
      readonly account: ItemPosition;
      readonly next?: string;
    };

/** Bound into every NextToken of this listing. */
export const ASSIGNMENT_LISTING = 'account-assignments';

const ARN_PARTITION = 'aws(?:-[a-z]{1,5}){0,3}';
const INSTANCE_ID = '(?:sso)?ins-[a-zA-Z0-9-.]{16}';
// The schema's patterns for InstanceArn and PermissionSetArn, with the partition and instance id captured.
const INSTANCE_ARN = new RegExp(`^arn:(${ARN_PARTITION}):sso:::instance/(${INSTANCE_ID})$`);
const PERMISSION_SET_ARN = new RegExp(
  `^arn:(${ARN_PARTITION}):sso:::permissionSet/(${INSTANCE_ID})/ps-[a-zA-Z0-9-./]{16}$`,
);

function readPosition(value: unknown, field: string, fixed: boolean): LevelPosition {
  if (!isRecord(value)) throw invalidPosition(`${field} must be an object`);
  const { index, page } = value;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > LIST_PAGE.ssoPageSize) {
    throw invalidPosition(`${field}.index must be a whole number from 0 to ${LIST_PAGE.ssoPageSize}`);
  }
  const pageToken = optionalSsoToken(page, `${field}.page`);
  // A filter property fixes that level to one item: there is no SSO Admin page to resume.
  if (fixed && (pageToken !== undefined || index > 1)) {
    throw invalidPosition(`${field} must be the filter's own value, which has no further pages`);
  }
  return pageToken === undefined ? { index } : { page: pageToken, index };
}

function readItem(
  value: unknown,
  field: string,
  fixed: boolean,
  check: (item: string) => string | undefined,
) {
  const position = readPosition(value, field, fixed);
  const item = isRecord(value) ? value.value : undefined;
  if (typeof item !== 'string') throw invalidPosition(`${field}.value must be a string`);
  const problem = check(item);
  if (problem) throw invalidPosition(problem);
  return { ...position, value: item };
}

/**
 * Reads a cursor from a NextToken, refusing any position outside the filter: a permission set of another
 * instance, or another permission set or account than the filter names.
 */
export function assignmentCursorReader(filter: ListFilter): (cursor: unknown) => AssignmentListCursor {
  const instance = INSTANCE_ARN.exec(filter.instanceArn);
  const permissionSetFixed = filter.permissionSetArn !== undefined;
  const accountFixed = filter.targetId !== undefined;
  const checkPermissionSet = (arn: string): string | undefined => {
    const match = PERMISSION_SET_ARN.exec(arn);
    if (!match || !instance || match[1] !== instance[1] || match[2] !== instance[2]) {
      return `permission set ${arn} is not a permission set of InstanceArn ${filter.instanceArn}`;
    }
    if (permissionSetFixed && arn !== filter.permissionSetArn) {
      return `permission set ${arn} is not the filter's PermissionSetArn ${filter.permissionSetArn ?? ''}`;
    }
    return undefined;
  };
  const checkAccount = (id: string): string | undefined => {
    if (!/^\d{12}$/.test(id)) return `account ${id} is not a 12-digit account ID`;
    if (accountFixed && id !== filter.targetId) {
      return `account ${id} is not the filter's TargetId ${filter.targetId ?? ''}`;
    }
    return undefined;
  };
  return (cursor) => {
    if (!isRecord(cursor)) throw invalidPosition('the position must be an object');
    switch (cursor.at) {
      case 'permission-set':
        return {
          at: 'permission-set',
          permissionSet: readPosition(cursor.permissionSet, 'permissionSet', permissionSetFixed),
        };
      case 'account':
        return {
          at: 'account',
          permissionSet: readItem(
            cursor.permissionSet,
            'permissionSet',
            permissionSetFixed,
            checkPermissionSet,
          ),
          account: readPosition(cursor.account, 'account', accountFixed),
        };
      case 'assignments': {
        const next = optionalSsoToken(cursor.next, 'next');
        return {
          at: 'assignments',
          permissionSet: readItem(
            cursor.permissionSet,
            'permissionSet',
            permissionSetFixed,
            checkPermissionSet,
          ),
          account: readItem(cursor.account, 'account', accountFixed, checkAccount),
          ...(next === undefined ? {} : { next }),
        };
      }
      default:
        throw invalidPosition(`unknown step ${JSON.stringify(cursor.at)}`);
    }
  };
}

/** The SSO Admin NextTokens a cursor holds: a rejection of one of them means the request's NextToken is stale. */
function ssoTokensOf(cursor: AssignmentListCursor | undefined): Set<string> {
  const tokens = new Set<string>();
  if (!cursor) return tokens;
  if (cursor.permissionSet.page) tokens.add(cursor.permissionSet.page);
  if (cursor.at !== 'permission-set' && cursor.account.page) tokens.add(cursor.account.page);
  if (cursor.at === 'assignments' && cursor.next) tokens.add(cursor.next);
  return tokens;
}

interface SourcePage {
  readonly values: readonly string[];
  readonly next?: string;
}

/**
 * One page of the assignments under the instance, narrowed by permission set and/or account, from `from` (the
 * start when undefined) until the walk ends (no `next`) or the page budget stops it (`next` resumes it). The
 * permission sets come from ListPermissionSets (ListPermissionSetsProvisionedToAccount when the account is
 * known), the accounts of each from ListAccountsForProvisionedPermissionSet, then ListAccountAssignments for each
 * pair. A missing instance or permission set lists nothing (ResourceNotFoundException without a KMS Reason).
 */
export async function listAccountAssignments(
  client: SSOAdminClient,
  filter: ListFilter,
  from: AssignmentListCursor | undefined,
  budget: PageBudget,
): Promise<{ keys: AssignmentKey[]; next?: AssignmentListCursor }> {
  const { instanceArn } = filter;
  const keys: AssignmentKey[] = [];
  const requestTokens = ssoTokensOf(from);
  // The last page read at each level in this invocation: moving on within it costs no call.
  let permissionSetPage: { token?: string; page: SourcePage } | undefined;
  let accountPage: { permissionSetArn: string; token?: string; page: SourcePage } | undefined;

  /** One call through the budget; a refusal of an SSO Admin token the request carried makes that token stale. */
  const send = <T>(token: string | undefined, call: (abortSignal: AbortSignal) => Promise<T>) =>
    listCall(budget, token !== undefined && requestTokens.has(token), call);

  async function permissionSets(token: string | undefined): Promise<SourcePage | typeof ABSENT | 'stop'> {
    if (filter.permissionSetArn) return { values: [filter.permissionSetArn] };
    if (permissionSetPage && permissionSetPage.token === token) return permissionSetPage.page;
    const { targetId } = filter;
    const answer = await send(token, async (abortSignal) => {
      const response = targetId
        ? await client.send(
            new ListPermissionSetsProvisionedToAccountCommand({
              InstanceArn: instanceArn,
              AccountId: targetId,
              NextToken: token,
              MaxResults: LIST_PAGE.ssoPageSize,
            }),
            { abortSignal },
          )
        : await client.send(
            new ListPermissionSetsCommand({
              InstanceArn: instanceArn,
              NextToken: token,
              MaxResults: LIST_PAGE.ssoPageSize,
            }),
            { abortSignal },
          );
      return { values: response.PermissionSets ?? [], next: response.NextToken || undefined };
    });
    if (typeof answer === 'object') permissionSetPage = { token, page: answer };
    return answer;
  }

  async function accounts(
    permissionSetArn: string,
    token: string | undefined,
  ): Promise<SourcePage | typeof ABSENT | 'stop'> {
    if (filter.targetId) return { values: [filter.targetId] };
    if (accountPage && accountPage.permissionSetArn === permissionSetArn && accountPage.token === token) {
      return accountPage.page;
    }
    const answer = await send(token, async (abortSignal) => {
      const response = await client.send(
        new ListAccountsForProvisionedPermissionSetCommand({
          InstanceArn: instanceArn,
          PermissionSetArn: permissionSetArn,
          NextToken: token,
          MaxResults: LIST_PAGE.ssoPageSize,
        }),
        { abortSignal },
      );
      return { values: response.AccountIds ?? [], next: response.NextToken || undefined };
    });
    if (typeof answer === 'object') accountPage = { permissionSetArn, token, page: answer };
    return answer;
  }

  const afterPermissionSet = (position: LevelPosition): AssignmentListCursor => ({
    at: 'permission-set',
    permissionSet: { ...position, index: position.index + 1 },
  });

  let cursor: AssignmentListCursor = from ?? { at: 'permission-set', permissionSet: { index: 0 } };
  for (;;) {
    switch (cursor.at) {
      case 'permission-set': {
        const position = cursor.permissionSet;
        const page = await permissionSets(position.page);
        if (page === 'stop') return { keys, next: cursor };
        // The instance is gone: it has no (more) assignments.
        if (page === ABSENT) return { keys };
        if (position.index < page.values.length) {
          cursor = {
            at: 'account',
            permissionSet: { ...position, value: page.values[position.index] },
            account: { index: 0 },
          };
        } else if (page.next) {
          cursor = { at: 'permission-set', permissionSet: { page: page.next, index: 0 } };
        } else {
          return { keys };
        }
        break;
      }
      case 'account': {
        const { permissionSet, account } = cursor;
        const page = await accounts(permissionSet.value, account.page);
        if (page === 'stop') return { keys, next: cursor };
        if (page === ABSENT || (account.index >= page.values.length && !page.next)) {
          // Done with this permission set (or it was deleted, taking its assignments with it).
          cursor = afterPermissionSet(permissionSet);
        } else if (account.index < page.values.length) {
          cursor = {
            at: 'assignments',
            permissionSet,
            account: { ...account, value: page.values[account.index] },
          };
        } else {
          cursor = { at: 'account', permissionSet, account: { page: page.next, index: 0 } };
        }
        break;
      }
      case 'assignments': {
        const { permissionSet, account, next } = cursor;
        const answer = await send(next, (abortSignal) =>
          client.send(
            new ListAccountAssignmentsCommand({
              InstanceArn: instanceArn,
              AccountId: account.value,
              PermissionSetArn: permissionSet.value,
              NextToken: next,
              MaxResults: budget.ssoPageSize,
            }),
            { abortSignal },
          ),
        );
        if (answer === 'stop') return { keys, next: cursor };
        if (answer === ABSENT) {
          cursor = afterPermissionSet(permissionSet);
          break;
        }
        const found = (answer.AccountAssignments ?? []).flatMap((assignment) => {
          const key = keyFromAssignment(instanceArn, assignment);
          return key ? [key] : [];
        });
        keys.push(...found);
        budget.countModels(found.length);
        cursor = answer.NextToken
          ? { at: 'assignments', permissionSet, account, next: answer.NextToken }
          : {
              at: 'account',
              permissionSet,
              account:
                account.page === undefined
                  ? { index: account.index + 1 }
                  : { page: account.page, index: account.index + 1 },
            };
        break;
      }
    }
  }
}

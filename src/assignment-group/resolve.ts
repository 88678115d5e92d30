/**
 * Resolves a group's declaration into what it stands for: principal names to identity store IDs, permission set
 * names to ARNs, organizational units and roots to their active accounts. Done at CREATE and UPDATE, then pinned in
 * the group's state; READ resolves again only to show where the answer changed (drift), never to move access.
 */
import { GetGroupIdCommand, GetUserIdCommand, IdentitystoreClient } from '@aws-sdk/client-identitystore';
import {
  Account,
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import {
  DescribePermissionSetCommand,
  ListPermissionSetsCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import Bottleneck from 'bottleneck';
import { clientCache, commonClientConfig, nameFailedActions, identityStoreIdOf, isErrorNamed } from '../core';
import { invocationClock, remainingWorkMs } from '../core/invocation';
import {
  DeclarationError,
  GroupProperties,
  PrincipalProperties,
  Resolution,
  ResolvedPermissionSet,
  ResolvedPrincipal,
} from './declaration';
import { IDENTITY_STORE_CONCURRENCY } from './principals';

/** An Organizations client for the caller's credentials (`AWS_ENDPOINT_URL_ORGANIZATIONS` points it at a stand-in). */
export const organizationsClientFor = clientCache((settings, typeName) => {
  const client = new OrganizationsClient(commonClientConfig(settings, typeName));
  nameFailedActions(client.middlewareStack);
  return client;
});

/** One declared element that cannot be resolved: where it is and why. */
export interface ResolutionProblem {
  /** `Principals.2`, `PermissionSets.0`, `Targets.1.TargetIds.3`, `ExcludedAccountIds.0`, … */
  readonly path: string;
  readonly message: string;
}

export interface ResolveClients {
  readonly ssoAdmin: SSOAdminClient;
  readonly identityStore: IdentitystoreClient;
  readonly organizations: OrganizationsClient;
}

export interface ResolveOptions {
  /** SSO Admin's pacer (its 20 requests per second are shared with the group's other calls). */
  readonly ssoPacer: Bottleneck;
  /** Return at once, having called nothing, when the declaration is wrong as written. */
  readonly stopAtShapeProblems?: boolean;
  /**
   * Permission sets the group resolved by name before (its pinned answer): each such name is first checked with
   * one DescribePermissionSet of the ARN it had, instead of describing the instance's permission sets in turn.
   */
  readonly pinnedPermissionSets?: readonly ResolvedPermissionSet[];
}

const ACCOUNT_ID = /^\d{12}$/;
const UNIT_ID = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;
const PERMISSION_SET_ARN = /^arn:/;

// Organizations documents no per-operation rate for these reads and throttles with TooManyRequestsException (which
// the SDK retries); a few calls a second keeps a resolution of 1,000 accounts in 50 OUs within one invocation.
const ORGANIZATIONS_MIN_TIME_MS = 100;
// Up to this many account targets are checked one by one (DescribeAccount); more, and one ListAccounts walk
// (20 accounts a page) costs fewer calls.
const DESCRIBE_ACCOUNTS_UP_TO = 20;
// SSO Admin lists permission sets by ARN only, so a name is found by describing them one by one, 20 a second at
// most (the instance's collective quota). The search gets this long, at most, so that a large instance (AWS's
// default quota is 2,000 sets) fails with a clear answer instead of running the invocation out of time; the rest
// of a 60 s invocation is for principals, accounts and recording the plan.
const PERMISSION_SET_SEARCH_MS = 30_000;

/** What the search for permission set names found, and how far it got. */
interface PermissionSetSearch {
  readonly byName: Map<string, string>;
  /** Set when the search ran out of time: how many of the instance's permission sets were described. */
  readonly stoppedAfter?: { readonly described: number; readonly listed: number };
}

/** Whether Organizations reports the account active: State (current), else Status (deprecated, older answers). */
function isActive(account: Account): boolean {
  return (account.State ?? account.Status) === 'ACTIVE';
}

function principalLabel(principal: PrincipalProperties): string {
  return principal.PrincipalName !== undefined
    ? `${principal.PrincipalType} '${principal.PrincipalName}'`
    : `${principal.PrincipalType} ${principal.PrincipalId ?? ''}`;
}

/** Every page of an Organizations listing. */
async function allPages<T>(
  pacer: Bottleneck,
  page: (nextToken: string | undefined) => Promise<{ items: T[]; next: string | undefined }>,
): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  do {
    const answer = await pacer.schedule(() => page(nextToken));
    items.push(...answer.items);
    nextToken = answer.next;
  } while (nextToken);
  return items;
}

class Resolver {
  private readonly organizationsPacer = new Bottleneck({ minTime: ORGANIZATIONS_MIN_TIME_MS });
  private readonly identityPacer = new Bottleneck({ maxConcurrent: IDENTITY_STORE_CONCURRENCY });
  readonly problems: ResolutionProblem[] = [];

  constructor(
    private readonly clients: ResolveClients,
    private readonly options: ResolveOptions,
    private readonly declared: GroupProperties,
  ) {}

  /** Account targets by ID, with where each is listed (checkShape). */
  private readonly explicit = new Map<string, string>();
  /** Organizational unit and root targets by ID (checkShape). */
  private readonly units = new Map<string, { path: string; recursive: boolean }>();
  /** Principals given by both or neither of ID and name (checkShape). */
  private readonly malformed = new Set<number>();
  /** The organization's accounts (ListAccounts, every page), listed at most once per resolution. */
  private everyAccountListing: Promise<Account[]> | undefined;
  /** The organization's root IDs (ListRoots), listed at most once per resolution. */
  private rootListing: Promise<string[]> | undefined;

  private problem(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  /** What can be told wrong without a call: the kinds of IDs, what is listed twice, what contradicts itself. */
  checkShape(): void {
    this.declared.Principals.forEach((principal, index) => {
      if ((principal.PrincipalId === undefined) === (principal.PrincipalName === undefined)) {
        this.malformed.add(index);
        this.problem(`Principals.${index}`, 'give PrincipalId or PrincipalName, exactly one of them');
      }
    });
    const { Targets: targets, ExcludedAccountIds: excluded = [] } = this.declared;
    targets.forEach((target, index) => {
      if (target.TargetType !== 'AWS_OU' && target.Recursive !== undefined) {
        this.problem(`Targets.${index}.Recursive`, 'Recursive applies to AWS_OU targets only');
      }
      target.TargetIds.forEach((id, position) => {
        const path = `Targets.${index}.TargetIds.${position}`;
        const isAccount = target.TargetType === 'AWS_ACCOUNT';
        if (isAccount ? !ACCOUNT_ID.test(id) : !UNIT_ID.test(id)) {
          this.problem(
            path,
            isAccount
              ? `'${id}' is not a 12-digit account ID (TargetType AWS_ACCOUNT; use AWS_OU for ou-… and r-…)`
              : `'${id}' is not an organizational unit (ou-…) or root (r-…) ID (TargetType AWS_OU)`,
          );
          return;
        }
        const earlier = isAccount ? this.explicit.get(id) : this.units.get(id)?.path;
        if (earlier !== undefined) {
          this.problem(path, `${id} is listed twice (${earlier} and ${path}): list it once`);
          return;
        }
        if (isAccount) this.explicit.set(id, path);
        else this.units.set(id, { path, recursive: target.Recursive === true });
      });
    });
    excluded.forEach((accountId, index) => {
      const listed = this.explicit.get(accountId);
      if (listed !== undefined) {
        this.problem(
          `ExcludedAccountIds.${index}`,
          `account ${accountId} is both a target (${listed}) and excluded: remove it from one of them`,
        );
      }
    });
  }

  async principals(): Promise<(ResolvedPrincipal | undefined)[]> {
    const { Principals: principals, InstanceArn: instanceArn } = this.declared;
    const named = principals.some((principal) => principal.PrincipalName !== undefined);
    const identityStoreId = named
      ? await this.options.ssoPacer.schedule(() => identityStoreIdOf(this.clients.ssoAdmin, instanceArn))
      : '';
    // Looked up concurrently; problems are named afterwards, in the declared order.
    const answers = await Promise.all(
      principals.map(async (principal, index): Promise<ResolvedPrincipal | string | undefined> => {
        const { PrincipalType: principalType, PrincipalId: id, PrincipalName: name } = principal;
        if (this.malformed.has(index)) return undefined;
        if (id !== undefined) return { principalType, principalId: id };
        const found = await this.identityPacer.schedule(() => this.principalIdOf(identityStoreId, principal));
        if (found === undefined)
          return `${principalLabel(principal)} is not in identity store ${identityStoreId}`;
        return { principalType, principalId: found, principalName: name };
      }),
    );
    const resolved = answers.map((answer, index) => {
      if (typeof answer !== 'string') return answer;
      // A string is the problem found looking the name up.
      this.problem(`Principals.${index}`, answer);
      return undefined;
    });
    this.sameTwice(
      'Principals',
      resolved.map((principal) => principal && `${principal.principalType}:${principal.principalId}`),
      (index) => principalLabel(principals[index] ?? { PrincipalType: 'USER' }),
      'the same principal',
    );
    return resolved;
  }

  private async principalIdOf(
    identityStoreId: string,
    principal: PrincipalProperties,
  ): Promise<string | undefined> {
    const attribute = (path: string) => ({
      IdentityStoreId: identityStoreId,
      AlternateIdentifier: {
        UniqueAttribute: { AttributePath: path, AttributeValue: principal.PrincipalName },
      },
    });
    try {
      if (principal.PrincipalType === 'USER') {
        const response = await this.clients.identityStore.send(new GetUserIdCommand(attribute('userName')));
        return response.UserId;
      }
      const response = await this.clients.identityStore.send(new GetGroupIdCommand(attribute('displayName')));
      return response.GroupId;
    } catch (error: unknown) {
      if (isErrorNamed(error, 'ResourceNotFoundException')) return undefined;
      throw error;
    }
  }

  /** Names a problem for each element whose key equals an earlier one's. */
  private sameTwice(
    property: string,
    keys: readonly (string | undefined)[],
    label: (index: number) => string,
    what: string,
  ): void {
    const first = new Map<string, number>();
    keys.forEach((key, index) => {
      if (key === undefined) return;
      const earlier = first.get(key);
      if (earlier === undefined) first.set(key, index);
      else {
        this.problem(
          `${property}.${index}`,
          `${label(earlier)} (${property}.${earlier}) and ${label(index)} (${property}.${index}) are ${what}: list it once`,
        );
      }
    });
  }

  async permissionSets(): Promise<(ResolvedPermissionSet | undefined)[]> {
    const declared = this.declared.PermissionSets;
    const wanted = new Set(declared.filter((value) => !PERMISSION_SET_ARN.test(value)));
    const search: PermissionSetSearch =
      wanted.size > 0 ? await this.permissionSetArnsByName(wanted) : { byName: new Map() };
    const resolved = declared.map((value, index): ResolvedPermissionSet | undefined => {
      if (PERMISSION_SET_ARN.test(value)) return { arn: value };
      const arn = search.byName.get(value);
      if (arn === undefined) {
        const { stoppedAfter } = search;
        this.problem(
          `PermissionSets.${index}`,
          stoppedAfter === undefined
            ? `no permission set named '${value}' in instance ${this.declared.InstanceArn}`
            : `'${value}' is not among the first ${stoppedAfter.described} of the instance's ` +
                `${stoppedAfter.listed} permission sets, which is as many as can be described by name in ` +
                `${PERMISSION_SET_SEARCH_MS / 1000} s (DescribePermissionSet, one set a call): give its ARN instead`,
        );
        return undefined;
      }
      return { arn, name: value };
    });
    this.sameTwice(
      'PermissionSets',
      resolved.map((permissionSet) => permissionSet?.arn),
      (index) => `'${declared[index] ?? ''}'`,
      'the same permission set',
    );
    return resolved;
  }

  /** The permission set's name, or undefined when the instance has no permission set of that ARN. */
  private async permissionSetName(arn: string): Promise<string | undefined> {
    try {
      const described = await this.options.ssoPacer.schedule(() =>
        this.clients.ssoAdmin.send(
          new DescribePermissionSetCommand({ InstanceArn: this.declared.InstanceArn, PermissionSetArn: arn }),
        ),
      );
      return described.PermissionSet?.Name;
    } catch (error: unknown) {
      if (isErrorNamed(error, 'ResourceNotFoundException')) return undefined;
      throw error;
    }
  }

  /**
   * The ARNs of the wanted names: first the pinned ARNs that still carry their name (names are unique within an
   * instance), then the instance's permission sets described in listing order until every name is found or the
   * search's time is up (SSO Admin lists ARNs only).
   */
  private async permissionSetArnsByName(wanted: ReadonlySet<string>): Promise<PermissionSetSearch> {
    const { ssoAdmin } = this.clients;
    const instanceArn = this.declared.InstanceArn;
    const byName = new Map<string, string>();
    const pinned = (this.options.pinnedPermissionSets ?? []).filter(
      (permissionSet) => permissionSet.name !== undefined && wanted.has(permissionSet.name),
    );
    await Promise.all(
      pinned.map(async ({ arn, name }) => {
        if (name !== undefined && (await this.permissionSetName(arn)) === name) byName.set(name, arn);
      }),
    );
    const missing = () => [...wanted].some((name) => !byName.has(name));
    if (!missing()) return { byName };
    const clock = invocationClock();
    const searchEnds = clock.now() + Math.min(PERMISSION_SET_SEARCH_MS, remainingWorkMs(clock.now()));
    const checked = new Set(pinned.map(({ arn }) => arn));
    const arns = await allPages(this.options.ssoPacer, async (nextToken) => {
      const page = await ssoAdmin.send(
        new ListPermissionSetsCommand({ InstanceArn: instanceArn, MaxResults: 100, NextToken: nextToken }),
      );
      return { items: page.PermissionSets ?? [], next: page.NextToken };
    });
    let described = 0;
    for (const arn of arns) {
      if (!missing()) break;
      if (clock.now() >= searchEnds) return { byName, stoppedAfter: { described, listed: arns.length } };
      described += 1;
      if (checked.has(arn)) continue;
      const name = await this.permissionSetName(arn);
      if (name !== undefined && wanted.has(name)) byName.set(name, arn);
    }
    return { byName };
  }

  async accounts(): Promise<Pick<Resolution, 'accounts' | 'inactive' | 'units'>> {
    try {
      return await this.organizationAccounts();
    } catch (error: unknown) {
      if (!isErrorNamed(error, 'AWSOrganizationsNotInUseException')) throw error;
      // Targets are accounts of an organization (an organization instance of IAM Identity Center has one).
      this.problem(
        'Targets',
        'the caller’s account is not in an organization, so no target can be resolved: AWS_OU and AWS_ACCOUNT ' +
          'targets need AWS Organizations (deploy from the management account or a delegated administrator)',
      );
      return { accounts: [], inactive: [], units: {} };
    }
  }

  private async organizationAccounts(): Promise<Pick<Resolution, 'accounts' | 'inactive' | 'units'>> {
    const { ExcludedAccountIds: excluded = [] } = this.declared;
    const { explicit, units } = this;
    const found = new Map<string, Account>();
    const contained: Record<string, string[]> = {};
    if (units.size > 0) {
      const management = await this.managementAccount();
      for (const [unitId, { path, recursive }] of units) {
        const accounts = await this.accountsUnder(unitId, recursive, path);
        if (accounts === undefined) continue;
        // The management account is never assigned through an OU or a root: only when listed as an account.
        const members = accounts.filter((account) => account.Id !== undefined && account.Id !== management);
        for (const account of members) found.set(account.Id ?? '', account);
        contained[unitId] = members
          .filter(isActive)
          .map((account) => account.Id ?? '')
          .sort();
      }
    }
    for (const [accountId, account] of await this.explicitAccounts([...explicit.keys()])) {
      if (account) found.set(accountId, account);
      else
        this.problem(explicit.get(accountId) ?? 'Targets', `account ${accountId} is not in the organization`);
    }
    const skip = new Set(excluded);
    const targeted = [...found.values()].filter((account) => !skip.has(account.Id ?? ''));
    return {
      accounts: targeted
        .filter(isActive)
        .map((account) => account.Id ?? '')
        .sort(),
      inactive: targeted
        .filter((account) => !isActive(account))
        .map((account) => account.Id ?? '')
        .sort(),
      units: contained,
    };
  }

  private async managementAccount(): Promise<string | undefined> {
    const answer = await this.organizationsPacer.schedule(() =>
      this.clients.organizations.send(new DescribeOrganizationCommand({})),
    );
    return answer.Organization?.MasterAccountId;
  }

  /** The accounts directly in `unitId`, and with `recursive` in every OU below it; undefined when it is unknown. */
  private async accountsUnder(
    unitId: string,
    recursive: boolean,
    path: string,
  ): Promise<Account[] | undefined> {
    if (recursive && unitId.startsWith('r-')) {
      // A root with everything below it is the whole organization: one ListAccounts walk instead of one per OU.
      if ((await this.roots()).includes(unitId)) return this.everyAccount();
      this.problem(path, `${unitId} is not an organizational unit or root of the organization`);
      return undefined;
    }
    const { organizations } = this.clients;
    const accounts: Account[] = [];
    const parents = [unitId];
    try {
      for (let parent = parents.shift(); parent !== undefined; parent = parents.shift()) {
        const parentId = parent;
        accounts.push(
          ...(await allPages(this.organizationsPacer, async (nextToken) => {
            const page = await organizations.send(
              new ListAccountsForParentCommand({ ParentId: parentId, NextToken: nextToken }),
            );
            return { items: page.Accounts ?? [], next: page.NextToken };
          })),
        );
        if (!recursive) continue;
        const children = await allPages(this.organizationsPacer, async (nextToken) => {
          const page = await organizations.send(
            new ListOrganizationalUnitsForParentCommand({ ParentId: parentId, NextToken: nextToken }),
          );
          return { items: page.OrganizationalUnits ?? [], next: page.NextToken };
        });
        parents.push(...children.flatMap((unit) => (unit.Id ? [unit.Id] : [])));
      }
    } catch (error: unknown) {
      if (!isErrorNamed(error, 'ParentNotFoundException')) throw error;
      this.problem(path, `${unitId} is not an organizational unit or root of the organization`);
      return undefined;
    }
    return accounts;
  }

  private everyAccount(): Promise<Account[]> {
    const { organizations } = this.clients;
    this.everyAccountListing ??= allPages(this.organizationsPacer, async (nextToken) => {
      const page = await organizations.send(new ListAccountsCommand({ NextToken: nextToken }));
      return { items: page.Accounts ?? [], next: page.NextToken };
    });
    return this.everyAccountListing;
  }

  private roots(): Promise<string[]> {
    const { organizations } = this.clients;
    this.rootListing ??= allPages(this.organizationsPacer, async (nextToken) => {
      const page = await organizations.send(new ListRootsCommand({ NextToken: nextToken }));
      return {
        items: (page.Roots ?? []).flatMap((root) => (root.Id ? [root.Id] : [])),
        next: page.NextToken,
      };
    });
    return this.rootListing;
  }

  /** Each listed account as Organizations describes it, or undefined when it is not in the organization. */
  private async explicitAccounts(accountIds: readonly string[]): Promise<Map<string, Account | undefined>> {
    const { organizations } = this.clients;
    const described = new Map<string, Account | undefined>();
    if (accountIds.length > DESCRIBE_ACCOUNTS_UP_TO) {
      const byId = new Map((await this.everyAccount()).map((account) => [account.Id ?? '', account]));
      for (const accountId of accountIds) described.set(accountId, byId.get(accountId));
      return described;
    }
    for (const accountId of accountIds) {
      try {
        const answer = await this.organizationsPacer.schedule(() =>
          organizations.send(new DescribeAccountCommand({ AccountId: accountId })),
        );
        described.set(accountId, answer.Account);
      } catch (error: unknown) {
        if (!isErrorNamed(error, 'AccountNotFoundException')) throw error;
        described.set(accountId, undefined);
      }
    }
    return described;
  }
}

/** A resolution that went on past problems: an element that could not be resolved is undefined in its place. */
export interface LenientResolution extends Omit<Resolution, 'principals' | 'permissionSets'> {
  readonly principals: readonly (ResolvedPrincipal | undefined)[];
  readonly permissionSets: readonly (ResolvedPermissionSet | undefined)[];
  readonly problems: readonly ResolutionProblem[];
}

/** Resolves `declared`, collecting every element that cannot be resolved instead of stopping at the first. */
export async function resolveLeniently(
  clients: ResolveClients,
  declared: GroupProperties,
  options: ResolveOptions,
): Promise<LenientResolution> {
  const resolver = new Resolver(clients, options, declared);
  resolver.checkShape();
  if (options.stopAtShapeProblems && resolver.problems.length > 0) {
    // Nothing is looked up for a declaration that is wrong as written.
    return {
      principals: [],
      permissionSets: [],
      accounts: [],
      inactive: [],
      units: {},
      problems: resolver.problems,
    };
  }
  const principals = await resolver.principals();
  const permissionSets = await resolver.permissionSets();
  const accounts = await resolver.accounts();
  return { principals, permissionSets, ...accounts, problems: resolver.problems };
}

/** How many problems one error message names (the count says how many more there are). */
const PROBLEMS_NAMED = 5;

/** Resolves `declared`; DeclarationError (InvalidRequest) naming each element that cannot be, before any write. */
export async function resolve(
  clients: ResolveClients,
  declared: GroupProperties,
  options: ResolveOptions,
): Promise<Resolution> {
  const { problems, principals, permissionSets, ...accounts } = await resolveLeniently(clients, declared, {
    ...options,
    stopAtShapeProblems: true,
  });
  if (problems.length > 0) {
    const named = problems
      .slice(0, PROBLEMS_NAMED)
      .map((problem) => `${problem.path}: ${problem.message}`)
      .join('; ');
    const more = problems.length > PROBLEMS_NAMED ? ` (and ${problems.length - PROBLEMS_NAMED} more)` : '';
    throw new DeclarationError(`The group cannot be resolved: ${named}${more}`);
  }
  const defined = <T>(values: readonly (T | undefined)[]) =>
    values.filter((value): value is T => value !== undefined);
  return { principals: defined(principals), permissionSets: defined(permissionSets), ...accounts };
}

/** Whether resolving `declared` can give another answer than taking it literally (names or organizational units). */
export function needsResolution(declared: GroupProperties): boolean {
  return (
    declared.Principals.some((principal) => principal.PrincipalName !== undefined) ||
    declared.PermissionSets.some((value) => !PERMISSION_SET_ARN.test(value)) ||
    declared.Targets.some((target) => target.TargetType === 'AWS_OU')
  );
}

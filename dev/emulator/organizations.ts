/**
 * The emulated AWS Organizations (`AWSOrganizationsV20161128.*`, schema/aws-models/organizations.service-2.json):
 * the read operations over the world's organisation (its root, OU tree and accounts in every state), and the
 * out-of-band changes tests make to it (an account moved, suspended or closed; an account or OU added). Shapes
 * and errors are the model's; behaviour follows the API reference
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/).
 */
import { randomBytes } from 'node:crypto';
import { ServiceError } from './errors';
import type { FaultController } from './faults';
import type { ConstraintKind, Violation } from './model';
import { paginate } from './pages';
import type { Clock } from './rate-limit';
import { epochSeconds, type JsonObject } from './service';
import {
  statusOfState,
  type AccountJoinedMethod,
  type AccountState,
  type AccountStatus,
  type World,
  type WorldAccount,
  type WorldOrganizationalUnit,
} from './world';

/** The Organizations operations the emulator implements. */
export const ORGANIZATIONS_OPERATIONS = [
  'DescribeOrganization',
  'ListRoots',
  'ListChildren',
  'ListOrganizationalUnitsForParent',
  'ListAccountsForParent',
  'ListAccounts',
  'DescribeAccount',
  'DescribeOrganizationalUnit',
  'ListParents',
] as const;

export type OrganizationsOperation = (typeof ORGANIZATIONS_OPERATIONS)[number];

export function isOrganizationsOperation(name: string): name is OrganizationsOperation {
  return (ORGANIZATIONS_OPERATIONS as readonly string[]).includes(name);
}

/**
 * The not-found and service messages are the model's documentation of each error; the throttling one is what
 * Organizations answers when its rate is exceeded (quoted in awslabs/aws-deployment-framework#784); the
 * NextToken one is ours.
 */
const MESSAGES = {
  TooManyRequestsException: 'You have sent too many requests in too short a period of time. Try again later.',
  ServiceException:
    "Organizations can't complete your request because of an internal service error. Try again later.",
  ParentNotFoundException: "We can't find a root or OU with the ParentId that you specified.",
  OrganizationalUnitNotFoundException:
    "We can't find an OU with the OrganizationalUnitId that you specified.",
  AccountNotFoundException:
    "We can't find an Amazon Web Services account with the AccountId that you specified.",
  ChildNotFoundException:
    "We can't find an organizational unit (OU) or Amazon Web Services account with the ChildId that you specified.",
  InvalidNextToken: 'The NextToken is not valid for this request.',
} as const;

export function tooManyRequests(): ServiceError {
  return new ServiceError('TooManyRequestsException', MESSAGES.TooManyRequestsException);
}

/**
 * InvalidInputException's Reason (shape InvalidInputExceptionReason) for the kind of constraint broken: the
 * model documents INPUT_REQUIRED, INVALID_PATTERN, INVALID_ENUM, MAX/MIN_LENGTH_EXCEEDED and MAX/MIN_VALUE_EXCEEDED.
 * A value of the wrong JSON type has no reason of its own; it fails the member's pattern or enum.
 */
const INVALID_INPUT_REASONS: Record<ConstraintKind, string> = {
  required: 'INPUT_REQUIRED',
  type: 'INVALID_PATTERN',
  enum: 'INVALID_ENUM',
  minLength: 'MIN_LENGTH_EXCEEDED',
  maxLength: 'MAX_LENGTH_EXCEEDED',
  pattern: 'INVALID_PATTERN',
  minValue: 'MIN_VALUE_EXCEEDED',
  maxValue: 'MAX_VALUE_EXCEEDED',
  // No input of the Organizations model is a union; the reason is never sent.
  union: 'INPUT_REQUIRED',
};

/** Bad input: InvalidInputException naming every violation, with the Reason of the first. */
export function invalidInput(message: string, violations: readonly Violation[]): ServiceError {
  const first = violations[0];
  return new ServiceError('InvalidInputException', message, 400, false, {
    ...(first ? { Reason: INVALID_INPUT_REASONS[first.kind] } : {}),
  });
}

/**
 * An error raised before the operation ran (a request fault, the framework) and named as SSO Admin names it,
 * named as Organizations' model does: ThrottlingException is TooManyRequestsException, InternalServerException is
 * ServiceException, ValidationException is InvalidInputException. Others (AccessDeniedException, a bare 503, an
 * Organizations error injected by name) pass as they are.
 */
export function asOrganizationsError(error: ServiceError): ServiceError {
  switch (error.errorName) {
    case 'ThrottlingException':
      return tooManyRequests();
    case 'InternalServerException':
      return new ServiceError('ServiceException', MESSAGES.ServiceException, 500);
    case 'ValidationException':
      return new ServiceError('InvalidInputException', error.message, 400, false, error.members);
    default:
      return error;
  }
}

function text(input: JsonObject, member: string): string {
  const value = input[member];
  return typeof value === 'string' ? value : '';
}

/** What a test gives to add an account; the rest is filled in (ACTIVE, under the root, CREATED now). */
export interface AccountSeed {
  id: string;
  name: string;
  /** Give one of status and state (or neither, for ACTIVE); the other follows (statusOfState). */
  status?: AccountStatus;
  state?: AccountState;
  email?: string;
  parentId?: string;
  joinedMethod?: AccountJoinedMethod;
  joinedAt?: number;
}

export interface OrganizationsSettings {
  /**
   * The most one List page holds, whatever MaxResults asks (the model allows 1–20): Organizations may answer
   * fewer items than MaxResults and a NextToken, so callers must follow NextToken, not count.
   */
  pageSize: number;
}

export class OrganizationsService {
  constructor(
    private readonly world: () => World,
    private readonly clock: Clock,
    private readonly faults: FaultController,
    private readonly settings: OrganizationsSettings,
  ) {}

  /** Runs one validated operation. Throws ServiceError for modelled errors. */
  invoke(operation: OrganizationsOperation, input: JsonObject): JsonObject {
    switch (operation) {
      case 'DescribeOrganization':
        return { Organization: this.organizationOutput() };
      case 'ListRoots':
        return this.page(operation, undefined, [this.rootOutput()], input, 'Roots');
      case 'ListChildren': {
        const parentId = this.requireParent(text(input, 'ParentId'));
        const children =
          input.ChildType === 'ACCOUNT'
            ? this.accountsIn(parentId).map((account) => ({ Id: account.id, Type: 'ACCOUNT' }))
            : this.unitsIn(parentId).map((unit) => ({ Id: unit.id, Type: 'ORGANIZATIONAL_UNIT' }));
        // The token is bound to the parent and the child type it was handed out for.
        return this.page(operation, `${parentId} ${text(input, 'ChildType')}`, children, input, 'Children');
      }
      case 'ListOrganizationalUnitsForParent': {
        const parentId = this.requireParent(text(input, 'ParentId'));
        const units = this.unitsIn(parentId).map((unit) => this.unitOutput(unit));
        return this.page(operation, parentId, units, input, 'OrganizationalUnits');
      }
      case 'ListAccountsForParent': {
        // Only the accounts directly in the parent, not those of its child OUs (API reference).
        const parentId = this.requireParent(text(input, 'ParentId'));
        const accounts = this.accountsIn(parentId).map((account) => this.accountOutput(account));
        return this.page(operation, parentId, accounts, input, 'Accounts');
      }
      case 'ListAccounts': {
        const accounts = this.world().accounts.map((account) => this.accountOutput(account));
        return this.page(operation, undefined, accounts, input, 'Accounts');
      }
      case 'DescribeAccount': {
        const account = this.findAccount(text(input, 'AccountId'));
        if (!account) throw new ServiceError('AccountNotFoundException', MESSAGES.AccountNotFoundException);
        return { Account: this.accountOutput(account) };
      }
      case 'DescribeOrganizationalUnit': {
        const unit = this.findUnit(text(input, 'OrganizationalUnitId'));
        if (!unit) {
          throw new ServiceError(
            'OrganizationalUnitNotFoundException',
            MESSAGES.OrganizationalUnitNotFoundException,
          );
        }
        return { OrganizationalUnit: this.unitOutput(unit) };
      }
      case 'ListParents': {
        // An account or OU has exactly one parent: the root or an OU.
        const childId = text(input, 'ChildId');
        const parentId = (this.findAccount(childId) ?? this.findUnit(childId))?.parentId;
        if (parentId === undefined) {
          throw new ServiceError('ChildNotFoundException', MESSAGES.ChildNotFoundException);
        }
        const parents = [{ Id: parentId, Type: this.isRoot(parentId) ? 'ROOT' : 'ORGANIZATIONAL_UNIT' }];
        return this.page(operation, childId, parents, input, 'Parents');
      }
    }
  }

  // ---- out-of-band changes (the state API) ---------------------------------------------------------------------

  /** Adds an account (by default ACTIVE, directly under the root, CREATED now) and returns it. */
  addAccount(seed: AccountSeed): WorldAccount {
    const world = this.world();
    const state = seed.state ?? seed.status ?? 'ACTIVE';
    if (seed.status !== undefined && seed.status !== statusOfState(state)) {
      throw new Error(`An account in state ${state} has status ${statusOfState(state)}, not ${seed.status}`);
    }
    const parentId = seed.parentId ?? world.organization.rootId;
    this.requireExistingParent(parentId);
    const account: WorldAccount = {
      id: seed.id,
      name: seed.name,
      status: statusOfState(state),
      state,
      email: seed.email ?? `aws+${seed.id}@example.com`,
      parentId,
      joinedMethod: seed.joinedMethod ?? 'CREATED',
      joinedAt: seed.joinedAt ?? this.clock.now(),
    };
    world.accounts = [...world.accounts.filter((existing) => existing.id !== account.id), account];
    return { ...account };
  }

  /** Moves an account to another parent, as MoveAccount does. Returns whether it moved (false: already there). */
  moveAccount(accountId: string, destinationParentId: string): boolean {
    const account = this.requireAccount(accountId);
    this.requireExistingParent(destinationParentId);
    if (account.parentId === destinationParentId) return false;
    account.parentId = destinationParentId;
    return true;
  }

  /** Puts an account in a state (suspended, closing, closed, …); its Status follows. */
  setAccountState(accountId: string, state: AccountState): void {
    const account = this.requireAccount(accountId);
    account.state = state;
    account.status = statusOfState(state);
  }

  /**
   * Adds an OU, as CreateOrganizationalUnit does: its ID is `ou-<root suffix>-<8 characters>` unless given; its
   * name must be new among its siblings (DuplicateOrganizationalUnitException), and OUs nest at most five deep
   * under the root (the limit the API reference gives with service control policies enabled).
   */
  addOrganizationalUnit(unit: { name: string; parentId: string; id?: string }): WorldOrganizationalUnit {
    const world = this.world();
    this.requireExistingParent(unit.parentId);
    if (this.unitsIn(unit.parentId).some((sibling) => sibling.name === unit.name)) {
      throw new Error(`${unit.parentId} already has an OU named ${unit.name}`);
    }
    if (this.depthOf(unit.parentId) >= 5) throw new Error('OUs nest at most five levels deep');
    const rootSuffix = world.organization.rootId.slice('r-'.length);
    const created: WorldOrganizationalUnit = {
      id: unit.id ?? `ou-${rootSuffix}-${randomBytes(4).toString('hex')}`,
      name: unit.name,
      parentId: unit.parentId,
    };
    if (this.findUnit(created.id)) throw new Error(`An OU with ID ${created.id} exists already`);
    world.organization.organizationalUnits.push(created);
    return { ...created };
  }

  // ---- helpers ---------------------------------------------------------------------------------------------------

  private page(
    operation: OrganizationsOperation,
    scope: string | undefined,
    items: readonly unknown[],
    input: JsonObject,
    resultKey: string,
  ): JsonObject {
    const asked = typeof input.MaxResults === 'number' ? input.MaxResults : this.settings.pageSize;
    const nextToken = typeof input.NextToken === 'string' ? input.NextToken : undefined;
    const { page, nextToken: next } = paginate(items, {
      operation,
      ...(scope === undefined ? {} : { scope }),
      pageSize: Math.min(asked, this.settings.pageSize),
      ...(nextToken === undefined ? {} : { nextToken }),
      empty: this.faults.takeEmptyPage(operation),
      invalidToken: () =>
        new ServiceError('InvalidInputException', MESSAGES.InvalidNextToken, 400, false, {
          Reason: 'INVALID_NEXT_TOKEN',
        }),
    });
    return next === undefined ? { [resultKey]: page } : { [resultKey]: page, NextToken: next };
  }

  private get managementAccountId(): string {
    return this.world().ownerAccountId;
  }

  private arn(kind: 'organization' | 'root' | 'ou' | 'account', id?: string): string {
    const organizationId = this.world().organization.id;
    // Shapes OrganizationArn, RootArn, OrganizationalUnitArn, AccountArn: in the management account's namespace.
    const base = `arn:aws:organizations::${this.managementAccountId}:${kind}/${organizationId}`;
    return id === undefined ? base : `${base}/${id}`;
  }

  private organizationOutput(): JsonObject {
    const { organization } = this.world();
    return {
      Id: organization.id,
      Arn: this.arn('organization'),
      FeatureSet: 'ALL',
      MasterAccountArn: this.arn('account', this.managementAccountId),
      MasterAccountId: this.managementAccountId,
      MasterAccountEmail: organization.managementAccountEmail,
      // Deprecated in the model's DescribeOrganizationResponse ("doesn't include any policy type supported by
      // Organizations other than SCPs"); it lists SCPs, as it does with all features enabled.
      AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
    };
  }

  private rootOutput(): JsonObject {
    const { rootId } = this.world().organization;
    return {
      Id: rootId,
      Arn: this.arn('root', rootId),
      Name: 'Root',
      PolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
    };
  }

  private unitOutput(unit: WorldOrganizationalUnit): JsonObject {
    return { Id: unit.id, Arn: this.arn('ou', unit.id), Name: unit.name };
  }

  /** Both Status (deprecated, still answered) and State, as the model's Account shape has them. */
  private accountOutput(account: WorldAccount): JsonObject {
    return {
      Id: account.id,
      Arn: this.arn('account', account.id),
      Email: account.email,
      Name: account.name,
      Status: account.status,
      State: account.state,
      JoinedMethod: account.joinedMethod,
      JoinedTimestamp: epochSeconds(account.joinedAt),
    };
  }

  private isRoot(id: string): boolean {
    return id === this.world().organization.rootId;
  }

  private findAccount(id: string): WorldAccount | undefined {
    return this.world().accounts.find((account) => account.id === id);
  }

  private findUnit(id: string): WorldOrganizationalUnit | undefined {
    return this.world().organization.organizationalUnits.find((unit) => unit.id === id);
  }

  private accountsIn(parentId: string): WorldAccount[] {
    return this.world().accounts.filter((account) => account.parentId === parentId);
  }

  private unitsIn(parentId: string): WorldOrganizationalUnit[] {
    return this.world().organization.organizationalUnits.filter((unit) => unit.parentId === parentId);
  }

  /** The root (0) or an OU's depth under it. */
  private depthOf(parentId: string): number {
    let depth = 0;
    for (let unit = this.findUnit(parentId); unit; unit = this.findUnit(unit.parentId)) depth += 1;
    return depth;
  }

  private requireParent(parentId: string): string {
    if (!this.isRoot(parentId) && !this.findUnit(parentId)) {
      throw new ServiceError('ParentNotFoundException', MESSAGES.ParentNotFoundException);
    }
    return parentId;
  }

  private requireExistingParent(parentId: string): void {
    if (!this.isRoot(parentId) && !this.findUnit(parentId)) {
      throw new Error(`${parentId} is neither the root nor an OU of the emulated organisation`);
    }
  }

  private requireAccount(accountId: string): WorldAccount {
    const account = this.findAccount(accountId);
    if (!account) throw new Error(`Account ${accountId} is not in the emulated organisation`);
    return account;
  }
}

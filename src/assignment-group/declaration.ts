/** The group's properties as the schema declares them (raw JSON, after schema validation). */
export interface GroupProperties {
  readonly Name?: string;
  readonly InstanceArn: string;
  readonly Principals: readonly PrincipalProperties[];
  readonly PermissionSets: readonly string[];
  readonly Targets: readonly TargetProperties[];
  readonly AdoptExisting?: boolean;
  readonly ExcludedAccountIds?: readonly string[];
  readonly Revision?: string;
}

/** By ID or by name (exactly one of them; the schema cannot say so, resolution checks it). */
export interface PrincipalProperties {
  readonly PrincipalType: 'USER' | 'GROUP';
  readonly PrincipalId?: string;
  readonly PrincipalName?: string;
}

export interface TargetProperties {
  readonly TargetType: 'AWS_ACCOUNT' | 'AWS_OU';
  readonly TargetIds: readonly string[];
  readonly Recursive?: boolean;
}

export interface ResolvedPrincipal {
  readonly principalType: 'USER' | 'GROUP';
  readonly principalId: string;
  /** The name it was declared by, if it was. */
  readonly principalName?: string;
}

export interface ResolvedPermissionSet {
  readonly arn: string;
  /** The name it was declared by, if it was. */
  readonly name?: string;
}

/** What a declaration stood for when it was resolved (resolve.ts): the group's pinned answer, kept in its state. */
export interface Resolution {
  /** One per declared principal, in the declared order. */
  readonly principals: readonly ResolvedPrincipal[];
  /** One per declared permission set, in the declared order. */
  readonly permissionSets: readonly ResolvedPermissionSet[];
  /** The accounts assigned: every active account the targets name or contain, less ExcludedAccountIds. Sorted. */
  readonly accounts: readonly string[];
  /** Accounts the targets name or contain that are not active: nothing is assigned there. Sorted. */
  readonly inactive: readonly string[];
  /** Per organizational unit or root target: the active accounts it contained (before exclusions), sorted. */
  readonly units: Readonly<Record<string, readonly string[]>>;
}

/** One account assignment the group stands for. */
export interface AssignmentTuple {
  readonly principalType: 'USER' | 'GROUP';
  readonly principalId: string;
  readonly permissionSetArn: string;
  readonly accountId: string;
}

/**
 * At most this many assignments per group: its owned set must fit one DynamoDB item (400 KB, compressed), and
 * one group converges in a few hours at SSO Admin's 20 requests per second. A larger estate is several groups.
 */
export const MAX_ASSIGNMENTS_PER_GROUP = 10_000;

/** A declaration the schema accepts but the group cannot stand for: the property and the rule, for the message. */
export class DeclarationError extends Error {
  override readonly name = 'DeclarationError';
}

/** `USER:<id>|<permission set ARN>|<account>`: one string per assignment, stable across invocations. */
export function assignmentKey(tuple: AssignmentTuple): string {
  return `${tuple.principalType}:${tuple.principalId}|${tuple.permissionSetArn}|${tuple.accountId}`;
}

export function tupleOfKey(key: string): AssignmentTuple {
  const match = /^(USER|GROUP):([^|]+)\|([^|]+)\|(\d{12})$/.exec(key);
  if (!match) throw new Error(`not an assignment key: ${key}`);
  const [, principalType, principalId, permissionSetArn, accountId] = match;
  return {
    principalType: principalType === 'USER' ? 'USER' : 'GROUP',
    principalId: principalId ?? '',
    permissionSetArn: permissionSetArn ?? '',
    accountId: accountId ?? '',
  };
}

/** Every account target, each once; an account listed by two targets is a mistake worth naming. */
function listedAccounts(properties: GroupProperties): string[] {
  const seenIn = new Map<string, number>();
  properties.Targets.forEach((target, index) => {
    if (target.TargetType !== 'AWS_ACCOUNT') return;
    for (const accountId of target.TargetIds) {
      const earlier = seenIn.get(accountId);
      if (earlier !== undefined && earlier !== index) {
        throw new DeclarationError(
          `Property Targets lists account ${accountId} twice (Targets.${earlier} and Targets.${index}): list each account once`,
        );
      }
      seenIn.set(accountId, index);
    }
  });
  return [...seenIn.keys()];
}

/**
 * A declaration taken literally, with no call: IDs, ARNs and account targets as written (organizational units
 * stand for no account). The resolution of a group recorded before resolutions were kept, and of test fixtures.
 */
export function literalResolution(properties: GroupProperties): Resolution {
  const excluded = new Set(properties.ExcludedAccountIds ?? []);
  return {
    principals: properties.Principals.map((principal) => ({
      principalType: principal.PrincipalType,
      principalId: principal.PrincipalId ?? '',
    })),
    permissionSets: properties.PermissionSets.map((arn) => ({ arn })),
    accounts: listedAccounts(properties)
      .filter((accountId) => !excluded.has(accountId))
      .sort(),
    inactive: [],
    units: {},
  };
}

/** The assignments a resolution stands for (principals x permission sets x accounts), as sorted keys. */
export function expand(resolution: Pick<Resolution, 'principals' | 'permissionSets' | 'accounts'>): string[] {
  const { principals, permissionSets, accounts } = resolution;
  const count = principals.length * permissionSets.length * accounts.length;
  if (count > MAX_ASSIGNMENTS_PER_GROUP) {
    throw new DeclarationError(
      `The group stands for ${count} assignments (${principals.length} Principals x ` +
        `${permissionSets.length} PermissionSets x ${accounts.length} accounts); at most ` +
        `${MAX_ASSIGNMENTS_PER_GROUP}: split it into several groups`,
    );
  }
  const keys: string[] = [];
  for (const principal of principals) {
    for (const { arn: permissionSetArn } of permissionSets) {
      for (const accountId of accounts) {
        keys.push(
          assignmentKey({
            principalType: principal.principalType,
            principalId: principal.principalId,
            permissionSetArn,
            accountId,
          }),
        );
      }
    }
  }
  return keys.sort();
}

/** The assignments a declaration stands for taken literally (literalResolution). */
export function expandDeclared(properties: GroupProperties): string[] {
  return expand(literalResolution(properties));
}

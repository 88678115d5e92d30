/** The group's properties as the schema declares them (raw JSON, after schema validation). */
export interface GroupProperties {
  readonly Name?: string;
  readonly InstanceArn: string;
  readonly Principals: readonly PrincipalProperties[];
  readonly PermissionSets: readonly string[];
  readonly Targets: readonly TargetProperties[];
  readonly AdoptExisting?: boolean;
}

export interface PrincipalProperties {
  readonly PrincipalType: 'USER' | 'GROUP';
  readonly PrincipalId: string;
}

export interface TargetProperties {
  readonly TargetType: 'AWS_ACCOUNT';
  readonly TargetIds: readonly string[];
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

/** Every target account, each once; an account listed by two targets is a mistake worth naming. */
export function targetAccounts(properties: GroupProperties): string[] {
  const seenIn = new Map<string, number>();
  properties.Targets.forEach((target, index) => {
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

/** The assignments the group stands for (Principals x PermissionSets x target accounts), as sorted keys. */
export function expand(properties: GroupProperties): string[] {
  const accounts = targetAccounts(properties);
  const count = properties.Principals.length * properties.PermissionSets.length * accounts.length;
  if (count > MAX_ASSIGNMENTS_PER_GROUP) {
    throw new DeclarationError(
      `The group stands for ${count} assignments (${properties.Principals.length} Principals x ` +
        `${properties.PermissionSets.length} PermissionSets x ${accounts.length} accounts); at most ` +
        `${MAX_ASSIGNMENTS_PER_GROUP}: split it into several groups`,
    );
  }
  const keys: string[] = [];
  for (const principal of properties.Principals) {
    for (const permissionSetArn of properties.PermissionSets) {
      for (const accountId of accounts) {
        keys.push(
          assignmentKey({
            principalType: principal.PrincipalType,
            principalId: principal.PrincipalId,
            permissionSetArn,
            accountId,
          }),
        );
      }
    }
  }
  return keys.sort();
}

import Bottleneck from 'bottleneck';
import { Clients, principalExists, PrincipalRef } from '../core';
import { tupleOfKey } from './declaration';

/** `USER:id` / `GROUP:id`: how the group names a principal in its sets. */
export function principalKeyOf(principal: PrincipalRef): string {
  return `${principal.principalType}:${principal.principalId}`;
}

/** The distinct principals of some assignment keys. */
export function principalsOf(keys: Iterable<string>): PrincipalRef[] {
  const principals = new Map<string, PrincipalRef>();
  for (const key of keys) {
    const { principalType, principalId } = tupleOfKey(key);
    principals.set(principalKeyOf({ principalType, principalId }), { principalType, principalId });
  }
  return [...principals.values()];
}

// Identity Store reads have their own quota (not SSO Admin's 20 requests/s): a few at a time is enough for 100
// principals within one invocation.
export const IDENTITY_STORE_CONCURRENCY = 5;

/**
 * Which of the principals of `keys` no longer exist in the instance's identity store (SCIM deprovisioning). Their
 * assignments stay listed by SSO Admin but grant nothing, and deleting them FAILs ("assignee … not found in
 * directory"; see core/principals.ts): the group counts them as gone.
 */
export async function deprovisionedPrincipals(
  clients: Clients,
  instanceArn: string,
  keys: Iterable<string>,
): Promise<Set<string>> {
  const limiter = new Bottleneck({ maxConcurrent: IDENTITY_STORE_CONCURRENCY });
  const principalClients = { ssoAdmin: clients.ssoAdmin, identityStore: clients.identityStore() };
  const absent = new Set<string>();
  await Promise.all(
    principalsOf(keys).map((principal) =>
      limiter.schedule(async () => {
        if (!(await principalExists(principalClients, instanceArn, principal))) {
          absent.add(principalKeyOf(principal));
        }
      }),
    ),
  );
  return absent;
}

/** The keys whose principal is not in `absent`. */
export function withoutPrincipals(keys: Iterable<string>, absent: ReadonlySet<string>): Set<string> {
  return new Set([...keys].filter((key) => !absent.has(principalKeyOf(tupleOfKey(key)))));
}

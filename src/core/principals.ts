import {
  DescribeGroupCommand,
  DescribeUserCommand,
  IdentitystoreClient,
} from '@aws-sdk/client-identitystore';
import { DescribeInstanceCommand, PrincipalType, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { isResourceAbsent } from './errors';

export interface PrincipalRef {
  readonly principalType: PrincipalType;
  readonly principalId: string;
}

/** USER or GROUP, the two PrincipalType values of the SSO Admin model. */
export function isPrincipalType(value: unknown): value is PrincipalType {
  return value === PrincipalType.USER || value === PrincipalType.GROUP;
}

export interface PrincipalClients {
  readonly ssoAdmin: SSOAdminClient;
  readonly identityStore: IdentitystoreClient;
}

/** The identity store DescribeInstance named is not there (the instance's identity source was changed). */
export class IdentityStoreNotFoundError extends Error {
  override readonly name = 'IdentityStoreNotFoundError';
}

// An instance's identity store never changes for the life of the instance, so a warm process asks once.
const identityStoreIds = new Map<string, string>();

/** The identity store of an instance (DescribeInstance), asked once per warm process. */
export async function identityStoreIdOf(client: SSOAdminClient, instanceArn: string): Promise<string> {
  const known = identityStoreIds.get(instanceArn);
  if (known !== undefined) return known;
  const response = await client.send(new DescribeInstanceCommand({ InstanceArn: instanceArn }));
  const identityStoreId = response?.IdentityStoreId;
  if (!identityStoreId) throw new Error(`DescribeInstance returned no IdentityStoreId for ${instanceArn}`);
  identityStoreIds.set(instanceArn, identityStoreId);
  return identityStoreId;
}

/**
 * Whether the user or group an assignment names still exists in the instance's identity store. A principal
 * deleted from the identity store (SCIM deprovisioning) leaves its assignments listed in SSO Admin, and
 * deleting them then FAILs ("the USER assignee … was not found in directory d-…", terraform-provider-aws
 * #19341): such an assignment grants nothing, so the handlers treat it as gone. The Identity Store is asked
 * rather than the FailureReason's wording parsed, because READ has no failure to read and the wording is
 * undocumented.
 */
export async function principalExists(
  clients: PrincipalClients,
  instanceArn: string,
  principal: PrincipalRef,
): Promise<boolean> {
  const identityStoreId = await identityStoreIdOf(clients.ssoAdmin, instanceArn);
  try {
    if (principal.principalType === PrincipalType.USER) {
      await clients.identityStore.send(
        new DescribeUserCommand({ IdentityStoreId: identityStoreId, UserId: principal.principalId }),
      );
    } else {
      await clients.identityStore.send(
        new DescribeGroupCommand({ IdentityStoreId: identityStoreId, GroupId: principal.principalId }),
      );
    }
    return true;
  } catch (error: unknown) {
    // Only "this user/group is not found" means gone; a missing identity store or a KMS Reason is an error.
    const resourceType =
      typeof error === 'object' && error !== null && 'ResourceType' in error ? error.ResourceType : undefined;
    if (isResourceAbsent(error) && resourceType === 'IDENTITY_STORE') {
      // Ask DescribeInstance again next time: the instance may have a new identity source.
      identityStoreIds.delete(instanceArn);
      throw new IdentityStoreNotFoundError(
        `identity store ${identityStoreId} of instance ${instanceArn} was not found; retry, and check the ` +
          "instance's identity source if this persists",
      );
    }
    if (isResourceAbsent(error)) return false;
    throw error;
  }
}

/** The instance ARN an application ARN belongs to: `arn:P:sso::ACCOUNT:application/ssoins-X/apl-Y` → `arn:P:sso:::instance/ssoins-X`. */
export function instanceArnOfApplication(applicationArn: string): string {
  const match = /^arn:([\w-]+):sso::\d{12}:application\/((?:sso)?ins-[a-zA-Z0-9-.]{16})\//u.exec(
    applicationArn,
  );
  if (!match) throw new Error(`${applicationArn} is not an IAM Identity Center application ARN`);
  return `arn:${match[1] ?? 'aws'}:sso:::instance/${match[2] ?? ''}`;
}

/** For tests: forget the identity store IDs a warm process has learned. */
export function forgetIdentityStoreIds(): void {
  identityStoreIds.clear();
}

import {
  DescribeGroupCommand,
  DescribeUserCommand,
  IdentitystoreClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-identitystore';
import { DescribeInstanceCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { forgetIdentityStoreIds } from '../../src/core/principals';

export const IDENTITY_STORE_ID = 'd-1234567890';

/**
 * The Identity Store as the handlers see it in unit tests: the instance's identity store holds every user and
 * group (DescribeUser/DescribeGroup answer) until `deletePrincipal` removes one, as SCIM deprovisioning does.
 */
export function mockIdentityStore(sso: AwsClientStub<SSOAdminClient>) {
  const identityStore = mockClient(IdentitystoreClient);
  const deleted = new Set<string>();
  const notFound = (resourceType: 'USER' | 'GROUP', resourceId: string) =>
    new ResourceNotFoundException({
      message: `${resourceType} not found`,
      ResourceType: resourceType,
      ResourceId: resourceId,
      $metadata: {},
    });
  return {
    identityStore,
    /** Call after every `sso.reset()`: the instance and its identity store exist, every principal too. */
    reset(): void {
      forgetIdentityStoreIds();
      deleted.clear();
      identityStore.reset();
      sso.on(DescribeInstanceCommand).callsFake((input: { InstanceArn?: string }) => ({
        InstanceArn: input.InstanceArn,
        IdentityStoreId: IDENTITY_STORE_ID,
        Status: 'ACTIVE',
      }));
      identityStore.on(DescribeUserCommand).callsFake((input: { UserId?: string }) => {
        if (deleted.has(input.UserId ?? '')) throw notFound('USER', input.UserId ?? '');
        return { IdentityStoreId: IDENTITY_STORE_ID, UserId: input.UserId };
      });
      identityStore.on(DescribeGroupCommand).callsFake((input: { GroupId?: string }) => {
        if (deleted.has(input.GroupId ?? '')) throw notFound('GROUP', input.GroupId ?? '');
        return { IdentityStoreId: IDENTITY_STORE_ID, GroupId: input.GroupId };
      });
    },
    deletePrincipal(principalId: string): void {
      deleted.add(principalId);
    },
  };
}

/**
 * The emulated Identity Store (`AWSIdentityStore.*`, schema/aws-models/identitystore.service-2.json): the users
 * and groups of the world's identity store, which SSO Admin assignments name by PrincipalId. It reads the same
 * world as the SSO Admin service, so a principal removed from the world (as SCIM deprovisioning does) is gone
 * for both.
 */
import { ServiceError } from './errors';
import type { JsonObject } from './service';
import type { World } from './world';

/** The Identity Store operations the emulator implements. */
export const IDENTITY_STORE_OPERATIONS = ['DescribeUser', 'DescribeGroup'] as const;

export type IdentityStoreOperation = (typeof IDENTITY_STORE_OPERATIONS)[number];

export function isIdentityStoreOperation(name: string): name is IdentityStoreOperation {
  return (IDENTITY_STORE_OPERATIONS as readonly string[]).includes(name);
}

/**
 * Identity Store's ResourceNotFoundException carries `ResourceType` (USER, GROUP, IDENTITY_STORE, …) and
 * `ResourceId` beside the message (the model's ResourceNotFoundException shape).
 */
function resourceNotFound(
  resourceType: 'USER' | 'GROUP' | 'IDENTITY_STORE',
  resourceId: string,
): ServiceError {
  const noun = { USER: 'User', GROUP: 'Group', IDENTITY_STORE: 'Identity store' }[resourceType];
  return new ServiceError('ResourceNotFoundException', `${noun} not found: ${resourceId}`, 400, false, {
    ResourceType: resourceType,
    ResourceId: resourceId,
  });
}

function text(input: JsonObject, member: string): string {
  const value = input[member];
  return typeof value === 'string' ? value : '';
}

export class IdentityStoreService {
  constructor(private readonly world: () => World) {}

  /** Runs one validated operation. Throws ServiceError for modelled errors. */
  invoke(operation: IdentityStoreOperation, input: JsonObject): JsonObject {
    const identityStoreId = text(input, 'IdentityStoreId');
    const world = this.world();
    if (identityStoreId !== world.identityStoreId) throw resourceNotFound('IDENTITY_STORE', identityStoreId);
    switch (operation) {
      case 'DescribeUser': {
        const userId = text(input, 'UserId');
        const user = world.users.find((candidate) => candidate.id === userId);
        if (!user) throw resourceNotFound('USER', userId);
        return { IdentityStoreId: identityStoreId, UserId: user.id, UserName: user.name };
      }
      case 'DescribeGroup': {
        const groupId = text(input, 'GroupId');
        const group = world.groups.find((candidate) => candidate.id === groupId);
        if (!group) throw resourceNotFound('GROUP', groupId);
        return { IdentityStoreId: identityStoreId, GroupId: group.id, DisplayName: group.name };
      }
    }
  }
}

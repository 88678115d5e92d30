/**
 * The emulated Identity Store (`AWSIdentityStore.*`, schema/aws-models/identitystore.service-2.json): the users
 * and groups of the world's identity store, which SSO Admin assignments name by PrincipalId. It reads the same
 * world as the SSO Admin service, so a principal removed from the world (as SCIM deprovisioning does) is gone
 * for both.
 */
import { ServiceError, validationError } from './errors';
import { paginate } from './pages';
import type { JsonObject } from './service';
import type { World, WorldPrincipal } from './world';

/** The Identity Store operations the emulator implements. */
export const IDENTITY_STORE_OPERATIONS = [
  'DescribeUser',
  'DescribeGroup',
  'GetUserId',
  'GetGroupId',
  'ListUsers',
  'ListGroups',
] as const;

export type IdentityStoreOperation = (typeof IDENTITY_STORE_OPERATIONS)[number];

export function isIdentityStoreOperation(name: string): name is IdentityStoreOperation {
  return (IDENTITY_STORE_OPERATIONS as readonly string[]).includes(name);
}

type PrincipalKind = 'USER' | 'GROUP';

/**
 * The attribute that names a principal: a user's UserName, a group's DisplayName. GetUserId / GetGroupId take it
 * as the SCIM attribute path (`userName`, `displayName`); ListUsers / ListGroups' deprecated filter as the API
 * member name (`UserName`, `DisplayName`). SCIM attribute names are case-insensitive (RFC 7643, section 2.1), so
 * both compare paths that way.
 */
const NAME_ATTRIBUTE: Record<PrincipalKind, string> = { USER: 'username', GROUP: 'displayname' };

/**
 * Identity Store's ResourceNotFoundException carries `ResourceType` (USER, GROUP, IDENTITY_STORE, …) and
 * `ResourceId` beside the message (the model's ResourceNotFoundException shape); a principal looked up by an
 * alternate identifier has no ID to name.
 */
function resourceNotFound(resourceType: PrincipalKind | 'IDENTITY_STORE', resourceId?: string): ServiceError {
  const noun = { USER: 'User', GROUP: 'Group', IDENTITY_STORE: 'Identity store' }[resourceType];
  return new ServiceError(
    'ResourceNotFoundException',
    resourceId === undefined ? `${noun} not found` : `${noun} not found: ${resourceId}`,
    400,
    false,
    { ResourceType: resourceType, ...(resourceId === undefined ? {} : { ResourceId: resourceId }) },
  );
}

function text(input: JsonObject, member: string): string {
  const value = input[member];
  return typeof value === 'string' ? value : '';
}

function record(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonObject)
    : undefined;
}

export interface IdentityStoreSettings {
  /** Page size of ListUsers / ListGroups when MaxResults is absent. */
  defaultPageSize: number;
}

export class IdentityStoreService {
  constructor(
    private readonly world: () => World,
    private readonly settings: IdentityStoreSettings,
  ) {}

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
      case 'GetUserId': {
        const user = this.byAlternateIdentifier('USER', world.users, input);
        return { IdentityStoreId: identityStoreId, UserId: user.id };
      }
      case 'GetGroupId': {
        const group = this.byAlternateIdentifier('GROUP', world.groups, input);
        return { IdentityStoreId: identityStoreId, GroupId: group.id };
      }
      case 'ListUsers': {
        const users = this.filtered('USER', world.users, input).map((user) => ({
          IdentityStoreId: identityStoreId,
          UserId: user.id,
          UserName: user.name,
        }));
        return this.page(operation, users, input, 'Users');
      }
      case 'ListGroups': {
        const groups = this.filtered('GROUP', world.groups, input).map((group) => ({
          IdentityStoreId: identityStoreId,
          GroupId: group.id,
          DisplayName: group.name,
        }));
        return this.page(operation, groups, input, 'Groups');
      }
    }
  }

  /**
   * GetUserId / GetGroupId: AlternateIdentifier is a union (the model validated that exactly one member is set)
   * of UniqueAttribute {AttributePath, AttributeValue} and ExternalId {Issuer, Id}. The emulator knows the name
   * attribute only; the world's principals have no external IDs (nothing synchronises them from an IdP), so an
   * ExternalId finds nobody.
   */
  private byAlternateIdentifier(
    kind: PrincipalKind,
    principals: readonly WorldPrincipal[],
    input: JsonObject,
  ): WorldPrincipal {
    const alternate = record(input.AlternateIdentifier);
    const unique = record(alternate?.UniqueAttribute);
    if (!unique) throw resourceNotFound(kind);
    const path = text(unique, 'AttributePath');
    if (path.toLowerCase() !== NAME_ATTRIBUTE[kind]) {
      throw validationError(`AttributePath ${path} is not a unique attribute the emulator can look up`);
    }
    // AttributeValue is a document; a name is a string.
    const value = unique.AttributeValue;
    if (typeof value !== 'string') throw validationError(`AttributeValue for ${path} must be a string`);
    const principal = principals.find((candidate) => candidate.name === value);
    if (!principal) throw resourceNotFound(kind);
    return principal;
  }

  /** ListUsers / ListGroups: at most one filter (model: Filters max 1), deprecated, on the name attribute only. */
  private filtered(
    kind: PrincipalKind,
    principals: readonly WorldPrincipal[],
    input: JsonObject,
  ): WorldPrincipal[] {
    const filters = Array.isArray(input.Filters) ? input.Filters : [];
    const filter = record(filters[0]);
    if (!filter) return [...principals];
    const path = text(filter, 'AttributePath');
    if (path.toLowerCase() !== NAME_ATTRIBUTE[kind]) {
      throw validationError(`Filtering on ${path} is not supported`);
    }
    const value = text(filter, 'AttributeValue');
    return principals.filter((principal) => principal.name === value);
  }

  private page(
    operation: IdentityStoreOperation,
    items: readonly JsonObject[],
    input: JsonObject,
    resultKey: string,
  ): JsonObject {
    const nextToken = typeof input.NextToken === 'string' ? input.NextToken : undefined;
    const { page, nextToken: next } = paginate(items, {
      operation,
      pageSize: typeof input.MaxResults === 'number' ? input.MaxResults : this.settings.defaultPageSize,
      ...(nextToken === undefined ? {} : { nextToken }),
      invalidToken: () => validationError(`Invalid NextToken for ${operation}`),
    });
    return next === undefined ? { [resultKey]: page } : { [resultKey]: page, NextToken: next };
  }
}

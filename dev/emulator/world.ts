/**
 * The deterministic world the emulator starts with. Every ID is a constant (they are written into test inputs)
 * and matches the patterns of sso-admin.service-2.json:
 * - InstanceArn `arn:aws:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}`
 * - PermissionSetArn `…:permissionSet/(sso)?ins-…{16}/ps-[a-zA-Z0-9-./]{16}`
 * - PrincipalId `([0-9a-f]{10}-|)<GUID>` (identity-store user/group IDs, with or without the older 10-hex prefix)
 * - AccountId `\d{12}`
 * - ApplicationArn `arn:aws:sso::\d{12}:application/(sso)?ins-…{16}/apl-[a-zA-Z0-9]{16}`
 */

export type AccountStatus = 'ACTIVE' | 'SUSPENDED';

export interface WorldPermissionSet {
  name: string;
  arn: string;
  description?: string;
  sessionDuration?: string;
}

export interface WorldPrincipal {
  id: string;
  name: string;
}

export interface WorldAccount {
  id: string;
  name: string;
  status: AccountStatus;
}

export interface WorldApplication {
  arn: string;
  name: string;
}

export interface World {
  region: string;
  instanceArn: string;
  identityStoreId: string;
  /** The account that owns the instance (the organisation's management account). */
  ownerAccountId: string;
  permissionSets: WorldPermissionSet[];
  users: WorldPrincipal[];
  groups: WorldPrincipal[];
  accounts: WorldAccount[];
  applications: WorldApplication[];
}

const INSTANCE_ID = 'ssoins-72230b9a8e8e8b7a';
const MANAGEMENT_ACCOUNT_ID = '111122223333';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

export const DEFAULT_WORLD = deepFreeze({
  region: 'us-east-1',
  instanceArn: `arn:aws:sso:::instance/${INSTANCE_ID}`,
  identityStoreId: 'd-9067e5a4c1',
  ownerAccountId: MANAGEMENT_ACCOUNT_ID,
  permissionSets: [
    {
      name: 'AdministratorAccess',
      arn: `arn:aws:sso:::permissionSet/${INSTANCE_ID}/ps-a1b2c3d4e5f60718`,
      description: 'Full access to AWS services and resources',
      sessionDuration: 'PT1H',
    },
    {
      name: 'ReadOnlyAccess',
      arn: `arn:aws:sso:::permissionSet/${INSTANCE_ID}/ps-b2c3d4e5f6071829`,
      description: 'Read-only access to AWS services and resources',
      sessionDuration: 'PT4H',
    },
    {
      name: 'BillingAccess',
      arn: `arn:aws:sso:::permissionSet/${INSTANCE_ID}/ps-c3d4e5f60718293a`,
      description: 'Access to the billing console',
      sessionDuration: 'PT1H',
    },
  ],
  users: [
    // The 10-hex prefix form that older identity stores issue.
    { id: '9067e5a4c1-3f1c2b4a-5d6e-4f70-8a9b-0c1d2e3f4a5b', name: 'alice' },
    { id: '9067e5a4c1-7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d', name: 'bob' },
    // The plain GUID form of newer identity stores.
    { id: 'c4a8f4e8-70b1-70c3-5d2e-8f9a0b1c2d3e', name: 'carol' },
  ],
  groups: [
    { id: '9067e5a4c1-0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e', name: 'Administrators' },
    { id: 'e4b8a4f8-2031-70a5-6b7c-8d9e0f1a2b3c', name: 'Developers' },
    { id: 'f5c9b5a9-3142-70b6-7c8d-9e0f1a2b3c4d', name: 'Auditors' },
  ],
  // The organisation's management account, then its members (test helpers find accounts by name).
  accounts: [
    { id: MANAGEMENT_ACCOUNT_ID, name: 'management', status: 'ACTIVE' },
    { id: '222233334444', name: 'workload-dev', status: 'ACTIVE' },
    { id: '333344445555', name: 'workload-prod', status: 'ACTIVE' },
    { id: '444455556666', name: 'closed-sandbox', status: 'SUSPENDED' },
    { id: '555566667777', name: 'workload-staging', status: 'ACTIVE' },
    { id: '666677778888', name: 'shared-services', status: 'ACTIVE' },
    { id: '777788889999', name: 'log-archive', status: 'ACTIVE' },
  ],
  applications: [
    {
      arn: `arn:aws:sso::${MANAGEMENT_ACCOUNT_ID}:application/${INSTANCE_ID}/apl-1a2b3c4d5e6f7a8b`,
      name: 'Grafana',
    },
    {
      arn: `arn:aws:sso::${MANAGEMENT_ACCOUNT_ID}:application/${INSTANCE_ID}/apl-9f8e7d6c5b4a3f2e`,
      name: 'SalesforceCRM',
    },
  ],
} satisfies World);

/** An account ID that is valid by pattern but not a member of DEFAULT_WORLD's organisation. */
export const ACCOUNT_OUTSIDE_ORGANIZATION = '999988887777';

/** A principal ID that is valid by pattern but exists in no identity store of DEFAULT_WORLD. */
export const UNKNOWN_PRINCIPAL_ID = '0d0d0d0d-1e1e-4f2f-8a3a-4b4b4b4b4b4b';

export function cloneWorld(world: World): World {
  return {
    ...world,
    permissionSets: world.permissionSets.map((permissionSet) => ({ ...permissionSet })),
    users: world.users.map((user) => ({ ...user })),
    groups: world.groups.map((group) => ({ ...group })),
    accounts: world.accounts.map((account) => ({ ...account })),
    applications: world.applications.map((application) => ({ ...application })),
  };
}

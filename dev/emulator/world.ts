/**
 * The deterministic world the emulator starts with. Every ID is a constant (they are written into test inputs)
 * and matches the patterns of sso-admin.service-2.json:
 * - InstanceArn `arn:aws:sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}`
 * - PermissionSetArn `…:permissionSet/(sso)?ins-…{16}/ps-[a-zA-Z0-9-./]{16}`
 * - PrincipalId `([0-9a-f]{10}-|)<GUID>` (identity-store user/group IDs, with or without the older 10-hex prefix)
 * - AccountId `\d{12}`
 * - ApplicationArn `arn:aws:sso::\d{12}:application/(sso)?ins-…{16}/apl-[a-zA-Z0-9]{16}`
 * and of organizations.service-2.json:
 * - OrganizationId `^o-[a-z0-9]{10,32}$`, RootId `^r-[0-9a-z]{4,32}$`
 * - OrganizationalUnitId `^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$` (AWS puts the root's suffix first: r-7q2x → ou-7q2x-…)
 */

/**
 * An account's Status in Organizations (organizations.service-2.json shape `AccountStatus`). The model marks it
 * deprecated ("will be retired on September 9, 2026") in favour of State, but answers both; SSO Admin's checks here
 * read `state`.
 */
export type AccountStatus = 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE';

/** An account's State in Organizations (shape `AccountState`): where it is in its life cycle. */
export type AccountState = 'PENDING_ACTIVATION' | 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' | 'CLOSED';

/** How an account joined the organisation (shape `AccountJoinedMethod`). */
export type AccountJoinedMethod = 'INVITED' | 'CREATED';

/**
 * The Status an account in `state` reports. CLOSED shows as SUSPENDED: the model's CloseAccount documentation says
 * the status is PENDING_CLOSURE while the closure runs and "will change to SUSPENDED" when it completes.
 * PENDING_ACTIVATION has no Status of its own; ACTIVE is the emulator's assumption.
 */
export function statusOfState(state: AccountState): AccountStatus {
  switch (state) {
    case 'CLOSED':
      return 'SUSPENDED';
    case 'PENDING_ACTIVATION':
      return 'ACTIVE';
    default:
      return state;
  }
}

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
  /** Always `statusOfState(state)`; the state API changes both together. */
  status: AccountStatus;
  state: AccountState;
  email: string;
  /** The root or OU the account is in. */
  parentId: string;
  joinedMethod: AccountJoinedMethod;
  /** When it joined the organisation (epoch ms). */
  joinedAt: number;
}

export interface WorldOrganizationalUnit {
  id: string;
  name: string;
  /** The root or OU it is nested in. */
  parentId: string;
}

/** The AWS Organizations organisation the accounts belong to; its management account is `World.ownerAccountId`. */
export interface WorldOrganization {
  /** `o-…` (shape OrganizationId `^o-[a-z0-9]{10,32}$`). */
  id: string;
  /** The organisation's one root (shape RootId `^r-[0-9a-z]{4,32}$`). */
  rootId: string;
  managementAccountEmail: string;
  organizationalUnits: WorldOrganizationalUnit[];
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
  organization: WorldOrganization;
  applications: WorldApplication[];
}

const INSTANCE_ID = 'ssoins-72230b9a8e8e8b7a';
const MANAGEMENT_ACCOUNT_ID = '111122223333';

const ORGANIZATION_ID = 'o-4v8k2m9x1c';
const ROOT_ID = 'r-7q2x';

/** The OU tree (see README.md, "The seeded organisation"). */
const OU = {
  security: 'ou-7q2x-k3m8p2ta',
  infrastructure: 'ou-7q2x-w9d4r7nb',
  workloads: 'ou-7q2x-h2v6c8qe',
  prod: 'ou-7q2x-p5t1x9gm',
  payments: 'ou-7q2x-b8n3k6wz',
  staging: 'ou-7q2x-s4j7f2yd',
  dev: 'ou-7q2x-d6r9m1hc',
  sandbox: 'ou-7q2x-x1c5v8la',
  suspended: 'ou-7q2x-z7g2q4ep',
} as const;

const ORGANIZATIONAL_UNITS: WorldOrganizationalUnit[] = [
  { id: OU.security, name: 'Security', parentId: ROOT_ID },
  { id: OU.infrastructure, name: 'Infrastructure', parentId: ROOT_ID },
  { id: OU.workloads, name: 'Workloads', parentId: ROOT_ID },
  { id: OU.prod, name: 'Prod', parentId: OU.workloads },
  { id: OU.payments, name: 'Payments', parentId: OU.prod },
  { id: OU.staging, name: 'Staging', parentId: OU.workloads },
  { id: OU.dev, name: 'Dev', parentId: OU.workloads },
  { id: OU.sandbox, name: 'Sandbox', parentId: ROOT_ID },
  { id: OU.suspended, name: 'Suspended', parentId: ROOT_ID },
];

/** The organisation was created (and the management account joined it) at this time; members joined later. */
const ORGANIZATION_CREATED_AT = Date.UTC(2021, 2, 1);
const DAY_MS = 24 * 60 * 60 * 1000;

function member(
  index: number,
  account: { id: string; name: string; parentId: string; state?: AccountState },
): WorldAccount {
  const state = account.state ?? 'ACTIVE';
  return {
    id: account.id,
    name: account.name,
    status: statusOfState(state),
    state,
    email: `aws+${account.name}@example.com`,
    parentId: account.parentId,
    joinedMethod: 'CREATED',
    joinedAt: ORGANIZATION_CREATED_AT + (index + 1) * DAY_MS,
  };
}

/**
 * The accounts tests name (their IDs are written into test inputs and examples), management first. Positions
 * matter to older tests that take the first ACTIVE accounts, so new accounts only ever go after these.
 */
const NAMED_ACCOUNTS: WorldAccount[] = [
  {
    id: MANAGEMENT_ACCOUNT_ID,
    name: 'management',
    status: 'ACTIVE',
    state: 'ACTIVE',
    email: 'aws+management@example.com',
    parentId: ROOT_ID,
    // list-accounts shows the management account as INVITED, joined when the organisation was created.
    joinedMethod: 'INVITED',
    joinedAt: ORGANIZATION_CREATED_AT,
  },
  ...[
    { id: '222233334444', name: 'workload-dev', parentId: OU.dev },
    { id: '333344445555', name: 'workload-prod', parentId: OU.prod },
    { id: '444455556666', name: 'closed-sandbox', parentId: OU.suspended, state: 'SUSPENDED' as const },
    { id: '555566667777', name: 'workload-staging', parentId: OU.staging },
    { id: '666677778888', name: 'shared-services', parentId: OU.infrastructure },
    { id: '777788889999', name: 'log-archive', parentId: OU.security },
  ].map((account, index) => member(index, account)),
];

/**
 * The rest of the organisation, ACTIVE, `count` accounts per OU named `<prefix>-01`…; IDs `<block>01`… (a
 * 10-digit block per OU, clear of the named accounts and ACCOUNT_OUTSIDE_ORGANIZATION).
 */
const BULK_ACCOUNTS: readonly { parentId: string; prefix: string; count: number; block: string }[] = [
  { parentId: OU.security, prefix: 'security', count: 2, block: '2100000000' },
  { parentId: OU.infrastructure, prefix: 'infrastructure', count: 4, block: '2200000000' },
  { parentId: OU.prod, prefix: 'prod', count: 9, block: '2300000000' },
  { parentId: OU.payments, prefix: 'payments', count: 4, block: '2400000000' },
  { parentId: OU.staging, prefix: 'staging', count: 8, block: '2500000000' },
  { parentId: OU.dev, prefix: 'dev', count: 12, block: '2600000000' },
  { parentId: OU.sandbox, prefix: 'sandbox', count: 14, block: '2700000000' },
];

function bulkAccounts(): WorldAccount[] {
  const accounts: WorldAccount[] = [];
  for (const { parentId, prefix, count, block } of BULK_ACCOUNTS) {
    for (let n = 1; n <= count; n += 1) {
      const suffix = String(n).padStart(2, '0');
      accounts.push(
        member(NAMED_ACCOUNTS.length + accounts.length, {
          id: `${block}${suffix}`,
          name: `${prefix}-${suffix}`,
          parentId,
        }),
      );
    }
  }
  return accounts;
}

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
  accounts: [...NAMED_ACCOUNTS, ...bulkAccounts()],
  organization: {
    id: ORGANIZATION_ID,
    rootId: ROOT_ID,
    managementAccountEmail: 'aws+management@example.com',
    organizationalUnits: ORGANIZATIONAL_UNITS,
  },
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
    organization: {
      ...world.organization,
      organizationalUnits: world.organization.organizationalUnits.map((unit) => ({ ...unit })),
    },
    applications: world.applications.map((application) => ({ ...application })),
  };
}

/** The OU or root `unitId` and every OU below it in `world`'s organisation (what a recursive OU target covers). */
export function unitsBelow(world: World, unitId: string): Set<string> {
  const units = new Set([unitId]);
  // Every OU whose parent is in the set, until none is added.
  for (let grew = true; grew;) {
    grew = false;
    for (const unit of world.organization.organizationalUnits) {
      if (units.has(unit.parentId) && !units.has(unit.id)) {
        units.add(unit.id);
        grew = true;
      }
    }
  }
  return units;
}

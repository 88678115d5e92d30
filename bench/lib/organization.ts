/**
 * Section 9's organisation: a generated AWS Organizations tree in a landing-zone shape (Security, Infrastructure,
 * Workloads split by environment then business unit, Sandbox, Policy staging, Suspended, Exceptions), the management
 * account at the root, and what a correct resolution of each target shape must answer and call. Pure: no emulator,
 * no I/O; the world is the same on every run.
 */

export type GeneratedAccountState = 'ACTIVE' | 'SUSPENDED';

export interface GeneratedUnit {
  id: string;
  name: string;
  /** The root or an OU. */
  parentId: string;
  /** 1 directly under the root; Organizations nests at most 5 deep. */
  depth: number;
}

export interface GeneratedAccount {
  id: string;
  name: string;
  parentId: string;
  state: GeneratedAccountState;
}

export interface GeneratedOrganization {
  rootId: string;
  managementAccountId: string;
  /** Parents before children. */
  units: GeneratedUnit[];
  /** The management account first (at the root), then the members, active and suspended. */
  accounts: GeneratedAccount[];
}

export interface OrganizationSpec {
  rootId: string;
  managementAccountId: string;
  /** Active member accounts, all of them in OUs (none at the root but the management account). */
  activeAccounts: number;
  organizationalUnits: number;
  /** Closed or suspended members: half in the Suspended OU, the rest still in Sandbox (not moved yet). */
  suspendedAccounts: number;
}

/** The OUs every landing zone has, before the business units: [name, parent name or '' for the root]. */
const FIXED_UNITS: readonly (readonly [string, string])[] = [
  ['Security', ''],
  ['Infrastructure', ''],
  ['Workloads', ''],
  ['Sandbox', ''],
  ['PolicyStaging', ''],
  ['Suspended', ''],
  ['Exceptions', ''],
  ['Security/Prod', 'Security'],
  ['Security/NonProd', 'Security'],
  ['Infrastructure/Prod', 'Infrastructure'],
  ['Infrastructure/NonProd', 'Infrastructure'],
  ['Workloads/Prod', 'Workloads'],
  ['Workloads/NonProd', 'Workloads'],
  ['Workloads/Dev', 'Workloads'],
];

const ENVIRONMENTS = ['Prod', 'NonProd', 'Dev'] as const;

/** Accounts of the fixed OUs that hold a set number (log archive, audit, networking, …). */
const FIXED_ACCOUNTS: Readonly<Record<string, number>> = {
  'Security/Prod': 3,
  'Security/NonProd': 2,
  'Infrastructure/Prod': 6,
  'Infrastructure/NonProd': 4,
  PolicyStaging: 3,
  Exceptions: 2,
};

/** Sandbox's share of the active accounts. */
const SANDBOX_SHARE = 0.1;
/** Accounts per business-unit OU, relative: dev has most, a regulated OU fewest. */
const ENVIRONMENT_WEIGHT: Readonly<Record<(typeof ENVIRONMENTS)[number] | 'Regulated', number>> = {
  Prod: 3,
  NonProd: 2,
  Dev: 4,
  Regulated: 1,
};

/** `total` split in proportion to `weights`, the parts summing to `total` exactly (largest remainders first). */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((left, right) => left + right, 0);
  if (sum <= 0) return weights.map(() => 0);
  const exact = weights.map((weight) => (total * weight) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((value, index) => ({ index, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.index - b.index);
  for (const { index } of order) {
    if (left === 0) break;
    parts[index] += 1;
    left -= 1;
  }
  return parts;
}

/** The generated organisation: the same tree, IDs and states for the same spec. */
export function generateOrganization(spec: OrganizationSpec): GeneratedOrganization {
  const rootSuffix = spec.rootId.slice('r-'.length);
  const units: GeneratedUnit[] = [];
  const byName = new Map<string, GeneratedUnit>();
  const addUnit = (path: string, parentPath: string): GeneratedUnit => {
    const parent = parentPath === '' ? undefined : byName.get(parentPath);
    const unit: GeneratedUnit = {
      id: `ou-${rootSuffix}-b${String(units.length + 1).padStart(7, '0')}`,
      name: path.slice(path.lastIndexOf('/') + 1),
      parentId: parent?.id ?? spec.rootId,
      depth: (parent?.depth ?? 0) + 1,
    };
    units.push(unit);
    byName.set(path, unit);
    return unit;
  };
  if (spec.organizationalUnits < FIXED_UNITS.length) {
    throw new Error(`an organisation of this shape has at least ${FIXED_UNITS.length} OUs`);
  }
  for (const [path, parent] of FIXED_UNITS) addUnit(path, parent);

  // The rest: business units under each environment (BU-01 in Prod, NonProd, Dev, then BU-02, …), and a tenth of them
  // as a Regulated OU under a business unit's Prod OU: four levels deep.
  const rest = spec.organizationalUnits - FIXED_UNITS.length;
  const regulated = Math.floor(rest / 10);
  const businessUnits: { path: string; weight: number }[] = [];
  for (let index = 0; index < rest - regulated; index += 1) {
    const environment = ENVIRONMENTS[index % ENVIRONMENTS.length];
    const number = Math.floor(index / ENVIRONMENTS.length) + 1;
    const path = `Workloads/${environment}/BU-${String(number).padStart(2, '0')}`;
    addUnit(path, `Workloads/${environment}`);
    // Business units differ in size: 1 to 5 times the smallest, in a fixed pattern.
    businessUnits.push({ path, weight: ENVIRONMENT_WEIGHT[environment] * (1 + ((number * 7) % 5)) });
  }
  const prodUnits = businessUnits.filter((unit) => unit.path.startsWith('Workloads/Prod/'));
  for (let index = 0; index < regulated; index += 1) {
    const parent = prodUnits[index % prodUnits.length]?.path ?? 'Workloads/Prod';
    const path = `${parent}/Regulated${index < prodUnits.length ? '' : `-${index}`}`;
    addUnit(path, parent);
    businessUnits.push({ path, weight: ENVIRONMENT_WEIGHT.Regulated });
  }

  // Active accounts: the fixed OUs' few, a tenth in Sandbox, the rest over the business units by weight.
  const counts = new Map<string, number>(Object.entries(FIXED_ACCOUNTS));
  const fixed = [...counts.values()].reduce((a, b) => a + b, 0);
  const sandbox = Math.round(spec.activeAccounts * SANDBOX_SHARE);
  if (spec.activeAccounts < fixed + sandbox) throw new Error(`at least ${fixed + sandbox} active accounts`);
  counts.set('Sandbox', sandbox);
  const shares = apportion(
    spec.activeAccounts - fixed - sandbox,
    businessUnits.map((unit) => unit.weight),
  );
  businessUnits.forEach((unit, index) => counts.set(unit.path, shares[index] ?? 0));

  const accounts: GeneratedAccount[] = [
    { id: spec.managementAccountId, name: 'management', parentId: spec.rootId, state: 'ACTIVE' },
  ];
  let serial = 0;
  const addAccount = (path: string, state: GeneratedAccountState): void => {
    serial += 1;
    const unit = byName.get(path);
    if (!unit) throw new Error(`no OU ${path}`);
    accounts.push({
      id: `4${String(serial).padStart(11, '0')}`,
      name: `${path.toLowerCase().replaceAll('/', '-')}-${String(serial).padStart(4, '0')}`,
      parentId: unit.id,
      state,
    });
  };
  for (const [path, count] of counts) for (let n = 0; n < count; n += 1) addAccount(path, 'ACTIVE');
  for (let n = 0; n < spec.suspendedAccounts; n += 1) {
    addAccount(n % 2 === 0 ? 'Suspended' : 'Sandbox', 'SUSPENDED');
  }
  return { rootId: spec.rootId, managementAccountId: spec.managementAccountId, units, accounts };
}

/** Which parents a target names, and whether the OUs below them count. */
export interface UnitTarget {
  parentIds: readonly string[];
  recursive: boolean;
}

/** `parentId` and, recursively, every OU below it. */
function unitsUnder(organization: GeneratedOrganization, parentId: string): string[] {
  const found = [parentId];
  for (let index = 0; index < found.length; index += 1) {
    const parent = found[index];
    for (const unit of organization.units) if (unit.parentId === parent) found.push(unit.id);
  }
  return found;
}

function parentsOf(organization: GeneratedOrganization, target: UnitTarget): Set<string> {
  return new Set(
    target.parentIds.flatMap((parentId) =>
      target.recursive ? unitsUnder(organization, parentId) : [parentId],
    ),
  );
}

/**
 * The accounts a correct resolution of the target answers: the active accounts directly in the named parents (and
 * below them when recursive), never the management account, sorted.
 */
export function expectedAccounts(organization: GeneratedOrganization, target: UnitTarget): string[] {
  const parents = parentsOf(organization, target);
  return organization.accounts
    .filter(
      (account) =>
        parents.has(account.parentId) &&
        account.state === 'ACTIVE' &&
        account.id !== organization.managementAccountId,
    )
    .map((account) => account.id)
    .sort();
}

/** List pages for `items` at `pageSize` a page: an empty list is still one call. */
export function pages(items: number, pageSize: number): number {
  return Math.max(1, Math.ceil(items / pageSize));
}

export interface FewestCalls {
  calls: number;
  /** How those calls resolve the target, in words. */
  method: string;
}

/**
 * The fewest Organizations calls that resolve an OU or root target correctly, at `pageSize` items a List page: the
 * cheaper of walking the parents (ListAccountsForParent for each, ListOrganizationalUnitsForParent for each when
 * recursive) and, for the root recursively, ListRoots (that the ID is this organisation's root) and one ListAccounts
 * walk of the whole organisation; plus DescribeOrganization (which account is the management account, never included
 * this way).
 */
export function fewestUnitCalls(
  organization: GeneratedOrganization,
  target: UnitTarget,
  pageSize: number,
): FewestCalls {
  const parents = [...parentsOf(organization, target)];
  const accountsIn = (parentId: string): number =>
    organization.accounts.filter((account) => account.parentId === parentId).length;
  const childrenOf = (parentId: string): number =>
    organization.units.filter((unit) => unit.parentId === parentId).length;
  const walk =
    1 +
    parents.reduce(
      (sum, parentId) =>
        sum +
        pages(accountsIn(parentId), pageSize) +
        (target.recursive ? pages(childrenOf(parentId), pageSize) : 0),
      0,
    );
  const wholeOrganization = target.recursive && target.parentIds.includes(organization.rootId);
  const listAll = 2 + pages(organization.accounts.length, pageSize);
  if (wholeOrganization && listAll < walk) {
    return {
      calls: listAll,
      method: 'DescribeOrganization and ListRoots, then one ListAccounts walk of the organisation',
    };
  }
  return {
    calls: walk,
    method: target.recursive
      ? 'DescribeOrganization, then ListAccountsForParent and ListOrganizationalUnitsForParent for every OU under the target'
      : 'DescribeOrganization, then ListAccountsForParent for each OU',
  };
}

/**
 * The fewest Organizations calls that check `listed` account IDs are in the organisation (and active): one
 * DescribeAccount each, or one ListAccounts walk of the whole organisation, whichever is fewer.
 */
export function fewestAccountCheckCalls(
  listed: number,
  organizationAccounts: number,
  pageSize: number,
): FewestCalls {
  const walk = pages(organizationAccounts, pageSize);
  return listed <= walk
    ? { calls: listed, method: 'DescribeAccount for each listed account' }
    : { calls: walk, method: 'one ListAccounts walk of the organisation' };
}

// Section 9's generated organisation and what a correct resolution of it answers and calls (bench/lib/organization.ts).
import {
  apportion,
  expectedAccounts,
  fewestAccountCheckCalls,
  fewestUnitCalls,
  generateOrganization,
  pages,
  type GeneratedOrganization,
} from '../../bench/lib/organization';

const SPEC = {
  rootId: 'r-7q2x',
  managementAccountId: '111122223333',
  activeAccounts: 1_000,
  organizationalUnits: 50,
  suspendedAccounts: 5,
};

describe('generateOrganization', () => {
  const organization = generateOrganization(SPEC);
  const members = organization.accounts.filter((account) => account.id !== SPEC.managementAccountId);
  const unitIds = new Set(organization.units.map((unit) => unit.id));

  test('1,000 active accounts in 50 OUs, the management account at the root, 5 suspended', () => {
    expect(organization.units).toHaveLength(50);
    expect(organization.accounts).toHaveLength(1_006);
    expect(organization.accounts[0]).toEqual({
      id: '111122223333',
      name: 'management',
      parentId: 'r-7q2x',
      state: 'ACTIVE',
    });
    expect(members.filter((account) => account.state === 'ACTIVE')).toHaveLength(1_000);
    expect(members.filter((account) => account.state === 'SUSPENDED')).toHaveLength(5);
    // No member at the root: every one is in an OU.
    expect(members.every((account) => unitIds.has(account.parentId))).toBe(true);
  });

  test('IDs follow the Organizations model, are unique, and the tree nests parents first, 4 levels deep', () => {
    expect(organization.units.every((unit) => /^ou-7q2x-[a-z0-9]{8,32}$/.test(unit.id))).toBe(true);
    expect(organization.accounts.every((account) => /^\d{12}$/.test(account.id))).toBe(true);
    expect(unitIds.size).toBe(50);
    expect(new Set(organization.accounts.map((account) => account.id)).size).toBe(1_006);
    const seen = new Set<string>([SPEC.rootId]);
    for (const unit of organization.units) {
      expect(seen.has(unit.parentId)).toBe(true);
      seen.add(unit.id);
    }
    expect(Math.max(...organization.units.map((unit) => unit.depth))).toBe(4);
    // Sibling names are unique (CreateOrganizationalUnit refuses a duplicate).
    const siblings = organization.units.map((unit) => `${unit.parentId}/${unit.name}`);
    expect(new Set(siblings).size).toBe(siblings.length);
  });

  test('a realistic spread: empty parent OUs, OUs of more than one List page, suspended accounts in two places', () => {
    const counts = organization.units.map(
      (unit) => organization.accounts.filter((account) => account.parentId === unit.id).length,
    );
    expect(counts.filter((count) => count === 0).length).toBeGreaterThanOrEqual(5);
    expect(counts.filter((count) => count > 20).length).toBeGreaterThanOrEqual(5);
    const suspendedIn = new Set(
      members
        .filter((account) => account.state === 'SUSPENDED')
        .map((account) => organization.units.find((unit) => unit.id === account.parentId)?.name),
    );
    expect(suspendedIn).toEqual(new Set(['Suspended', 'Sandbox']));
  });

  test('the same spec gives the same organisation', () => {
    expect(generateOrganization(SPEC)).toEqual(organization);
  });

  test('refuses a spec too small for its fixed OUs and accounts', () => {
    expect(() => generateOrganization({ ...SPEC, organizationalUnits: 10 })).toThrow(/at least 14 OUs/);
    expect(() => generateOrganization({ ...SPEC, activeAccounts: 20 })).toThrow(/active accounts/);
  });
});

describe('expectedAccounts', () => {
  const organization = generateOrganization(SPEC);
  const unit = (name: string) => organization.units.find((candidate) => candidate.name === name)?.id ?? '';

  test('the root, recursively, and every OU listed alone both give the 1,000 active members', () => {
    const root = expectedAccounts(organization, { parentIds: [SPEC.rootId], recursive: true });
    const units = expectedAccounts(organization, {
      parentIds: organization.units.map((candidate) => candidate.id),
      recursive: false,
    });
    expect(root).toHaveLength(1_000);
    expect(root).not.toContain(SPEC.managementAccountId);
    expect(units).toEqual(root);
  });

  test('an OU of suspended accounts resolves to none; a parent OU holds accounts only through its children', () => {
    expect(expectedAccounts(organization, { parentIds: [unit('Suspended')], recursive: true })).toEqual([]);
    expect(expectedAccounts(organization, { parentIds: [unit('Workloads')], recursive: false })).toEqual([]);
    expect(
      expectedAccounts(organization, { parentIds: [unit('Workloads')], recursive: true }).length,
    ).toBeGreaterThan(800);
  });
});

describe('fewest calls', () => {
  // The root (management account), OU A with 25 accounts, OU B holding OU C; 10 items a page.
  const small: GeneratedOrganization = {
    rootId: 'r-abcd',
    managementAccountId: '111111111111',
    units: [
      { id: 'ou-abcd-aaaaaaaa', name: 'A', parentId: 'r-abcd', depth: 1 },
      { id: 'ou-abcd-bbbbbbbb', name: 'B', parentId: 'r-abcd', depth: 1 },
      { id: 'ou-abcd-cccccccc', name: 'C', parentId: 'ou-abcd-bbbbbbbb', depth: 2 },
    ],
    accounts: [
      { id: '111111111111', name: 'management', parentId: 'r-abcd', state: 'ACTIVE' },
      ...Array.from({ length: 25 }, (_, index) => ({
        id: String(200_000_000_000 + index),
        name: `a-${index}`,
        parentId: 'ou-abcd-aaaaaaaa',
        state: 'ACTIVE' as const,
      })),
    ],
  };

  test('an empty list is one call', () => {
    expect(pages(0, 10)).toBe(1);
    expect(pages(10, 10)).toBe(1);
    expect(pages(11, 10)).toBe(2);
  });

  test('the root, recursively: one ListAccounts walk when it is fewer than walking every parent', () => {
    // Walk: DescribeOrganization + root (1 account page, 1 OU page) + A (3 + 1) + B (1 + 1) + C (1 + 1) = 11;
    // ListAccounts: DescribeOrganization + ListRoots + 3 pages of 26 accounts = 5.
    expect(fewestUnitCalls(small, { parentIds: ['r-abcd'], recursive: true }, 10)).toEqual({
      calls: 5,
      method: 'DescribeOrganization and ListRoots, then one ListAccounts walk of the organisation',
    });
    // An OU recursively cannot use ListAccounts: the walk of B and C.
    expect(fewestUnitCalls(small, { parentIds: ['ou-abcd-bbbbbbbb'], recursive: true }, 10).calls).toBe(5);
  });

  test('OUs listed alone: DescribeOrganization and one ListAccountsForParent walk each', () => {
    expect(
      fewestUnitCalls(small, { parentIds: ['ou-abcd-aaaaaaaa', 'ou-abcd-bbbbbbbb'], recursive: false }, 10),
    ).toEqual({ calls: 5, method: 'DescribeOrganization, then ListAccountsForParent for each OU' });
  });

  test('account checks: DescribeAccount each, or one ListAccounts walk when that is fewer', () => {
    expect(fewestAccountCheckCalls(40, 1_006, 10)).toEqual({
      calls: 40,
      method: 'DescribeAccount for each listed account',
    });
    expect(fewestAccountCheckCalls(50, 110, 10)).toEqual({
      calls: 11,
      method: 'one ListAccounts walk of the organisation',
    });
    // At 20 a page (the model's largest MaxResults) the walk of 1,006 accounts is 51 calls.
    expect(fewestAccountCheckCalls(200, 1_006, 20).calls).toBe(51);
  });
});

describe('apportion', () => {
  test('parts proportional to the weights that add up to the total exactly', () => {
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(880, [3, 2, 4, 1]).reduce((a, b) => a + b, 0)).toBe(880);
    expect(apportion(100, [3, 1])).toEqual([75, 25]);
    expect(apportion(5, [0, 0])).toEqual([0, 0]);
  });
});

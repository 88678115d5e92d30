// The group's pure logic: what it stands for, what a write must do, what READ shows.
import {
  assignmentKey,
  DeclarationError,
  expandDeclared,
  GroupProperties,
  literalResolution,
  MAX_ASSIGNMENTS_PER_GROUP,
  tupleOfKey,
} from '../../src/assignment-group/declaration';
import { isEmptyPlan, plan } from '../../src/assignment-group/plan';
import { readView } from '../../src/assignment-group/read-view';

const INSTANCE = 'arn:aws:sso:::instance/ssoins-1111111111111111';
const PS = (n: number) =>
  `arn:aws:sso:::permissionSet/ssoins-1111111111111111/ps-${String(n).padStart(16, '0')}`;
const ACCOUNT = (n: number) => String(100000000000 + n);
const USER = (n: number) => ({ PrincipalType: 'USER' as const, PrincipalId: `u-${n}` });

function group(principals: number[], sets: number[], accounts: number[][]): GroupProperties {
  return {
    Name: 'g',
    InstanceArn: INSTANCE,
    Principals: principals.map(USER),
    PermissionSets: sets.map(PS),
    Targets: accounts.map((ids) => ({ TargetType: 'AWS_ACCOUNT', TargetIds: ids.map(ACCOUNT) })),
  };
}

const key = (principal: number, set: number, account: number) =>
  assignmentKey({
    principalType: 'USER',
    principalId: `u-${principal}`,
    permissionSetArn: PS(set),
    accountId: ACCOUNT(account),
  });

describe('expand', () => {
  test('stands for Principals x PermissionSets x target accounts, each once, sorted', () => {
    const keys = expandDeclared(group([1, 2], [1, 2, 3], [[1], [2, 3]]));
    expect(keys).toHaveLength(2 * 3 * 3);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...keys].sort()).toEqual(keys);
    expect(keys).toContain(key(2, 3, 3));
  });

  test('a key reads back as its assignment', () => {
    expect(tupleOfKey(key(1, 2, 3))).toEqual({
      principalType: 'USER',
      principalId: 'u-1',
      permissionSetArn: PS(2),
      accountId: ACCOUNT(3),
    });
  });

  test('an account listed by two targets is refused, naming the account and both targets', () => {
    expect(() => expandDeclared(group([1], [1], [[1, 2], [2]]))).toThrow(
      new DeclarationError(
        `Property Targets lists account ${ACCOUNT(2)} twice (Targets.0 and Targets.1): list each account once`,
      ),
    );
  });

  test(`more than ${MAX_ASSIGNMENTS_PER_GROUP} assignments is refused, saying how many and what to do`, () => {
    const accounts = Array.from({ length: 201 }, (_, n) => n);
    expect(() => expandDeclared(group([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 2, 3, 4, 5], [accounts]))).toThrow(
      /stands for 10050 assignments \(10 Principals x 5 PermissionSets x 201 accounts\); at most 10000: split it/,
    );
    expect(
      expandDeclared(group([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [1, 2, 3, 4, 5], [accounts.slice(0, 200)])),
    ).toHaveLength(MAX_ASSIGNMENTS_PER_GROUP);
  });
});

describe('plan', () => {
  const none = new Map<string, string>();
  const set = (...keys: string[]) => new Set(keys);

  test('CREATE: creates what is absent; what exists is left alone, not owned', () => {
    const planned = plan({
      desired: set(key(1, 1, 1), key(1, 1, 2)),
      owned: set(),
      existing: set(key(1, 1, 2)),
      declaredByOthers: none,
      adoptExisting: false,
    });
    expect(planned.create).toEqual([key(1, 1, 1)]);
    expect(planned.adopt).toEqual([]);
    expect([...planned.ownedAfter]).toEqual([key(1, 1, 1)]);
  });

  test('AdoptExisting: what exists becomes owned without a write', () => {
    const planned = plan({
      desired: set(key(1, 1, 1), key(1, 1, 2)),
      owned: set(),
      existing: set(key(1, 1, 2)),
      declaredByOthers: none,
      adoptExisting: true,
    });
    expect(planned.create).toEqual([key(1, 1, 1)]);
    expect(planned.adopt).toEqual([key(1, 1, 2)]);
    expect(planned.ownedAfter).toEqual(set(key(1, 1, 1), key(1, 1, 2)));
  });

  test('UPDATE: creates the additions, removes owned removals, repairs owned ones found missing', () => {
    const planned = plan({
      desired: set(key(1, 1, 1), key(2, 1, 1)),
      owned: set(key(1, 1, 1), key(1, 2, 1)),
      existing: set(key(1, 2, 1)), // key(1,1,1) is owned but was deleted out of band
      declaredByOthers: none,
      adoptExisting: false,
    });
    expect(planned.create).toEqual([key(1, 1, 1), key(2, 1, 1)]);
    expect(planned.remove).toEqual([key(1, 2, 1)]);
    expect(planned.ownedAfter).toEqual(set(key(1, 1, 1), key(2, 1, 1)));
  });

  test('a removal another group declares is handed over, never deleted; one already gone is forgotten', () => {
    const planned = plan({
      desired: set(),
      owned: set(key(1, 1, 1), key(1, 1, 2), key(1, 1, 3)),
      existing: set(key(1, 1, 1), key(1, 1, 2)),
      declaredByOthers: new Map([[key(1, 1, 2), 'other']]),
      adoptExisting: false,
    });
    expect(planned.remove).toEqual([key(1, 1, 1)]);
    expect([...planned.handOver]).toEqual([[key(1, 1, 2), 'other']]);
    expect(planned.forget).toEqual([key(1, 1, 3)]);
    expect(planned.ownedAfter.size).toBe(0);
  });

  test('nothing changed, nothing missing: an empty plan', () => {
    const planned = plan({
      desired: set(key(1, 1, 1)),
      owned: set(key(1, 1, 1)),
      existing: set(key(1, 1, 1)),
      declaredByOthers: none,
      adoptExisting: false,
    });
    expect(isEmptyPlan(planned)).toBe(true);
  });
});

describe('readView', () => {
  const declared = group([1, 2], [1, 2], [[1, 2]]);

  test('with every assignment there, READ answers the declaration and the counts', () => {
    expect(readView(declared, literalResolution(declared), new Set(expandDeclared(declared)))).toEqual({
      ...declared,
      AccountCount: 2,
      AssignmentCount: 8,
      MissingAssignmentCount: 0,
    });
  });

  test('a missing assignment drops its principal, permission set and account from the lists, and is counted', () => {
    const existing = new Set(expandDeclared(declared).filter((candidate) => candidate !== key(2, 1, 2)));
    expect(readView(declared, literalResolution(declared), existing)).toEqual({
      ...declared,
      Principals: [USER(1)],
      PermissionSets: [PS(2)],
      Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: [ACCOUNT(1)] }],
      AccountCount: 2,
      AssignmentCount: 8,
      MissingAssignmentCount: 1,
    });
  });

  test('a principal (or permission set, or account) with every assignment missing is dropped alone', () => {
    const withoutUser2 = new Set(expandDeclared(declared).filter((candidate) => !candidate.includes('u-2|')));
    expect(readView(declared, literalResolution(declared), withoutUser2)).toEqual({
      ...declared,
      Principals: [USER(1)],
      AccountCount: 2,
      AssignmentCount: 8,
      MissingAssignmentCount: 4,
    });
    const wide = group([1, 2], [1, 2], [[1, 2, 3]]);
    const withoutAccount3 = new Set(
      expandDeclared(wide).filter((candidate) => !candidate.endsWith(ACCOUNT(3))),
    );
    expect(readView(wide, literalResolution(wide), withoutAccount3)).toEqual({
      ...wide,
      Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: [ACCOUNT(1), ACCOUNT(2)] }],
      AccountCount: 3,
      AssignmentCount: 12,
      MissingAssignmentCount: 4,
    });
  });

  test('a whole principal missing and one more assignment elsewhere: both show', () => {
    const existing = new Set(
      expandDeclared(declared).filter(
        (candidate) => !candidate.includes('u-2|') && candidate !== key(1, 2, 1),
      ),
    );
    expect(readView(declared, literalResolution(declared), existing)).toEqual({
      ...declared,
      Principals: [],
      PermissionSets: [PS(1)],
      Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: [ACCOUNT(2)] }],
      AccountCount: 2,
      AssignmentCount: 8,
      MissingAssignmentCount: 5,
    });
  });

  test('nothing there: every list is empty', () => {
    expect(readView(declared, literalResolution(declared), new Set())).toEqual({
      ...declared,
      Principals: [],
      PermissionSets: [],
      Targets: [],
      AccountCount: 2,
      AssignmentCount: 8,
      MissingAssignmentCount: 8,
    });
  });
});

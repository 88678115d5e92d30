import {
  AccessDeniedException,
  AccountNotFoundException,
  AWSOrganizationsNotInUseException,
  ChildNotFoundException,
  DescribeAccountCommand,
  DescribeOrganizationalUnitCommand,
  DescribeOrganizationCommand,
  InvalidInputException,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListChildrenCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  OrganizationalUnitNotFoundException,
  OrganizationsClient,
  paginateListAccounts,
  paginateListAccountsForParent,
  ParentNotFoundException,
  ServiceException,
  TooManyRequestsException,
  type Account,
} from '@aws-sdk/client-organizations';
import {
  CreateAccountAssignmentCommand,
  DescribeAccountAssignmentCreationStatusCommand,
} from '@aws-sdk/client-sso-admin';
import {
  ACCOUNT_OUTSIDE_ORGANIZATION,
  DEFAULT_WORLD,
  ORGANIZATIONS_ERRORS,
  ORGANIZATIONS_OPERATIONS,
  pointSdkAt,
  startEmulator,
  type RunningEmulator,
} from '../../dev/emulator';
import { serviceModel } from '../../dev/emulator/model';
import {
  clientFor,
  DEV_ACCOUNT,
  INSTANCE_ARN,
  MANAGEMENT_ACCOUNT,
  ManualClock,
  organizationsClientFor,
  PROD_ACCOUNT,
  rawCall,
  rejectionOf,
  SUSPENDED_ACCOUNT,
  tuple,
  useEmulator,
  writeInput,
  postState,
} from './helpers';

const PROVISIONING_MS = 1000;
// Both rate limits off: these tests walk the whole organisation; the limits have tests of their own below.
const harness = useEmulator({
  provisioningMs: PROVISIONING_MS,
  requestsPerSecond: Infinity,
  organizationsRequestsPerSecond: Infinity,
});

const { organization } = DEFAULT_WORLD;
const ROOT = organization.rootId;
const MODEL = serviceModel('organizations');
const TARGET_PREFIX = MODEL.metadata.targetPrefix;

/** A seeded OU's ID by name (names are unique in the seeded tree). */
function ouId(name: string): string {
  const unit = organization.organizationalUnits.find((candidate) => candidate.name === name);
  if (!unit) throw new Error(`The seeded organisation has no OU named ${name}`);
  return unit.id;
}

let client: OrganizationsClient;
beforeAll(() => {
  client = organizationsClientFor(harness.emulator);
});
afterAll(() => client.destroy());

/** Every page's accounts, following NextToken until there is none. */
async function accountsOf(parentId?: string): Promise<Account[]> {
  const accounts: Account[] = [];
  const pages =
    parentId === undefined
      ? paginateListAccounts({ client }, {})
      : paginateListAccountsForParent({ client }, { ParentId: parentId });
  for await (const page of pages) accounts.push(...(page.Accounts ?? []));
  return accounts;
}

describe('the model and the wire', () => {
  it('serves the model target prefix on the same port, and logs calls as organizations', async () => {
    expect(TARGET_PREFIX).toBe('AWSOrganizationsV20161128');
    await client.send(new ListRootsCommand({}));
    expect(harness.emulator.calls()).toEqual([
      { service: 'organizations', operation: 'ListRoots', input: {}, at: harness.clock.now(), outcome: 'ok' },
    ]);
  });

  it('declares, in ORGANIZATIONS_ERRORS, exactly the errors the model gives the emulated operations', () => {
    const modelled = new Set(
      ORGANIZATIONS_OPERATIONS.flatMap((operation) =>
        (MODEL.operations[operation]?.errors ?? []).map((error) => error.shape),
      ),
    );
    expect([...ORGANIZATIONS_ERRORS].sort()).toEqual([...modelled].sort());
  });

  it('refuses an unsigned request with AccessDeniedException', async () => {
    const response = await rawCall(harness.emulator, `${TARGET_PREFIX}.ListRoots`, '{}', {});
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ __type: 'AccessDeniedException' });
  });

  it('reaches a client given no endpoint once pointSdkAt has set AWS_ENDPOINT_URL_ORGANIZATIONS', async () => {
    // dev/jest-setup.js sends any client a test forgot to a dead loopback port.
    const forgotten = new OrganizationsClient({
      region: DEFAULT_WORLD.region,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    try {
      await expect(forgotten.send(new ListRootsCommand({}))).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      forgotten.destroy();
    }
    const restore = pointSdkAt(harness.emulator.endpoint);
    const pointed = new OrganizationsClient({
      region: DEFAULT_WORLD.region,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    try {
      await expect(pointed.send(new ListRootsCommand({}))).resolves.toMatchObject({ Roots: [{ Id: ROOT }] });
    } finally {
      pointed.destroy();
      restore();
    }
  });
});

describe('the seeded organisation', () => {
  it('describes the organisation: all features, the management account as its master', async () => {
    const { Organization } = await client.send(new DescribeOrganizationCommand({}));
    expect(Organization).toEqual({
      Id: organization.id,
      Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:organization/${organization.id}`,
      FeatureSet: 'ALL',
      MasterAccountId: MANAGEMENT_ACCOUNT,
      MasterAccountArn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:account/${organization.id}/${MANAGEMENT_ACCOUNT}`,
      MasterAccountEmail: organization.managementAccountEmail,
      AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
    });
    expect(MANAGEMENT_ACCOUNT).toBe(DEFAULT_WORLD.ownerAccountId);
  });

  it('has one root, and IDs and ARNs that match the model patterns', async () => {
    const { Roots } = await client.send(new ListRootsCommand({}));
    expect(Roots).toEqual([
      {
        Id: ROOT,
        Arn: `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:root/${organization.id}/${ROOT}`,
        Name: 'Root',
        PolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
      },
    ]);
    const pattern = (shape: string): RegExp => new RegExp(MODEL.shapes[shape]?.pattern ?? '(?!)', 'u');
    expect(organization.id).toMatch(pattern('OrganizationId'));
    expect(ROOT).toMatch(pattern('RootId'));
    for (const unit of organization.organizationalUnits)
      expect(unit.id).toMatch(pattern('OrganizationalUnitId'));
    const accounts = await accountsOf();
    for (const account of accounts) {
      expect(account.Id).toMatch(pattern('AccountId'));
      expect(account.Arn).toMatch(pattern('AccountArn'));
      expect(account.Email).toMatch(pattern('Email'));
    }
    expect(new Set(accounts.map((account) => account.Id)).size).toBe(accounts.length);
  });

  it('has about 60 accounts over several OU levels, one suspended, the management account at the root', async () => {
    const accounts = await accountsOf();
    expect(accounts.map((account) => account.Id)).toEqual(
      DEFAULT_WORLD.accounts.map((account) => account.id),
    );
    expect(accounts.length).toBeGreaterThanOrEqual(55);
    expect(accounts.filter((account) => account.State !== 'ACTIVE')).toEqual([
      expect.objectContaining({ Id: SUSPENDED_ACCOUNT, Name: 'closed-sandbox', State: 'SUSPENDED' }),
    ]);
    const rootAccounts = await accountsOf(ROOT);
    expect(rootAccounts.map((account) => account.Id)).toEqual([MANAGEMENT_ACCOUNT]);
    expect(rootAccounts[0]).toMatchObject({ Name: 'management', JoinedMethod: 'INVITED' });
    // Workloads > Prod > Payments: three OU levels.
    const { Parents } = await client.send(new ListParentsCommand({ ChildId: ouId('Payments') }));
    expect(Parents).toEqual([{ Id: ouId('Prod'), Type: 'ORGANIZATIONAL_UNIT' }]);
    const { Parents: prodParents } = await client.send(new ListParentsCommand({ ChildId: ouId('Prod') }));
    expect(prodParents).toEqual([{ Id: ouId('Workloads'), Type: 'ORGANIZATIONAL_UNIT' }]);
  });

  it('walks to the same tree through ListChildren and ListOrganizationalUnitsForParent', async () => {
    const units: { id: string; name: string; parentId: string }[] = [];
    const accountParents = new Map<string, string>();
    const walk = async (parentId: string): Promise<void> => {
      let NextToken: string | undefined;
      do {
        const page = await client.send(
          new ListOrganizationalUnitsForParentCommand({ ParentId: parentId, NextToken }),
        );
        for (const unit of page.OrganizationalUnits ?? []) {
          expect(unit.Arn).toBe(
            `arn:aws:organizations::${MANAGEMENT_ACCOUNT}:ou/${organization.id}/${unit.Id}`,
          );
          units.push({ id: unit.Id ?? '', name: unit.Name ?? '', parentId });
        }
        NextToken = page.NextToken;
      } while (NextToken);
      do {
        const page = await client.send(
          new ListChildrenCommand({ ParentId: parentId, ChildType: 'ACCOUNT', NextToken }),
        );
        for (const child of page.Children ?? []) {
          expect(child.Type).toBe('ACCOUNT');
          accountParents.set(child.Id ?? '', parentId);
        }
        NextToken = page.NextToken;
      } while (NextToken);
      const { Children } = await client.send(
        new ListChildrenCommand({ ParentId: parentId, ChildType: 'ORGANIZATIONAL_UNIT' }),
      );
      for (const child of Children ?? []) await walk(child.Id ?? '');
    };
    await walk(ROOT);
    expect(units).toEqual(expect.arrayContaining(organization.organizationalUnits));
    expect(units).toHaveLength(organization.organizationalUnits.length);
    expect(Object.fromEntries(accountParents)).toEqual(
      Object.fromEntries(DEFAULT_WORLD.accounts.map((account) => [account.id, account.parentId])),
    );
  });

  it('describes an account with Status and State, an OU, and each one’s parent', async () => {
    const { Account: dev } = await client.send(new DescribeAccountCommand({ AccountId: DEV_ACCOUNT }));
    expect(dev).toMatchObject({
      Id: DEV_ACCOUNT,
      Name: 'workload-dev',
      Status: 'ACTIVE',
      State: 'ACTIVE',
      JoinedMethod: 'CREATED',
      Email: expect.stringContaining('@'),
      JoinedTimestamp: expect.any(Date),
    });
    const { OrganizationalUnit } = await client.send(
      new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: ouId('Dev') }),
    );
    expect(OrganizationalUnit).toMatchObject({ Id: ouId('Dev'), Name: 'Dev' });
    const { Parents } = await client.send(new ListParentsCommand({ ChildId: DEV_ACCOUNT }));
    expect(Parents).toEqual([{ Id: ouId('Dev'), Type: 'ORGANIZATIONAL_UNIT' }]);
    const { Parents: ofManagement } = await client.send(
      new ListParentsCommand({ ChildId: MANAGEMENT_ACCOUNT }),
    );
    expect(ofManagement).toEqual([{ Id: ROOT, Type: 'ROOT' }]);
  });
});

describe('paging', () => {
  it('pages ListAccounts with NextToken: several pages of the default size, every account once', async () => {
    const sizes: number[] = [];
    const ids: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await client.send(new ListAccountsCommand({ NextToken }));
      sizes.push(page.Accounts?.length ?? 0);
      ids.push(...(page.Accounts ?? []).map((account) => account.Id ?? ''));
      NextToken = page.NextToken;
    } while (NextToken);
    const total = DEFAULT_WORLD.accounts.length;
    expect(sizes.length).toBe(Math.ceil(total / 10));
    expect(sizes.slice(0, -1).every((size) => size === 10)).toBe(true);
    expect(ids).toEqual(DEFAULT_WORLD.accounts.map((account) => account.id));
  });

  it('may answer fewer than MaxResults with a NextToken, and never more than MaxResults', async () => {
    const large = await client.send(new ListAccountsCommand({ MaxResults: 20 }));
    expect(large.Accounts).toHaveLength(10);
    expect(large.NextToken).toBeDefined();
    const small = await client.send(new ListAccountsCommand({ MaxResults: 3 }));
    expect(small.Accounts?.map((account) => account.Id)).toEqual(
      DEFAULT_WORLD.accounts.slice(0, 3).map((account) => account.id),
    );
    const next = await client.send(new ListAccountsCommand({ MaxResults: 3, NextToken: small.NextToken }));
    expect(next.Accounts?.[0]?.Id).toBe(DEFAULT_WORLD.accounts[3]?.id);
  });

  it('pages one parent’s accounts, the token bound to that parent', async () => {
    const devAccounts = DEFAULT_WORLD.accounts.filter((account) => account.parentId === ouId('Dev'));
    expect(devAccounts.length).toBeGreaterThan(10);
    const first = await client.send(new ListAccountsForParentCommand({ ParentId: ouId('Dev') }));
    expect(first.NextToken).toBeDefined();
    expect((await accountsOf(ouId('Dev'))).map((account) => account.Id)).toEqual(
      devAccounts.map((account) => account.id),
    );
    const foreign = await rejectionOf(
      client.send(
        new ListAccountsForParentCommand({ ParentId: ouId('Sandbox'), NextToken: first.NextToken }),
      ),
    );
    expect(foreign).toBeInstanceOf(InvalidInputException);
    expect(foreign).toMatchObject({ Reason: 'INVALID_NEXT_TOKEN' });
  });

  it('an empty page with a NextToken (emptyPage fault) does not end the list', async () => {
    harness.emulator.faults.emptyPage({ count: 2, operation: 'ListAccounts' });
    const first = await client.send(new ListAccountsCommand({}));
    expect(first.Accounts).toEqual([]);
    expect(first.NextToken).toBeDefined();
    expect((await accountsOf()).map((account) => account.Id)).toEqual(
      DEFAULT_WORLD.accounts.map((account) => account.id),
    );
    expect(harness.emulator.faults.snapshot().emptyPages).toEqual([]);
  });
});

describe('errors, by name', () => {
  it('answers an unknown root or OU parent with ParentNotFoundException', async () => {
    const calls: (() => Promise<unknown>)[] = [
      () => client.send(new ListChildrenCommand({ ParentId: 'r-zzzz', ChildType: 'ACCOUNT' })),
      () => client.send(new ListAccountsForParentCommand({ ParentId: 'ou-7q2x-00000000' })),
      () => client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: 'ou-zzzz-zzzzzzzz' })),
    ];
    for (const call of calls) {
      const error = await rejectionOf(call());
      expect(error).toBeInstanceOf(ParentNotFoundException);
      expect(error.message).toBe("We can't find a root or OU with the ParentId that you specified.");
    }
  });

  it('answers an unknown OU, account or child with its own not-found error', async () => {
    expect(
      await rejectionOf(
        client.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: 'ou-7q2x-00000000' })),
      ),
    ).toBeInstanceOf(OrganizationalUnitNotFoundException);
    expect(
      await rejectionOf(client.send(new DescribeAccountCommand({ AccountId: ACCOUNT_OUTSIDE_ORGANIZATION }))),
    ).toBeInstanceOf(AccountNotFoundException);
    expect(
      await rejectionOf(client.send(new ListParentsCommand({ ChildId: ACCOUNT_OUTSIDE_ORGANIZATION }))),
    ).toBeInstanceOf(ChildNotFoundException);
  });

  it('answers bad input with InvalidInputException naming the member, with the model’s Reason', async () => {
    const pattern = await rejectionOf(
      client.send(new ListChildrenCommand({ ParentId: 'not-a-parent', ChildType: 'ACCOUNT' })),
    );
    expect(pattern).toBeInstanceOf(InvalidInputException);
    expect(pattern.message).toMatch(
      /^1 validation error detected: Value 'not-a-parent' at 'parentId' failed/,
    );
    expect(pattern).toMatchObject({ Reason: 'INVALID_PATTERN' });

    const tooMany = await rejectionOf(client.send(new ListAccountsCommand({ MaxResults: 21 })));
    expect(tooMany.message).toContain("at 'maxResults' failed to satisfy constraint");
    expect(tooMany).toMatchObject({ Reason: 'MAX_VALUE_EXCEEDED' });

    // What the SDK would not send: a required member missing, an enum value outside the model's.
    const missing = await rawCall(
      harness.emulator,
      `${TARGET_PREFIX}.ListChildren`,
      JSON.stringify({ ParentId: ROOT, ChildType: 'POLICY' }),
    );
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ __type: 'InvalidInputException', Reason: 'INVALID_ENUM' });
    const required = await rawCall(harness.emulator, `${TARGET_PREFIX}.DescribeAccount`, '{}');
    expect(required.body).toMatchObject({
      __type: 'InvalidInputException',
      Reason: 'INPUT_REQUIRED',
      message: expect.stringContaining(
        "at 'accountId' failed to satisfy constraint: Member must not be null",
      ),
    });
  });
});

describe('changes made behind the API', () => {
  it('a move changes ListAccountsForParent and ListParents', async () => {
    const sandbox = ouId('Sandbox');
    expect(harness.emulator.state.moveAccount(DEV_ACCOUNT, sandbox)).toBe(true);
    expect((await accountsOf(ouId('Dev'))).map((account) => account.Id)).not.toContain(DEV_ACCOUNT);
    expect((await accountsOf(sandbox)).map((account) => account.Id)).toContain(DEV_ACCOUNT);
    const { Parents } = await client.send(new ListParentsCommand({ ChildId: DEV_ACCOUNT }));
    expect(Parents).toEqual([{ Id: sandbox, Type: 'ORGANIZATIONAL_UNIT' }]);
    expect(harness.emulator.state.moveAccount(DEV_ACCOUNT, sandbox)).toBe(false);
    expect(() => harness.emulator.state.moveAccount(DEV_ACCOUNT, 'ou-7q2x-00000000')).toThrow(
      /neither the root/,
    );
    harness.emulator.reset();
    expect((await accountsOf(ouId('Dev'))).map((account) => account.Id)).toContain(DEV_ACCOUNT);
  });

  it.each([
    ['SUSPENDED', 'SUSPENDED'],
    ['PENDING_CLOSURE', 'PENDING_CLOSURE'],
    // CloseAccount's documentation in the model: the status "will change to SUSPENDED" once closed.
    ['CLOSED', 'SUSPENDED'],
    ['PENDING_ACTIVATION', 'ACTIVE'],
  ] as const)(
    'an account put in state %s shows it as its State, and Status %s, in every answer',
    async (state, status) => {
      harness.emulator.state.setAccountState(PROD_ACCOUNT, state);
      const expected = { Id: PROD_ACCOUNT, State: state, Status: status };
      await expect(
        client.send(new DescribeAccountCommand({ AccountId: PROD_ACCOUNT })),
      ).resolves.toMatchObject({
        Account: expected,
      });
      expect((await accountsOf()).find((account) => account.Id === PROD_ACCOUNT)).toMatchObject(expected);
      expect((await accountsOf(ouId('Prod'))).find((account) => account.Id === PROD_ACCOUNT)).toMatchObject(
        expected,
      );
      expect(
        harness.emulator.state.world().accounts.find((account) => account.id === PROD_ACCOUNT),
      ).toMatchObject({
        state,
        status,
      });
    },
  );

  it('SSO Admin cannot provision into an account that is not ACTIVE (closed, here)', async () => {
    harness.emulator.state.setAccountState(PROD_ACCOUNT, 'CLOSED');
    const sso = clientFor(harness.emulator);
    try {
      const created = await sso.send(
        new CreateAccountAssignmentCommand(writeInput(tuple({ targetId: PROD_ACCOUNT }))),
      );
      harness.clock.advance(PROVISIONING_MS);
      const { AccountAssignmentCreationStatus } = await sso.send(
        new DescribeAccountAssignmentCreationStatusCommand({
          InstanceArn: INSTANCE_ARN,
          AccountAssignmentCreationRequestId: created.AccountAssignmentCreationStatus?.RequestId,
        }),
      );
      expect(AccountAssignmentCreationStatus?.Status).toBe('FAILED');
    } finally {
      sso.destroy();
    }
  });

  it('an added OU and account are listed where they were put', async () => {
    const unit = harness.emulator.state.addOrganizationalUnit({ name: 'Data', parentId: ouId('Workloads') });
    expect(unit.id).toMatch(new RegExp(MODEL.shapes.OrganizationalUnitId?.pattern ?? '(?!)', 'u'));
    expect(unit.id.startsWith(`ou-${ROOT.slice(2)}-`)).toBe(true);
    const added = harness.emulator.state.addAccount({
      id: '280000000001',
      name: 'data-01',
      parentId: unit.id,
    });
    expect(added).toMatchObject({ state: 'ACTIVE', status: 'ACTIVE', joinedMethod: 'CREATED' });
    const { OrganizationalUnits } = await client.send(
      new ListOrganizationalUnitsForParentCommand({ ParentId: ouId('Workloads') }),
    );
    expect(OrganizationalUnits?.map((each) => each.Name)).toEqual(['Prod', 'Staging', 'Dev', 'Data']);
    expect((await accountsOf(unit.id)).map((account) => account.Id)).toEqual(['280000000001']);
    expect(await accountsOf()).toHaveLength(DEFAULT_WORLD.accounts.length + 1);
    // An account added with no parent joins at the root, as an invited account does.
    harness.emulator.state.addAccount({ id: '280000000002', name: 'invited', joinedMethod: 'INVITED' });
    expect((await accountsOf(ROOT)).map((account) => account.Id)).toEqual([
      MANAGEMENT_ACCOUNT,
      '280000000002',
    ]);
  });

  it('refuses an OU name a sibling has, and a sixth level of OUs', () => {
    expect(() =>
      harness.emulator.state.addOrganizationalUnit({ name: 'Prod', parentId: ouId('Workloads') }),
    ).toThrow(/already has an OU named Prod/);
    let parentId = ouId('Payments'); // level 3
    for (const name of ['L4', 'L5'])
      parentId = harness.emulator.state.addOrganizationalUnit({ name, parentId }).id;
    expect(() => harness.emulator.state.addOrganizationalUnit({ name: 'L6', parentId })).toThrow(
      /five levels/,
    );
  });
});

describe('faults and quotas', () => {
  it('a throttle fault answers TooManyRequestsException, which the SDK retries as throttling', async () => {
    harness.emulator.faults.throttle({ count: 1, operation: 'ListAccounts' });
    const error = await rejectionOf(client.send(new ListAccountsCommand({})));
    expect(error).toBeInstanceOf(TooManyRequestsException);
    expect(error.$metadata?.httpStatusCode).toBe(400);
    harness.emulator.faults.throttle({ count: 1, operation: 'DescribeOrganization' });
    const retrying = organizationsClientFor(harness.emulator, 2);
    try {
      const output = await retrying.send(new DescribeOrganizationCommand({}));
      expect(output.$metadata.attempts).toBe(2);
    } finally {
      retrying.destroy();
    }
    expect(
      harness.emulator.calls().map(({ service, operation, outcome }) => [service, operation, outcome]),
    ).toEqual([
      ['organizations', 'ListAccounts', 'TooManyRequestsException'],
      ['organizations', 'DescribeOrganization', 'TooManyRequestsException'],
      ['organizations', 'DescribeOrganization', 'ok'],
    ]);
  });

  it('a server fault is ServiceException (500); an error fault can name Organizations’ own errors', async () => {
    harness.emulator.faults.serverError({ count: 1, operation: 'ListRoots' });
    const fault = await rejectionOf(client.send(new ListRootsCommand({})));
    expect(fault).toBeInstanceOf(ServiceException);
    expect(fault.$metadata?.httpStatusCode).toBe(500);
    harness.emulator.faults.error({ count: 1, errorName: 'AWSOrganizationsNotInUseException' });
    expect(await rejectionOf(client.send(new DescribeOrganizationCommand({})))).toBeInstanceOf(
      AWSOrganizationsNotInUseException,
    );
    harness.emulator.faults.error({ count: 1, errorName: 'AccessDeniedException' });
    expect(await rejectionOf(client.send(new ListRootsCommand({})))).toBeInstanceOf(AccessDeniedException);
  });

  describe('Organizations’ own request rate', () => {
    let emulator: RunningEmulator;
    let clock: ManualClock;
    let organizations: OrganizationsClient;
    beforeEach(async () => {
      clock = new ManualClock();
      emulator = await startEmulator({ clock, organizationsRequestsPerSecond: 5 });
      organizations = organizationsClientFor(emulator);
    });
    afterEach(async () => {
      organizations.destroy();
      await emulator.close();
    });

    it('throttles beyond its bucket, refills with time, and is apart from SSO Admin’s 20/s', async () => {
      const sso = clientFor(emulator);
      try {
        // SSO Admin's collective bucket, drained, does not hold Organizations back…
        for (let index = 0; index < 20; index += 1) {
          await sso
            .send(
              new DescribeAccountAssignmentCreationStatusCommand({
                InstanceArn: INSTANCE_ARN,
                AccountAssignmentCreationRequestId: '00000000-0000-4000-8000-000000000000',
              }),
            )
            .catch(() => undefined);
        }
        for (let index = 0; index < 5; index += 1) await organizations.send(new ListRootsCommand({}));
        expect(await rejectionOf(organizations.send(new ListRootsCommand({})))).toBeInstanceOf(
          TooManyRequestsException,
        );
        clock.advance(200); // one request's worth at 5/s
        await organizations.send(new ListRootsCommand({}));
        expect(await rejectionOf(organizations.send(new ListRootsCommand({})))).toBeInstanceOf(
          TooManyRequestsException,
        );
        // … and Organizations' does not hold SSO Admin back.
        clock.advance(1000);
        await expect(
          sso.send(
            new DescribeAccountAssignmentCreationStatusCommand({
              InstanceArn: INSTANCE_ARN,
              AccountAssignmentCreationRequestId: '00000000-0000-4000-8000-000000000000',
            }),
          ),
        ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
      } finally {
        sso.destroy();
      }
    });

    it('defaults to 10 requests per second', async () => {
      const defaults = await startEmulator({ clock });
      const defaultClient = organizationsClientFor(defaults);
      try {
        for (let index = 0; index < 10; index += 1) await defaultClient.send(new ListRootsCommand({}));
        expect(await rejectionOf(defaultClient.send(new ListRootsCommand({})))).toBeInstanceOf(
          TooManyRequestsException,
        );
      } finally {
        defaultClient.destroy();
        await defaults.close();
      }
    });
  });
});

describe('admin route', () => {
  const post = (body: unknown) => postState(harness.emulator, body);

  it('moves, closes and adds over HTTP', async () => {
    await expect(post({ action: 'moveAccount', accountId: PROD_ACCOUNT, parentId: ROOT })).resolves.toEqual({
      status: 200,
      body: { changed: true },
    });
    await post({ action: 'setAccountState', accountId: PROD_ACCOUNT, state: 'CLOSED' });
    expect(
      harness.emulator.state.world().accounts.find((account) => account.id === PROD_ACCOUNT),
    ).toMatchObject({
      parentId: ROOT,
      state: 'CLOSED',
      status: 'SUSPENDED',
    });
    const unit = await post({ action: 'addOrganizationalUnit', unit: { name: 'Data', parentId: ROOT } });
    expect(unit.body).toMatchObject({ changed: true, created: { name: 'Data', parentId: ROOT } });
    const account = await post({ action: 'addAccount', account: { id: '280000000003', name: 'data-03' } });
    expect(account.body).toMatchObject({ created: { id: '280000000003', parentId: ROOT, state: 'ACTIVE' } });
  });

  it('names what is wrong with a malformed or impossible change', async () => {
    const badState = await post({ action: 'setAccountState', accountId: PROD_ACCOUNT, state: 'GONE' });
    expect(badState.status).toBe(400);
    expect(JSON.stringify(badState.body)).toContain(
      'PENDING_ACTIVATION|ACTIVE|SUSPENDED|PENDING_CLOSURE|CLOSED',
    );
    const unknownParent = await post({ action: 'moveAccount', accountId: PROD_ACCOUNT, parentId: 'r-zzzz' });
    expect(unknownParent).toEqual({
      status: 400,
      body: { error: 'r-zzzz is neither the root nor an OU of the emulated organisation' },
    });
  });
});

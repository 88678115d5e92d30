/**
 * Section 9 on virtual time (see ../lib/virtual-runtime.ts): what the group's resolution costs in a generated
 * organisation of RESOLUTION.activeAccounts active accounts in RESOLUTION.organizationalUnits OUs
 * (../lib/organization.ts), against the emulator at section 4's SSO Admin quotas and the emulator's Organizations rate.
 * Each case is one group CREATE, on a fresh emulator (full rate buckets, a clean call log), with one principal and one
 * permission set wherever the case is about targets, so its writes are few next to its resolution.
 */
import { DriverError, type ResourceProperties } from '../../dev/driver';
import { clearStateTable, type RunningEmulator } from '../../dev/emulator';
import { GROUP_TYPE } from '../lib/benchmarked-type';
import { MODEL, RESOLUTION } from '../lib/model';
import {
  expectedAccounts,
  fewestAccountCheckCalls,
  fewestUnitCalls,
  generateOrganization,
  pages,
  type GeneratedOrganization,
} from '../lib/organization';
import { noCalls, resolutionLimit, type ServiceCounts, type ServiceRates } from '../lib/resolution';
import type { ResolutionCaseResult, ResolutionResult } from '../lib/results';
import type { VirtualRuntime } from '../lib/virtual-runtime';
import { failureOf, groupDriver, keyOf, measure, QUOTAS, warmUpGroup, withTable } from './group';
import { emulatorOnVirtualTime, type Progress } from './harness';

/** The instance every emulator serves (its seeded ID survives `seed: false`) and the organisation's fixed IDs. */
const INSTANCE_ID = 'ssoins-72230b9a8e8e8b7a';
const INSTANCE_ARN = `arn:aws:sso:::instance/${INSTANCE_ID}`;
const ROOT_ID = 'r-7q2x';
const MANAGEMENT_ACCOUNT_ID = '111122223333';

const RATES: ServiceRates = {
  organizations: RESOLUTION.organizationsRequestsPerSecond,
  ssoAdmin: RESOLUTION.ssoRequestsPerSecond,
};

interface Principal {
  type: 'USER' | 'GROUP';
  id: string;
  name: string;
}

/** Everything the section's emulators hold: the organisation, the permission sets (listing order), the principals. */
interface ResolutionWorld {
  organization: GeneratedOrganization;
  permissionSets: { name: string; arn: string }[];
  groups: Principal[];
  users: Principal[];
}

function resolutionWorld(): ResolutionWorld {
  const organization = generateOrganization({
    rootId: ROOT_ID,
    managementAccountId: MANAGEMENT_ACCOUNT_ID,
    activeAccounts: RESOLUTION.activeAccounts,
    organizationalUnits: RESOLUTION.organizationalUnits,
    suspendedAccounts: RESOLUTION.suspendedAccounts,
  });
  const permissionSets = Array.from({ length: RESOLUTION.permissionSets }, (_, index) => ({
    name: `Resolution${String(index).padStart(4, '0')}`,
    arn: `arn:aws:sso:::permissionSet/${INSTANCE_ID}/ps-${index.toString(16).padStart(16, '0')}`,
  }));
  const principal = (type: Principal['type'], index: number): Principal => ({
    type,
    id: `${type === 'GROUP' ? 'd' : 'e'}0000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
    name: `resolution-${type.toLowerCase()}-${index}`,
  });
  return {
    organization,
    permissionSets,
    groups: Array.from({ length: Math.max(1, RESOLUTION.namedGroups) }, (_, index) =>
      principal('GROUP', index),
    ),
    users: Array.from({ length: RESOLUTION.namedUsers }, (_, index) => principal('USER', index)),
  };
}

/** Replaces the emulator's empty world's organisation, permission sets and principals with `world`'s. */
function seedWorld(emulator: RunningEmulator, world: ResolutionWorld): void {
  const { state } = emulator;
  for (const unit of world.organization.units) {
    state.addOrganizationalUnit({ id: unit.id, name: unit.name, parentId: unit.parentId });
  }
  for (const account of world.organization.accounts) {
    state.addAccount({
      id: account.id,
      name: account.name,
      parentId: account.parentId,
      state: account.state,
      // list-accounts shows the management account as INVITED; members were created in the organisation.
      joinedMethod: account.id === world.organization.managementAccountId ? 'INVITED' : 'CREATED',
    });
  }
  for (const permissionSet of world.permissionSets) state.addPermissionSet(permissionSet);
  for (const group of world.groups) state.addGroup(group);
  for (const user of world.users) state.addUser(user);
}

/** One CREATE of the section: its declaration and what a correct resolution must answer and call. */
interface ResolutionCase {
  label: string;
  declaration: string;
  principals: Principal[];
  /** By name (true) or by ID and ARN. */
  byName: boolean;
  permissionSets: { name: string; arn: string }[];
  targets: ResourceProperties[];
  accounts: string[];
  fewest: ServiceCounts;
  fewestMethod: string;
}

function resolutionCases(world: ResolutionWorld): ResolutionCase[] {
  const { organization } = world;
  const pageSize = RESOLUTION.organizationsPageSize;
  const [principal] = world.groups;
  const [permissionSet] = world.permissionSets;
  const oneOfEach = { principals: [principal], byName: false, permissionSets: [permissionSet] };
  const unitIds = organization.units.map((unit) => unit.id);
  const root = { parentIds: [organization.rootId], recursive: true };
  const units = { parentIds: unitIds, recursive: false };
  const rootCalls = fewestUnitCalls(organization, root, pageSize);
  const unitCalls = fewestUnitCalls(organization, units, pageSize);

  // Names: the wanted permission sets are the last ones listed, so the handler's describe-until-found walk
  // describes every one (its worst case); one account target, checked with one call.
  const named = world.permissionSets.slice(-RESOLUTION.namedPermissionSets);
  const namedPrincipals = [...world.groups.slice(0, RESOLUTION.namedGroups), ...world.users];
  const active = organization.accounts.filter(
    (account) => account.state === 'ACTIVE' && account.id !== organization.managementAccountId,
  );
  const [namesAccount] = active;
  const describedUpTo = Math.max(...named.map((wanted) => world.permissionSets.indexOf(wanted) + 1));
  const namesCheck = fewestAccountCheckCalls(1, organization.accounts.length, pageSize);

  // Accounts by ID: spread over the organisation.
  const stride = Math.floor(active.length / RESOLUTION.listedAccounts);
  const listed = Array.from(
    { length: RESOLUTION.listedAccounts },
    (_, index) => active[index * stride]?.id ?? '',
  );
  const listedCheck = fewestAccountCheckCalls(listed.length, organization.accounts.length, pageSize);

  return [
    {
      label: 'root, recursive',
      declaration: `1 group (ID) x 1 permission set (ARN) x the root (${organization.rootId}), Recursive`,
      ...oneOfEach,
      targets: [{ TargetType: 'AWS_OU', TargetIds: [organization.rootId], Recursive: true }],
      accounts: expectedAccounts(organization, root),
      fewest: { ...noCalls(), organizations: rootCalls.calls },
      fewestMethod: rootCalls.method,
    },
    {
      label: `${unitIds.length} OUs`,
      declaration: `1 group (ID) x 1 permission set (ARN) x every one of the ${unitIds.length} OUs, not recursive`,
      ...oneOfEach,
      targets: [{ TargetType: 'AWS_OU', TargetIds: unitIds, Recursive: false }],
      accounts: expectedAccounts(organization, units),
      fewest: { ...noCalls(), organizations: unitCalls.calls },
      fewestMethod: unitCalls.method,
    },
    {
      label: 'names',
      declaration:
        `${RESOLUTION.namedGroups} groups and ${RESOLUTION.namedUsers} users by name x ${named.length} permission ` +
        `sets by name (the last ${named.length} of ${world.permissionSets.length} listed) x 1 account (ID)`,
      principals: namedPrincipals,
      byName: true,
      permissionSets: named,
      targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: [namesAccount.id] }],
      accounts: [namesAccount.id],
      fewest: {
        organizations: namesCheck.calls,
        identityStore: namedPrincipals.length,
        ssoAdmin: 1 + pages(world.permissionSets.length, RESOLUTION.permissionSetPageSize) + describedUpTo,
      },
      fewestMethod:
        'DescribeInstance (the identity store), one GetUserId or GetGroupId per name, ListPermissionSets pages ' +
        `(${RESOLUTION.permissionSetPageSize} a page) and DescribePermissionSet in listing order up to the last ` +
        `wanted one (SSO Admin lists ARNs only), ${namesCheck.method}`,
    },
    {
      label: `${listed.length} accounts by ID`,
      declaration: `1 group (ID) x 1 permission set (ARN) x ${listed.length} accounts (IDs)`,
      ...oneOfEach,
      targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: listed }],
      accounts: [...listed].sort(),
      fewest: { ...noCalls(), organizations: listedCheck.calls },
      fewestMethod: listedCheck.method,
    },
  ];
}

function modelOf(entry: ResolutionCase, index: number): ResourceProperties {
  return {
    Name: `bench-resolution-${index}`,
    InstanceArn: INSTANCE_ARN,
    Principals: entry.principals.map((principal) =>
      entry.byName
        ? { PrincipalType: principal.type, PrincipalName: principal.name }
        : { PrincipalType: principal.type, PrincipalId: principal.id },
    ),
    PermissionSets: entry.permissionSets.map((permissionSet) =>
      entry.byName ? permissionSet.name : permissionSet.arn,
    ),
    Targets: entry.targets,
  };
}

/** Whether the emulator holds exactly the case's assignments (its principals x permission sets x accounts). */
function holdsExactly(emulator: RunningEmulator, entry: ResolutionCase): boolean {
  const principals = new Set(entry.principals.map((principal) => principal.id));
  const held = new Set(
    emulator.state
      .accountAssignments()
      .filter((tuple) => principals.has(tuple.principalId))
      .map(keyOf),
  );
  const wanted = entry.principals.flatMap((principal) =>
    entry.permissionSets.flatMap((permissionSet) =>
      entry.accounts.map((targetId) =>
        keyOf({
          principalType: principal.type,
          principalId: principal.id,
          permissionSetArn: permissionSet.arn,
          targetId,
        }),
      ),
    ),
  );
  return held.size === wanted.length && wanted.every((key) => held.has(key));
}

/** The writes of every case: the progress bar's total. */
export function resolutionWrites(): number {
  return resolutionCases(resolutionWorld()).reduce(
    (sum, entry) => sum + entry.principals.length * entry.permissionSets.length * entry.accounts.length,
    0,
  );
}

export async function runResolution(runtime: VirtualRuntime, progress: Progress): Promise<ResolutionResult> {
  const world = resolutionWorld();
  const cases = resolutionCases(world);
  return withTable(runtime, async (table) => {
    await warmUpGroup(runtime, table.process);
    const results: ResolutionCaseResult[] = [];
    for (const [index, entry] of cases.entries()) {
      const emulator = await emulatorOnVirtualTime(runtime, {
        ...QUOTAS,
        seed: false,
        organizationsRequestsPerSecond: RESOLUTION.organizationsRequestsPerSecond,
        organizationsPageSize: RESOLUTION.organizationsPageSize,
        stateTableEndpoint: table.process.endpoint,
      });
      try {
        seedWorld(emulator, world);
        const model = modelOf(entry, index);
        runtime.reseed(MODEL.seed);
        const driver = groupDriver(runtime);
        const measured = await measure(runtime, emulator, table, () => driver.create(model));
        const { outcome, resolution } = measured;
        const writes = entry.principals.length * entry.permissionSets.length * entry.accounts.length;
        const answered = outcome instanceof DriverError ? undefined : outcome.final.resourceModel;
        const resolved = typeof answered?.AccountCount === 'number' ? answered.AccountCount : Number.NaN;
        const exact = resolved === entry.accounts.length && holdsExactly(emulator, entry);
        const failure =
          failureOf(measured) ??
          (exact
            ? undefined
            : `resolved ${resolved} accounts (expected ${entry.accounts.length}) or holds other assignments`);
        const limit = resolutionLimit(entry.fewest, RATES);
        results.push({
          label: entry.label,
          declaration: entry.declaration,
          resolution,
          fewest: entry.fewest,
          fewestMethod: entry.fewestMethod,
          limitBoundsMs: limit.boundsMs,
          limitMs: limit.limitMs,
          ratioToLimit: resolution.ms / limit.limitMs,
          lambdaShare: resolution.ms / MODEL.lambdaTimeoutMs,
          accounts: { expected: entry.accounts.length, resolved, exact },
          create: {
            succeeded: failure === undefined,
            ...(failure === undefined ? {} : { failure }),
            totalMs: outcome instanceof DriverError ? Number.NaN : outcome.elapsedMs,
            invocations: measured.invocations,
            writes,
            apiCalls: measured.apiCalls,
          },
          wallMs: measured.wallMs,
        });
        progress(writes);
        // Each case's group alone in the table: another group declaring the same assignments changes the plan.
        await runtime.run(() => clearStateTable(table.process.endpoint));
      } finally {
        await emulator.close();
      }
    }
    const { organization } = world;
    return {
      typeName: GROUP_TYPE.typeName,
      organization: {
        activeAccounts: RESOLUTION.activeAccounts,
        organizationalUnits: organization.units.length,
        suspendedAccounts: RESOLUTION.suspendedAccounts,
        accounts: organization.accounts.length,
        maxDepth: Math.max(...organization.units.map((unit) => unit.depth)),
      },
      permissionSets: world.permissionSets.length,
      rates: RATES,
      organizationsPageSize: RESOLUTION.organizationsPageSize,
      lambdaTimeoutMs: MODEL.lambdaTimeoutMs,
      cases: results,
    };
  });
}

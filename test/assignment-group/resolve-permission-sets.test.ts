// Permission set names in a large instance: SSO Admin lists permission sets by ARN only, so a name is found by
// describing them one by one. The search stops in time with an answer that says what to do, and a name the group
// resolved before costs one DescribePermissionSet of the ARN it had.
import {
  CreatePermissionSetCommand,
  DeletePermissionSetCommand,
  ListPermissionSetsCommand,
} from '@aws-sdk/client-sso-admin';
import Bottleneck from 'bottleneck';
import { DEFAULT_WORLD, startEmulator, type RunningEmulator } from '../../dev/emulator';
import { DeclarationError, type GroupProperties } from '../../src/assignment-group/declaration';
import { resolve, resolveLeniently, type ResolveClients } from '../../src/assignment-group/resolve';
import { RETRY_POLICY } from '../../src/core/retry-policy';
import { replaceInvocationClock, runInInvocation } from '../../src/core/invocation';
import { clientFor, identityStoreClientFor, ManualClock, organizationsClientFor } from '../emulator/helpers';

jest.setTimeout(60_000);

const world = DEFAULT_WORLD;
/** Each call takes this long on the clock the resolver reads (50 ms: the instance's 20 requests per second). */
let callMs = 50;
const EXTRA_SETS = 400;

let emulator: RunningEmulator;
let clients: ResolveClients;
const clock = new ManualClock();
let restoreClock: () => void;

/** The instance's permission set ARNs in listing order. */
async function listedArns(): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await clients.ssoAdmin.send(
      new ListPermissionSetsCommand({
        InstanceArn: world.instanceArn,
        MaxResults: 100,
        NextToken: nextToken,
      }),
    );
    arns.push(...(page.PermissionSets ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return arns;
}

async function createPermissionSet(name: string): Promise<string> {
  const created = await clients.ssoAdmin.send(
    new CreatePermissionSetCommand({ InstanceArn: world.instanceArn, Name: name }),
  );
  return created.PermissionSet?.PermissionSetArn ?? '';
}

beforeAll(async () => {
  emulator = await startEmulator({ requestsPerSecond: Infinity, clock });
  const ssoAdmin = clientFor(emulator);
  ssoAdmin.middlewareStack.add(
    (next) => (args) => {
      clock.advance(callMs);
      return next(args);
    },
    { step: 'initialize', name: 'callTakesTime' },
  );
  clients = {
    ssoAdmin,
    identityStore: identityStoreClientFor(emulator),
    organizations: organizationsClientFor(emulator),
  };
  for (let index = 0; index < EXTRA_SETS; index += 1) {
    await createPermissionSet(`Extra-${String(index).padStart(3, '0')}`);
  }
  restoreClock = replaceInvocationClock({
    now: () => clock.now(),
    sleep: async (ms) => clock.advance(ms),
  });
});

afterAll(async () => {
  restoreClock();
  await emulator.close();
});

beforeEach(() => {
  callMs = 50;
  emulator.clearCalls();
});

const account = world.accounts.find((candidate) => candidate.id !== world.ownerAccountId)?.id ?? '';

function declaredWith(permissionSets: string[]): GroupProperties {
  return {
    Name: 'by-name',
    InstanceArn: world.instanceArn,
    Principals: [{ PrincipalType: 'GROUP', PrincipalId: world.groups[0]?.id ?? '' }],
    PermissionSets: permissionSets,
    Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: [account] }],
  };
}

const options = () => ({ ssoPacer: new Bottleneck() });
const calls = (operation: string) => emulator.calls().filter((call) => call.operation === operation).length;

test('a name found within the search time resolves to its ARN', async () => {
  const arns = await listedArns();
  emulator.clearCalls();
  const resolved = await resolve(clients, declaredWith(['Extra-100']), options());
  expect(resolved.permissionSets).toEqual([{ arn: arns[arns.length - EXTRA_SETS + 100], name: 'Extra-100' }]);
});

test('the search stops after 30 s of describing and says to give the ARN instead', async () => {
  const arns = await listedArns();
  emulator.clearCalls();
  // A slower service: 30 s at one call each 100 ms is 300 sets described, the listing pages' time included.
  callMs = 100;
  const error = await resolve(clients, declaredWith(['Extra-390']), options()).catch(
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DeclarationError);
  const described = calls('DescribePermissionSet');
  expect(described).toBeGreaterThan(290);
  expect(described).toBeLessThanOrEqual(300);
  expect((error as Error).message).toBe(
    `The group cannot be resolved: PermissionSets.0: 'Extra-390' is not among the first ${described} of the ` +
      `instance's ${arns.length} permission sets, which is as many as can be described by name in 30 s ` +
      '(DescribePermissionSet, one set a call): give its ARN instead',
  );
});

test('the search also stops when the invocation has less time left than that', async () => {
  const deadline = clock.now() + RETRY_POLICY.invocationSafetyMarginMs + 2_000;
  const error = await runInInvocation({ deadline, typeName: 'Org::SSO::AssignmentGroup' }, () =>
    resolve(clients, declaredWith(['Extra-300']), options()),
  ).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(DeclarationError);
  expect((error as Error).message).toMatch(/'Extra-300' is not among the first \d+ of /);
  expect(calls('DescribePermissionSet')).toBeLessThanOrEqual(2_000 / callMs);
  expect(clock.now()).toBeLessThanOrEqual(deadline - RETRY_POLICY.invocationSafetyMarginMs + callMs);
});

test('a name resolved before costs one DescribePermissionSet of its pinned ARN, with no listing', async () => {
  const arns = await listedArns();
  const pinned = { arn: arns[arns.length - 1] ?? '', name: `Extra-${EXTRA_SETS - 1}` };
  emulator.clearCalls();
  const now = await resolveLeniently(clients, declaredWith([pinned.name]), {
    ...options(),
    pinnedPermissionSets: [pinned],
  });
  expect(now.problems).toEqual([]);
  expect(now.permissionSets).toEqual([pinned]);
  expect(calls('DescribePermissionSet')).toBe(1);
  expect(calls('ListPermissionSets')).toBe(0);
});

test('a pinned ARN that is gone is searched for anew, and the name resolves to the set that carries it now', async () => {
  const gone = await createPermissionSet('Recreated');
  await clients.ssoAdmin.send(
    new DeletePermissionSetCommand({ InstanceArn: world.instanceArn, PermissionSetArn: gone }),
  );
  const recreated = await createPermissionSet('Recreated');
  emulator.clearCalls();
  const now = await resolveLeniently(clients, declaredWith(['Recreated']), {
    ...options(),
    pinnedPermissionSets: [{ arn: gone, name: 'Recreated' }],
  });
  expect(now.problems).toEqual([]);
  expect(now.permissionSets).toEqual([{ arn: recreated, name: 'Recreated' }]);
  expect(calls('ListPermissionSets')).toBeGreaterThan(0);
});

import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import {
  DEFAULT_WORLD,
  startEmulator,
  type AssignmentTuple,
  type EmulatorOptions,
  type RunningEmulator,
} from '../../dev/emulator';

/** A clock the test moves by hand. */
export class ManualClock {
  private current = Date.UTC(2025, 0, 1);

  now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }
}

/** What an SDK client needs to talk to the emulator (any service it serves). */
function clientConfig(emulator: RunningEmulator, maxAttempts: number) {
  return {
    endpoint: emulator.endpoint,
    region: DEFAULT_WORLD.region,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
    maxAttempts,
  };
}

export function clientFor(emulator: RunningEmulator, maxAttempts = 1): SSOAdminClient {
  return new SSOAdminClient(clientConfig(emulator, maxAttempts));
}

export function identityStoreClientFor(emulator: RunningEmulator, maxAttempts = 1): IdentitystoreClient {
  return new IdentitystoreClient(clientConfig(emulator, maxAttempts));
}

export function organizationsClientFor(emulator: RunningEmulator, maxAttempts = 1): OrganizationsClient {
  return new OrganizationsClient(clientConfig(emulator, maxAttempts));
}

export interface Harness {
  emulator: RunningEmulator;
  client: SSOAdminClient;
  clock: ManualClock;
}

/** Starts one emulator for a test file (with a manual clock) and resets it before each test. */
export function useEmulator(options: Omit<EmulatorOptions, 'clock'> = {}): Harness {
  const harness = {} as Harness;
  beforeAll(async () => {
    harness.clock = new ManualClock();
    harness.emulator = await startEmulator({ ...options, clock: harness.clock });
    harness.client = clientFor(harness.emulator);
  });
  afterAll(async () => {
    harness.client.destroy();
    await harness.emulator.close();
  });
  beforeEach(() => {
    harness.emulator.reset();
  });
  return harness;
}

export const INSTANCE_ARN = DEFAULT_WORLD.instanceArn;
export const [ADMIN_PS, READONLY_PS, BILLING_PS] = DEFAULT_WORLD.permissionSets.map(
  (permissionSet) => permissionSet.arn,
);
export const [ALICE, BOB, CAROL] = DEFAULT_WORLD.users.map((user) => user.id);
export const [ADMINS_GROUP, DEVELOPERS_GROUP] = DEFAULT_WORLD.groups.map((group) => group.id);
/** A seeded account's ID by name (not by position: the world's account list grows). */
function accountId(name: string): string {
  const account = DEFAULT_WORLD.accounts.find((candidate) => candidate.name === name);
  if (!account) throw new Error(`The seeded world has no account named ${name}`);
  return account.id;
}
export const MANAGEMENT_ACCOUNT = accountId('management');
export const DEV_ACCOUNT = accountId('workload-dev');
export const PROD_ACCOUNT = accountId('workload-prod');
export const SUSPENDED_ACCOUNT = accountId('closed-sandbox');
export const [GRAFANA_APP, CRM_APP] = DEFAULT_WORLD.applications.map((application) => application.arn);

export function tuple(overrides: Partial<AssignmentTuple> = {}): AssignmentTuple {
  return {
    targetId: DEV_ACCOUNT,
    permissionSetArn: ADMIN_PS,
    principalType: 'USER',
    principalId: ALICE,
    ...overrides,
  };
}

/** The CreateAccountAssignment / DeleteAccountAssignment input for an assignment tuple. */
export function writeInput(assignment: AssignmentTuple) {
  return {
    InstanceArn: INSTANCE_ARN,
    TargetId: assignment.targetId,
    TargetType: 'AWS_ACCOUNT' as const,
    PermissionSetArn: assignment.permissionSetArn,
    PrincipalType: assignment.principalType,
    PrincipalId: assignment.principalId,
  };
}

/** Resolves to the rejection of `promise` (failing the test if it resolves). */
export async function rejectionOf(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`Rejected with a non-Error: ${String(error)}`);
  }
  throw new Error('Expected the call to fail, but it succeeded');
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** Sends a hand-made request (for what the SDK would never send: bad types, unknown members, no signature). */
export async function rawCall(
  emulator: RunningEmulator,
  target: string,
  body: string,
  headers: Record<string, string> = {
    authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/sso/aws4_request',
  },
): Promise<RawResponse> {
  const response = await fetch(`${emulator.endpoint}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target, ...headers },
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as unknown) : null,
  };
}

/** Posts a state change to the emulator's admin route, as a test script would over HTTP. */
export async function postState(
  emulator: RunningEmulator,
  body: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${emulator.endpoint}/__emulator/state`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

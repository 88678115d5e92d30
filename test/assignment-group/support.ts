// What the group's tests share: the emulator and driver they run on, and account assignments compared as
// `principal|permission set|account` strings.
import { Driver, type ResourceProperties } from '../../dev/driver';
import { DEFAULT_WORLD, type RunningEmulator } from '../../dev/emulator';
import { CHECK_INTERVAL_ENV } from '../../src/assignment-group/assignments';
import { entrypoint } from '../../src/assignment-group/handlers';
import { ResourceModel } from '../../src/assignment-group/models';
import { type HandlerEmulator, useHandlerEmulator } from '../support/emulator';

/**
 * The emulator with the state table, provisioning in `provisioningMs`, and the group checking its writes in flight
 * after 10 ms rather than 250 (the emulator is that fast), for a test file.
 */
export function useGroupEmulator(provisioningMs = 20): HandlerEmulator {
  const emulator = useHandlerEmulator({ stateTable: true, provisioningMs });
  beforeAll(() => {
    process.env[CHECK_INTERVAL_ENV] = '10';
  });
  afterAll(() => {
    Reflect.deleteProperty(process.env, CHECK_INTERVAL_ENV);
  });
  return emulator;
}

type Entrypoint = ConstructorParameters<typeof Driver>[0]['entrypoint'];

/**
 * The driver, playing CloudFormation for the group on a thousandth of its waits, quietly; through `handler` (the
 * group's entrypoint, or a wrapper of it that watches each invocation); `lambdaTimeoutMs` shortens each invocation, `timeoutMs`
 * the whole operation's budget.
 */
export function groupDriver(
  handler: Entrypoint = entrypoint,
  options: { lambdaTimeoutMs?: number; timeoutMs?: number } = {},
): Driver {
  return new Driver({
    entrypoint: handler,
    typeName: ResourceModel.TYPE_NAME,
    primaryIdentifier: ['/properties/Name'],
    timeScale: 0.001,
    log: () => undefined,
    ...options,
  });
}

/** The emulator's account assignments, sorted. */
export function assignmentsIn(emulator: RunningEmulator): string[] {
  return emulator.state
    .accountAssignments()
    .map((a) => `${a.principalId}|${a.permissionSetArn}|${a.targetId}`)
    .sort();
}

/** The assignments a group's properties stand for, sorted (Principals x PermissionSets x accounts). */
export function expectedAssignments(properties: ResourceProperties): string[] {
  const principals = properties.Principals as { PrincipalId: string }[];
  const sets = properties.PermissionSets as string[];
  const targets = properties.Targets as { TargetIds: string[] }[];
  return principals
    .flatMap((p) =>
      sets.flatMap((s) => targets.flatMap((t) => t.TargetIds.map((a) => `${p.PrincipalId}|${s}|${a}`))),
    )
    .sort();
}

/** The ID of the seeded world's OU named `name`. */
export function unitNamed(name: string): string {
  const unit = DEFAULT_WORLD.organization.organizationalUnits.find((candidate) => candidate.name === name);
  if (!unit) throw new Error(`no OU ${name} in the seeded world`);
  return unit.id;
}

/** The ID of the seeded world's account named `name`. */
export function accountNamed(name: string): string {
  const account = DEFAULT_WORLD.accounts.find((candidate) => candidate.name === name);
  if (!account) throw new Error(`no account ${name} in the seeded world`);
  return account.id;
}

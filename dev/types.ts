// The registry of the resource types this repository ships: the one place a type is named. Everything else
// (generate, package, register, SAM build, demo, invoke, bench, and the suites that cover every type)
// iterates RESOURCE_TYPES. An entry declares the type's key, project folder and schema, its handler module,
// a model valid in the emulator's seeded world and how to see or seed one in the emulator; the rest (schema
// file, src folder, inputs, sam-tests, docs, package name) follows from those by the project's conventions.
// Adding a type is its folder, its src/<key>/handlers.ts and one entry here (test/registry.test.ts checks
// that no other tooling or suite names it).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import applicationAssignmentSchema from '../application-assignment/aws-sso-applicationassignment.json';
import assignmentGroupSchema from '../assignment-group/aws-sso-assignmentgroup.json';
import assignmentSchema from '../aws-sso-assignment.json';
import type { ResourceProperties } from './driver';
import type { AssignmentTuple, ApiCallRecord, RunningEmulator, World } from './emulator';
import { hyphenated } from './package/type-name';

export const REPOSITORY_ROOT = path.resolve(__dirname, '..');

/**
 * The state table's default name and key schema, for the tooling around types that keep state (register, the
 * registration templates, the local dynalite); defined next to the handlers that use it.
 */
export { STATE_TABLE } from '../src/assignment-group/state-table';

/** The parts of a resource schema (schema/meta/provider.definition.schema.v1.json) dev tooling reads. */
export interface ResourceSchemaDocument {
  typeName: string;
  /** Object types properties refer to with `$ref: #/definitions/<Name>`. */
  definitions?: Record<string, unknown>;
  properties: Record<
    string,
    {
      type?: string;
      description?: string;
      enum?: readonly string[];
      pattern?: string;
      minLength?: number;
      maxLength?: number;
    }
  >;
  required?: readonly string[];
  primaryIdentifier: readonly string[];
  createOnlyProperties?: readonly string[];
  readOnlyProperties?: readonly string[];
  /** Set per account and Region with SetTypeConfiguration; a `StateTable` property means the type keeps state. */
  typeConfiguration?: { properties?: Record<string, unknown> };
  /** timeoutInMinutes: CloudFormation's timeout for the handler's whole operation (120 when absent). */
  handlers?: {
    create?: { timeoutInMinutes?: number };
    update?: { timeoutInMinutes?: number };
    delete?: { timeoutInMinutes?: number };
    list?: {
      permissions?: readonly string[];
      handlerSchema?: { properties?: Record<string, unknown>; required?: readonly string[] };
    };
  };
}

/**
 * What src/<type>/handlers.ts exports. The entrypoints take any event, as Lambda may hand them anything
 * (the hostile-input suite sends malformed requests); a well-formed request is a driver Entrypoint's.
 */
export interface HandlerModule {
  entrypoint: (event: unknown, context: object) => Promise<unknown>;
  testEntrypoint: (event: unknown, context: object) => Promise<unknown>;
}

/**
 * The emulator side of a type: its operations, and its state for one model. A model stands for `size(model)`
 * service resources (one per create write): one assignment for the single-assignment types, every assignment of
 * Principals x PermissionSets x accounts for a group. "The model's resource" below means all of them.
 */
export interface EmulatorBinding {
  /** The write that creates one of the model's service resources (sent `size(model)` times by a CREATE). */
  createOperation: string;
  deleteOperation: string;
  /** The SSO Admin read a READ of one model sends (possibly several times, e.g. once per principal). */
  readOperation: string;
  /**
   * How many service resources (create writes) the model stands for. A model that targets organizational units
   * stands for accounts of `world` (the emulator's, `emulator.state.world()`), and needs it.
   */
  size(model: ResourceProperties, world?: World): number;
  /**
   * How many complete copies of the model's resource exist in the emulator now: for one service resource, how
   * many match it; for several, the fewest copies any of them has (0 when one is missing).
   */
  count(emulator: RunningEmulator, model: ResourceProperties): number;
  /** Whether the model's resource exists in the emulator now (every one of its service resources). */
  exists(emulator: RunningEmulator, model: ResourceProperties): boolean;
  /** How many of the model's `size(model)` service resources exist in the emulator now (progress: n of N). */
  present(emulator: RunningEmulator, model: ResourceProperties): number;
  /** Makes the model's service resources exist (already provisioned), behind the API's back. */
  seed(emulator: RunningEmulator, model: ResourceProperties): void;
  /** Deletes the model's service resources behind the API's back; whether every one of them existed. */
  remove(emulator: RunningEmulator, model: ResourceProperties): boolean;
}

/**
 * A type that keeps its resources' state in the state table (DynamoDB; dynalite locally): its resource is its
 * record there plus its service resources. Every local harness (tests, demo, invoke, bench, package measure)
 * starts the table and points AWS_ENDPOINT_URL_DYNAMODB at it for such a type.
 */
export interface StateBinding {
  /**
   * Writes the record the type's CREATE would have left for `model` (which names its primary identifier), as
   * owner of every service resource of the model, into the table at `endpoint` (default table name).
   */
  record(endpoint: string, model: ResourceProperties): Promise<void>;
}

/**
 * What `npm run demo` shows of a type beyond CREATE, READ, LIST, DELETE and READ after DELETE (dev/demo/lifecycle.ts):
 * an UPDATE in place, an out-of-band delete that READ shows as drift, and the UPDATE that repairs it. For an
 * updatable type; run only against the in-process emulator, whose seeded world the models name and whose state the
 * out-of-band delete changes.
 */
export interface DemoScenario {
  /** The model the demo creates (demoModel, which the shared suites use, may be smaller). */
  model(world: World): ResourceProperties;
  /** The UPDATE of `model(world)`: the new model, and the change in a few words. */
  update(world: World): { model: ResourceProperties; change: string };
  /** One service resource of the updated model, as a model of its own, deleted out of band; and in a few words. */
  drift(world: World): { model: ResourceProperties; description: string };
  /**
   * The read-only properties READ answers for `model` when `missing` of its service resources are missing, `world`
   * being the organisation as it was when the model was last applied (what its OU targets resolved to).
   */
  readOnly(model: ResourceProperties, missing: number, world: World): ResourceProperties;
  /**
   * The demo's Lambda timeout for the type (the driver's default is 60 s). A type that works through many service
   * resources per invocation and calls back when its work time is spent shows its progress over several callbacks
   * only if the demo's few resources outlast one invocation's work time.
   */
  lambdaTimeoutMs?: number;
  /** For a type whose targets may be organizational units: an account joining one, shown as drift, then applied. */
  membership?: MembershipScenario;
}

/**
 * Membership drift, after the repair and before DELETE (dev/demo/lifecycle.ts MEMBERSHIP_STEPS): an UPDATE to an
 * organizational-unit target, an account moved into that OU out of band (as Control Tower's Account Factory places
 * a vended account), READ showing the OU as drift, and an UPDATE applying the resource again, which assigns it.
 */
export interface MembershipScenario {
  /** The UPDATE to an OU target (same identifier): the new model, and the change in a few words. */
  update(world: World): { model: ResourceProperties; change: string };
  /** The account that joins, the OU it is moved into (one the updated model targets), and the move in a few words. */
  join(world: World): { accountId: string; parentId: string; description: string };
  /** `model` applied again with its lists unchanged (e.g. a new revision), and the change in a few words. */
  reapply(model: ResourceProperties): { model: ResourceProperties; change: string };
}

/** What a registry entry declares; everything else about the type follows from it. */
interface TypeDeclaration<Key extends string> {
  /** The type's name in this repository: its src/<key>/ and dist/<key>/ folders and its package name. */
  key: Key;
  /** The type's project folder relative to the repository root ('' for the root). */
  folder: string;
  /** Its resource schema (the JSON file in `folder` named after the type, as `cfn init` names it). */
  schema: ResourceSchemaDocument;
  /** Imports the handlers on first use, so callers can set AWS_ENDPOINT_URL_SSO_ADMIN first. */
  loadHandlers(): Promise<HandlerModule>;
  /** A model valid against the schema and the emulator's seeded world. */
  demoModel(world: World): ResourceProperties;
  emulator: EmulatorBinding;
  /** Only for a type that keeps state in the state table (its schema's typeConfiguration has StateTable). */
  state?: StateBinding;
  /** What the demo shows of the type beyond the lifecycle every type goes through. */
  demo?: DemoScenario;
}

export interface ResourceTypeEntry<Key extends string = TypeKey> extends TypeDeclaration<Key> {
  typeName: string;
  primaryIdentifier: readonly string[];
  /** The schema file, relative to the repository root (e.g. `<folder>/<org>-<service>-<resource>.json`). */
  schemaFile: string;
  /** The folder of the type's handler code and generated models, relative to the repository root. */
  sourceDir: string;
  /** The handler module, relative to the repository root. */
  handlersFile: string;
  /** Contract-test inputs and SAM test events (absolute). */
  inputsDir: string;
  samTestsDir: string;
  /** The generated reference page's folder (absolute). */
  docsDir: string;
  /** `npm run package -- --type <packageName>`, build/<packageName>.zip, templates/register-type-<packageName>.yaml. */
  packageName: string;
  /** Whether the type needs the state table (dynalite locally): it declares `state`. */
  stateTable: boolean;
  /** Whether the schema has an update handler (otherwise UPDATE answers NotUpdatable). */
  updatable: boolean;
}

function registered<const Key extends string>(declaration: TypeDeclaration<Key>): ResourceTypeEntry<Key> {
  const { key, folder, schema } = declaration;
  const sourceDir = `src/${key}`;
  const keepsState = schema.typeConfiguration?.properties?.StateTable !== undefined;
  if (keepsState !== (declaration.state !== undefined)) {
    throw new Error(
      `${schema.typeName}: a type declares \`state\` exactly when its schema's typeConfiguration has StateTable`,
    );
  }
  if (declaration.demo !== undefined && schema.handlers?.update === undefined) {
    throw new Error(
      `${schema.typeName}: a demo scenario updates the resource, so the schema needs an update handler`,
    );
  }
  return {
    ...declaration,
    typeName: schema.typeName,
    primaryIdentifier: schema.primaryIdentifier,
    schemaFile: path.posix.join(folder, `${hyphenated(schema.typeName).toLowerCase()}.json`),
    sourceDir,
    handlersFile: `${sourceDir}/handlers.ts`,
    inputsDir: path.join(REPOSITORY_ROOT, folder, 'inputs'),
    samTestsDir: path.join(REPOSITORY_ROOT, folder, 'sam-tests'),
    docsDir: path.join(REPOSITORY_ROOT, folder, 'docs'),
    packageName: key,
    stateTable: keepsState,
    updatable: schema.handlers?.update !== undefined,
  };
}

function stringProperty(model: Record<string, unknown>, name: string): string {
  const value = model[name];
  if (typeof value !== 'string') throw new TypeError(`The model has no string property ${name}`);
  return value;
}

function principalTypeOf(model: Record<string, unknown>): 'USER' | 'GROUP' {
  const value = model.PrincipalType;
  if (value !== 'USER' && value !== 'GROUP') throw new TypeError('PrincipalType must be USER or GROUP');
  return value;
}

function accountAssignmentOf(model: ResourceProperties) {
  return {
    targetId: stringProperty(model, 'TargetId'),
    permissionSetArn: stringProperty(model, 'PermissionSetArn'),
    principalType: principalTypeOf(model),
    principalId: stringProperty(model, 'PrincipalId'),
  };
}

function applicationAssignmentOf(model: ResourceProperties) {
  return {
    applicationArn: stringProperty(model, 'ApplicationArn'),
    principalType: principalTypeOf(model),
    principalId: stringProperty(model, 'PrincipalId'),
  };
}

/** Whether `candidate` has every field of `wanted` with the same value. */
function sameFields<T extends object>(candidate: T, wanted: T): boolean {
  return (Object.keys(wanted) as (keyof T)[]).every((field) => candidate[field] === wanted[field]);
}

/** A binding for a type whose model stands for one service resource. */
function withExists(binding: Omit<EmulatorBinding, 'exists' | 'size' | 'present'>): EmulatorBinding {
  const exists = (emulator: RunningEmulator, model: ResourceProperties) => binding.count(emulator, model) > 0;
  return {
    ...binding,
    size: () => 1,
    exists,
    present: (emulator, model) => (exists(emulator, model) ? 1 : 0),
  };
}

function recordList(model: ResourceProperties, name: string): Record<string, unknown>[] {
  const value = model[name];
  if (!Array.isArray(value)) throw new TypeError(`The model has no list property ${name}`);
  return value.map((item: unknown) => {
    if (typeof item !== 'object' || item === null) throw new TypeError(`${name} must hold objects`);
    return Object.fromEntries(Object.entries(item));
  });
}

function stringList(value: unknown, name: string): string[] {
  if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string')) {
    throw new TypeError(`${name} must be a list of strings`);
  }
  return value;
}

/**
 * The accounts an AWS_OU target stands for in `world`: the ACTIVE accounts directly in each of its OUs or roots,
 * with Recursive also in every OU below, never the management account (as the group's handlers resolve them).
 */
function unitAccounts(target: Record<string, unknown>, world: World): string[] {
  const units = new Set(stringList(target.TargetIds, 'TargetIds'));
  if (target.Recursive === true) {
    // Every OU whose parent is in the set, until none is added (a root's whole tree, an OU's subtree).
    for (let grew = true; grew;) {
      grew = false;
      for (const unit of world.organization.organizationalUnits) {
        if (units.has(unit.parentId) && !units.has(unit.id)) {
          units.add(unit.id);
          grew = true;
        }
      }
    }
  }
  return world.accounts
    .filter(
      (account) =>
        units.has(account.parentId) && account.state === 'ACTIVE' && account.id !== world.ownerAccountId,
    )
    .map((account) => account.id);
}

/**
 * Every account assignment a group model stands for: Principals x PermissionSets x target accounts, less
 * ExcludedAccountIds. OU targets stand for accounts of `world`: a model with one needs it.
 */
export function groupAssignmentsOf(model: ResourceProperties, world?: World): AssignmentTuple[] {
  const principals = recordList(model, 'Principals').map((principal) => principalTypeAndId(principal));
  const permissionSets = stringList(model.PermissionSets, 'PermissionSets');
  const excluded = new Set(
    model.ExcludedAccountIds === undefined ? [] : stringList(model.ExcludedAccountIds, 'ExcludedAccountIds'),
  );
  const targeted = recordList(model, 'Targets').flatMap((target) => {
    if (target.TargetType !== 'AWS_OU') return stringList(target.TargetIds, 'TargetIds');
    if (world === undefined) throw new TypeError('An AWS_OU target stands for accounts of a world: pass it');
    return unitAccounts(target, world);
  });
  // An account both listed and in a targeted OU is assigned once.
  const accounts = [...new Set(targeted)].filter((accountId) => !excluded.has(accountId));
  return principals.flatMap((principal) =>
    permissionSets.flatMap((permissionSetArn) =>
      accounts.map((targetId) => ({ ...principal, permissionSetArn, targetId })),
    ),
  );
}

function principalTypeAndId(principal: Record<string, unknown>) {
  return { principalType: principalTypeOf(principal), principalId: stringProperty(principal, 'PrincipalId') };
}

/** Finds a seeded item by name, so a world without it fails loudly rather than yielding an invalid model. */
function named<T extends { name: string }>(items: readonly T[], name: string, what: string): T {
  const item = items.find((candidate) => candidate.name === name);
  if (!item) throw new Error(`The emulator world has no ${what} named ${name}`);
  return item;
}

/**
 * The demo's group: the groups Developers and Auditors and the given users get ReadOnlyAccess and BillingAccess in
 * workload-dev, workload-prod and the given member accounts.
 */
function groupDemoModel(
  world: World,
  users: readonly string[],
  accounts: readonly string[],
): ResourceProperties {
  return {
    Name: 'platform-access',
    InstanceArn: world.instanceArn,
    Principals: [
      ...['Developers', 'Auditors'].map((name) => ({
        PrincipalType: 'GROUP',
        PrincipalId: named(world.groups, name, 'group').id,
      })),
      ...users.map((name) => ({ PrincipalType: 'USER', PrincipalId: named(world.users, name, 'user').id })),
    ],
    PermissionSets: ['ReadOnlyAccess', 'BillingAccess'].map(
      (name) => named(world.permissionSets, name, 'permission set').arn,
    ),
    Targets: [
      {
        TargetType: 'AWS_ACCOUNT',
        TargetIds: ['workload-dev', 'workload-prod', ...accounts].map(
          (name) => named(world.accounts, name, 'account').id,
        ),
      },
    ],
  };
}

/** The demo's group once updated: user alice replaced by user bob, account log-archive added. */
function groupDemoUpdate(world: World): ResourceProperties {
  return groupDemoModel(world, ['bob'], ['workload-staging', 'shared-services', 'log-archive']);
}

/** The OU the demo's group targets: a small one (3 accounts), so the demo stays a few dozen assignments. */
function securityUnit(world: World) {
  return named(world.organization.organizationalUnits, 'Security', 'organizational unit');
}

const REGISTRY = [
  registered({
    key: 'assignment',
    folder: '',
    schema: assignmentSchema,
    loadHandlers: () => import('../src/assignment/handlers'),
    // The group Developers gets ReadOnlyAccess in workload-dev (the same as inputs/inputs_1_create.json).
    demoModel: (world) => ({
      InstanceArn: world.instanceArn,
      PermissionSetArn: named(world.permissionSets, 'ReadOnlyAccess', 'permission set').arn,
      PrincipalId: named(world.groups, 'Developers', 'group').id,
      PrincipalType: 'GROUP',
      TargetId: named(world.accounts, 'workload-dev', 'account').id,
      TargetType: 'AWS_ACCOUNT',
    }),
    emulator: withExists({
      createOperation: 'CreateAccountAssignment',
      deleteOperation: 'DeleteAccountAssignment',
      readOperation: 'ListAccountAssignments',
      count: (emulator, model) => {
        const wanted = accountAssignmentOf(model);
        return emulator.state.accountAssignments().filter((existing) => sameFields(existing, wanted)).length;
      },
      seed: (emulator, model) => emulator.state.addAccountAssignment(accountAssignmentOf(model)),
      remove: (emulator, model) => emulator.state.removeAccountAssignment(accountAssignmentOf(model)),
    }),
  }),
  registered({
    key: 'application-assignment',
    folder: 'application-assignment',
    schema: applicationAssignmentSchema,
    loadHandlers: () => import('../src/application-assignment/handlers'),
    // The group Developers is assigned to the Grafana application (as in application-assignment/inputs).
    demoModel: (world) => ({
      ApplicationArn: named(world.applications, 'Grafana', 'application').arn,
      PrincipalId: named(world.groups, 'Developers', 'group').id,
      PrincipalType: 'GROUP',
    }),
    emulator: withExists({
      createOperation: 'CreateApplicationAssignment',
      deleteOperation: 'DeleteApplicationAssignment',
      readOperation: 'DescribeApplicationAssignment',
      count: (emulator, model) => {
        const wanted = applicationAssignmentOf(model);
        return emulator.state.applicationAssignments().filter((existing) => sameFields(existing, wanted))
          .length;
      },
      seed: (emulator, model) => emulator.state.addApplicationAssignment(applicationAssignmentOf(model)),
      remove: (emulator, model) => emulator.state.removeApplicationAssignment(applicationAssignmentOf(model)),
    }),
  }),
  registered({
    key: 'assignment-group',
    folder: 'assignment-group',
    schema: assignmentGroupSchema,
    loadHandlers: () => import('../src/assignment-group/handlers'),
    // The group Developers and the user carol get ReadOnlyAccess and BillingAccess in workload-dev and
    // workload-prod (2 x 2 x 2 = 8 assignments; the same principals, sets and accounts as
    // assignment-group/inputs/inputs_1_create.json), under a Name so READ and DELETE can name it.
    demoModel: (world) => ({
      Name: 'developers-workloads',
      InstanceArn: world.instanceArn,
      Principals: [
        { PrincipalType: 'GROUP', PrincipalId: named(world.groups, 'Developers', 'group').id },
        { PrincipalType: 'USER', PrincipalId: named(world.users, 'carol', 'user').id },
      ],
      PermissionSets: [
        named(world.permissionSets, 'ReadOnlyAccess', 'permission set').arn,
        named(world.permissionSets, 'BillingAccess', 'permission set').arn,
      ],
      Targets: [
        {
          TargetType: 'AWS_ACCOUNT',
          TargetIds: [
            named(world.accounts, 'workload-dev', 'account').id,
            named(world.accounts, 'workload-prod', 'account').id,
          ],
        },
      ],
    }),
    // The group's service resources are the account assignments it stands for: it exists when every one
    // does, and a CREATE sends one CreateAccountAssignment per assignment.
    emulator: {
      createOperation: 'CreateAccountAssignment',
      deleteOperation: 'DeleteAccountAssignment',
      readOperation: 'ListAccountAssignmentsForPrincipal',
      size: (model, world) => groupAssignmentsOf(model, world).length,
      // OU targets stand for the accounts in them now.
      count: (emulator, model) => {
        const existing = emulator.state.accountAssignments();
        return Math.min(
          ...groupAssignmentsOf(model, emulator.state.world()).map(
            (wanted) => existing.filter((candidate) => sameFields(candidate, wanted)).length,
          ),
        );
      },
      exists: (emulator, model) => {
        const existing = emulator.state.accountAssignments();
        return groupAssignmentsOf(model, emulator.state.world()).every((wanted) =>
          existing.some((candidate) => sameFields(candidate, wanted)),
        );
      },
      present: (emulator, model) => {
        const existing = emulator.state.accountAssignments();
        return groupAssignmentsOf(model, emulator.state.world()).filter((wanted) =>
          existing.some((candidate) => sameFields(candidate, wanted)),
        ).length;
      },
      seed: (emulator, model) => {
        const existing = emulator.state.accountAssignments();
        for (const wanted of groupAssignmentsOf(model, emulator.state.world())) {
          if (!existing.some((candidate) => sameFields(candidate, wanted))) {
            emulator.state.addAccountAssignment(wanted);
          }
        }
      },
      remove: (emulator, model) =>
        groupAssignmentsOf(model, emulator.state.world())
          .map((wanted) => emulator.state.removeAccountAssignment(wanted))
          .every(Boolean),
    },
    // 3 principals x 2 permission sets x 4 member accounts (24 assignments; none in the management account, where
    // access is rarely granted by template), then an UPDATE that swaps one principal for another and adds a fifth
    // account, and drift on one assignment.
    demo: {
      model: (world) => groupDemoModel(world, ['alice'], ['workload-staging', 'shared-services']),
      update: (world) => ({
        model: groupDemoUpdate(world),
        change: 'user alice replaced by user bob, account log-archive added',
      }),
      drift: (world) => ({
        model: {
          InstanceArn: world.instanceArn,
          Principals: [
            { PrincipalType: 'GROUP', PrincipalId: named(world.groups, 'Developers', 'group').id },
          ],
          PermissionSets: [named(world.permissionSets, 'ReadOnlyAccess', 'permission set').arn],
          Targets: [
            { TargetType: 'AWS_ACCOUNT', TargetIds: [named(world.accounts, 'workload-prod', 'account').id] },
          ],
        },
        description: "group Developers' ReadOnlyAccess in workload-prod",
      }),
      readOnly: (model, missing, world) => {
        const assignments = groupAssignmentsOf(model, world);
        return {
          AccountCount: new Set(assignments.map((assignment) => assignment.targetId)).size,
          AssignmentCount: assignments.length,
          MissingAssignmentCount: missing,
        };
      },
      // One second of work per invocation (the handler stops 5 s before the timeout): the demo's 24 assignments
      // then take a few callbacks, as thousands do with a 60 s timeout, so the progress shows.
      lambdaTimeoutMs: 6_000,
      // The same principals and permission sets in the OU Security (3 accounts, 18 assignments; a small OU keeps the
      // demo short), then sandbox-01 vended into it: READ drops the OU from Targets, Revision 2 assigns it (24).
      membership: {
        update: (world) => {
          const target = {
            TargetType: 'AWS_OU',
            TargetIds: [securityUnit(world).id],
            Recursive: false,
          };
          const members = unitAccounts(target, world).flatMap(
            (id) => world.accounts.find((account) => account.id === id)?.name ?? [],
          );
          return {
            model: { ...groupDemoUpdate(world), Targets: [target] },
            change: `Targets become the OU Security: its ${members.length} active accounts (${members.join(', ')})`,
          };
        },
        join: (world) => {
          const account = named(world.accounts, 'sandbox-01', 'account');
          const from = world.organization.organizationalUnits.find((unit) => unit.id === account.parentId);
          return {
            accountId: account.id,
            parentId: securityUnit(world).id,
            description: `${account.name} moved from ${from?.name ?? account.parentId} into Security (Organizations MoveAccount), as Control Tower's Account Factory places a vended account`,
          };
        },
        reapply: (model) => ({
          model: { ...model, Revision: '2' },
          change: 'Revision 2, the lists unchanged: the OU resolved again',
        }),
      },
    },
    state: {
      record: async (endpoint, model) => {
        // Loaded on first use: most users of the registry never write a record.
        const [{ StateStore }, { expandDeclared }, { stateTableClient }] = await Promise.all([
          import('../src/assignment-group/state-store'),
          import('../src/assignment-group/declaration'),
          import('./emulator/state-table'),
        ]);
        const name = stringProperty(model, 'Name');
        const { AssignmentCount: _count, MissingAssignmentCount: _missing, ...declared } = model;
        const client = stateTableClient(endpoint);
        try {
          const groupProperties = declared as unknown as Parameters<typeof expandDeclared>[0];
          await new StateStore(client).put(
            { name, declared: groupProperties, owned: new Set(expandDeclared(groupProperties)) },
            undefined,
          );
        } finally {
          client.destroy();
        }
      },
    },
  }),
] as const;

export type TypeKey = (typeof REGISTRY)[number]['key'];
export const RESOURCE_TYPES: readonly ResourceTypeEntry[] = REGISTRY;
export const TYPE_KEYS: readonly TypeKey[] = RESOURCE_TYPES.map((entry) => entry.key);

export function isTypeKey(value: string): value is TypeKey {
  return RESOURCE_TYPES.some((entry) => entry.key === value);
}

export function resourceType(key: TypeKey): ResourceTypeEntry {
  const entry = RESOURCE_TYPES.find((candidate) => candidate.key === key);
  if (!entry) throw new Error(`No resource type registered for ${key}`);
  return entry;
}

export function resourceTypeByName(typeName: string): ResourceTypeEntry | undefined {
  return RESOURCE_TYPES.find((candidate) => candidate.typeName === typeName);
}

/** Types whose handler module is present in this checkout (a type may be registered before it is written). */
export function availableResourceTypes(): ResourceTypeEntry[] {
  return RESOURCE_TYPES.filter((entry) => existsSync(path.join(REPOSITORY_ROOT, entry.handlersFile)));
}

/** The LIST input for a model: the properties the list handlerSchema declares (e.g. InstanceArn, TargetId). */
export function listFilterFor(entry: ResourceTypeEntry, model: ResourceProperties): ResourceProperties {
  const declared = Object.keys(entry.schema.handlers?.list?.handlerSchema?.properties ?? {});
  return Object.fromEntries(Object.entries(model).filter(([name]) => declared.includes(name)));
}

/** The model's primary identifier values, in primaryIdentifier order (e.g. for comparing models). */
export function primaryIdentifierOf(entry: ResourceTypeEntry, model: ResourceProperties): unknown[] {
  return entry.primaryIdentifier.map((pointer) => model[pointer.replace(/^\/properties\//, '')]);
}

/** Whether any of `types` keeps state in the state table, so a harness running them must start it. */
export function needsStateTable(types: readonly ResourceTypeEntry[]): boolean {
  return types.some((entry) => entry.stateTable);
}

/**
 * Makes the model's whole resource exist behind the API's back: its service resources in the emulator and, for
 * a type that keeps state, its record in the state table at `stateTableEndpoint`.
 */
export async function seedResource(
  entry: ResourceTypeEntry,
  emulator: RunningEmulator,
  model: ResourceProperties,
  stateTableEndpoint?: string,
): Promise<void> {
  entry.emulator.seed(emulator, model);
  if (!entry.state) return;
  if (stateTableEndpoint === undefined) {
    throw new Error(`${entry.typeName} keeps state: seeding its resource needs the state table's endpoint`);
  }
  await entry.state.record(stateTableEndpoint, model);
}

/** Calls of one operation in the emulator's call log. */
export function callsOf(emulator: RunningEmulator, operation: string): ApiCallRecord[] {
  return emulator.calls().filter((call) => call.operation === operation);
}

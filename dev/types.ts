// The resource types this repository ships, as dev tooling (demo, invoke, contract tests) needs them:
// schema, identifiers, where their handlers/inputs/sam-tests live, a model valid in the emulator's seeded
// world, and how to see or seed one in the emulator. Adding a type is one entry in RESOURCE_TYPES.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import applicationAssignmentSchema from '../application-assignment/aws-sso-applicationassignment.json';
import assignmentSchema from '../aws-sso-assignment.json';
import type { Entrypoint, ResourceProperties, TestEntrypoint } from './driver';
import type { ApiCallRecord, RunningEmulator, World } from './emulator';

export const REPOSITORY_ROOT = path.resolve(__dirname, '..');

export const TYPE_KEYS = ['assignment', 'application-assignment'] as const;
export type TypeKey = (typeof TYPE_KEYS)[number];

/** The parts of a resource schema (schema/meta/provider.definition.schema.v1.json) dev tooling reads. */
export interface ResourceSchemaDocument {
  typeName: string;
  properties: Record<string, { description?: string; enum?: readonly unknown[] }>;
  required?: readonly string[];
  primaryIdentifier: readonly string[];
  handlers?: {
    list?: { handlerSchema?: { properties?: Record<string, unknown>; required?: readonly string[] } };
  };
}

/** What src/<type>/handlers.ts exports. */
export interface HandlerModule {
  entrypoint: Entrypoint;
  testEntrypoint: TestEntrypoint;
}

/** The emulator side of a type: its write operations, and its state for one model. */
export interface EmulatorBinding {
  createOperation: string;
  deleteOperation: string;
  /** Whether the model's resource exists in the emulator now. */
  exists(emulator: RunningEmulator, model: ResourceProperties): boolean;
  /** Makes the model's resource exist (already provisioned), behind the API's back. */
  seed(emulator: RunningEmulator, model: ResourceProperties): void;
}

export interface ResourceTypeEntry {
  key: TypeKey;
  typeName: string;
  schema: ResourceSchemaDocument;
  primaryIdentifier: readonly string[];
  /** The type's project folder relative to the repository root ('' for the root), holding inputs/ and sam-tests/. */
  folder: string;
  inputsDir: string;
  samTestsDir: string;
  /** The handler module, relative to the repository root. */
  handlersFile: string;
  /** Imports the handlers on first use, so callers can set AWS_ENDPOINT_URL_SSO_ADMIN first. */
  loadHandlers(): Promise<HandlerModule>;
  /** A model valid against the schema and the emulator's seeded world. */
  demoModel(world: World): ResourceProperties;
  emulator: EmulatorBinding;
}

function stringProperty(model: ResourceProperties, name: string): string {
  const value = model[name];
  if (typeof value !== 'string') throw new TypeError(`The model has no string property ${name}`);
  return value;
}

function principalTypeOf(model: ResourceProperties): 'USER' | 'GROUP' {
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

/** Finds a seeded item by name, so a world without it fails loudly rather than yielding an invalid model. */
function named<T extends { name: string }>(items: readonly T[], name: string, what: string): T {
  const item = items.find((candidate) => candidate.name === name);
  if (!item) throw new Error(`The emulator world has no ${what} named ${name}`);
  return item;
}

function folderPaths(folder: string): Pick<ResourceTypeEntry, 'folder' | 'inputsDir' | 'samTestsDir'> {
  return {
    folder,
    inputsDir: path.join(REPOSITORY_ROOT, folder, 'inputs'),
    samTestsDir: path.join(REPOSITORY_ROOT, folder, 'sam-tests'),
  };
}

export const RESOURCE_TYPES: readonly ResourceTypeEntry[] = [
  {
    key: 'assignment',
    typeName: assignmentSchema.typeName,
    schema: assignmentSchema,
    primaryIdentifier: assignmentSchema.primaryIdentifier,
    ...folderPaths(''),
    handlersFile: 'src/assignment/handlers.ts',
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
    emulator: {
      createOperation: 'CreateAccountAssignment',
      deleteOperation: 'DeleteAccountAssignment',
      exists: (emulator, model) => {
        const wanted = accountAssignmentOf(model);
        return emulator.state.accountAssignments().some((existing) => sameFields(existing, wanted));
      },
      seed: (emulator, model) => emulator.state.addAccountAssignment(accountAssignmentOf(model)),
    },
  },
  {
    key: 'application-assignment',
    typeName: applicationAssignmentSchema.typeName,
    schema: applicationAssignmentSchema,
    primaryIdentifier: applicationAssignmentSchema.primaryIdentifier,
    ...folderPaths('application-assignment'),
    handlersFile: 'src/application-assignment/handlers.ts',
    loadHandlers: () => import('../src/application-assignment/handlers'),
    // The group Developers is assigned to the Grafana application (as in application-assignment/inputs).
    demoModel: (world) => ({
      ApplicationArn: named(world.applications, 'Grafana', 'application').arn,
      PrincipalId: named(world.groups, 'Developers', 'group').id,
      PrincipalType: 'GROUP',
    }),
    emulator: {
      createOperation: 'CreateApplicationAssignment',
      deleteOperation: 'DeleteApplicationAssignment',
      exists: (emulator, model) => {
        const wanted = applicationAssignmentOf(model);
        return emulator.state.applicationAssignments().some((existing) => sameFields(existing, wanted));
      },
      seed: (emulator, model) => emulator.state.addApplicationAssignment(applicationAssignmentOf(model)),
    },
  },
];

export function isTypeKey(value: string): value is TypeKey {
  return (TYPE_KEYS as readonly string[]).includes(value);
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

/** Calls of one operation in the emulator's call log. */
export function callsOf(emulator: RunningEmulator, operation: string): ApiCallRecord[] {
  return emulator.calls().filter((call) => call.operation === operation);
}

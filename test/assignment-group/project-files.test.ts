// The AssignmentGroup's project folder before its handlers land: `cfn test` inputs and SAM TestEvents valid
// against its schema and written with the emulator's seeded IDs, and .rpdk-config, template.yml and Makefile
// laid out like the registered types' folders, so `sam build`, `cfn test` and `npm run invoke` work once it is
// registered.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { parse } from 'yaml';
import schema from '../../assignment-group/aws-sso-assignmentgroup.json';
import { detectEventFormat, parseTestEvent, type ResourceProperties } from '../../dev/driver';
import { DEFAULT_WORLD } from '../../dev/emulator';
import { REPOSITORY_ROOT, RESOURCE_TYPES } from '../../dev/types';

const FOLDER = path.join(REPOSITORY_ROOT, 'assignment-group');
const INPUTS = path.join(FOLDER, 'inputs');
const SAM_TESTS = path.join(FOLDER, 'sam-tests');

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function readInput(name: string): ResourceProperties {
  return readJson(path.join(INPUTS, `inputs_1_${name}.json`)) as ResourceProperties;
}

/** The resource schema as plain JSON Schema: its CloudFormation keywords (insertionOrder, …) are not Ajv's. */
const ajv = new Ajv({ allErrors: true, strict: false });
const validateModel = ajv.compile({
  type: 'object',
  definitions: schema.definitions,
  properties: schema.properties,
  required: schema.required,
  additionalProperties: false,
});

function schemaErrors(model: unknown): ErrorObject[] {
  return validateModel(model) ? [] : [...(validateModel.errors ?? [])];
}

interface Principal {
  PrincipalType: 'USER' | 'GROUP';
  PrincipalId: string;
}

/** The parts of a schema-valid model the checks read. */
interface GroupModel {
  Name?: string;
  InstanceArn: string;
  Principals: Principal[];
  PermissionSets: string[];
  Targets: { TargetType: 'AWS_ACCOUNT'; TargetIds: string[] }[];
}

function asGroupModel(model: unknown): GroupModel {
  expect(schemaErrors(model)).toEqual([]);
  return model as GroupModel;
}

function accountsOf(model: GroupModel): string[] {
  return model.Targets.flatMap((target) => target.TargetIds);
}

function principalKey(principal: Principal): string {
  return `${principal.PrincipalType}:${principal.PrincipalId}`;
}

/** Every ARN and ID of the model names something in DEFAULT_WORLD, of the right kind; accounts are ACTIVE. */
function unknownToTheWorld(model: GroupModel): string[] {
  const unknown: string[] = [];
  if (model.InstanceArn !== DEFAULT_WORLD.instanceArn) unknown.push(`instance ${model.InstanceArn}`);
  const permissionSets = DEFAULT_WORLD.permissionSets.map((permissionSet) => permissionSet.arn);
  for (const arn of model.PermissionSets) {
    if (!permissionSets.includes(arn)) unknown.push(`permission set ${arn}`);
  }
  for (const principal of model.Principals) {
    const seeded = principal.PrincipalType === 'GROUP' ? DEFAULT_WORLD.groups : DEFAULT_WORLD.users;
    if (!seeded.some((each) => each.id === principal.PrincipalId)) unknown.push(principalKey(principal));
  }
  const active = DEFAULT_WORLD.accounts.filter((account) => account.state === 'ACTIVE');
  for (const accountId of accountsOf(model)) {
    if (!active.some((account) => account.id === accountId)) unknown.push(`account ${accountId}`);
  }
  return unknown;
}

/** How many assignments the group stands for: Principals × PermissionSets × target accounts. */
function assignmentCount(model: GroupModel): number {
  return model.Principals.length * model.PermissionSets.length * new Set(accountsOf(model)).size;
}

describe('inputs (cfn test)', () => {
  test('the folder holds exactly create, update and invalid inputs', () => {
    expect(readdirSync(INPUTS).sort()).toEqual([
      'inputs_1_create.json',
      'inputs_1_invalid.json',
      'inputs_1_update.json',
    ]);
  });

  test.each(['create', 'update'])(
    'inputs_1_%s is valid against the schema and names only what the seeded world holds',
    (name) => {
      const input = readInput(name);
      expect(schemaErrors(input)).toEqual([]);
      expect(unknownToTheWorld(asGroupModel(input))).toEqual([]);
      // Read-only properties are the handler's answer, never an input.
      for (const pointer of schema.readOnlyProperties) {
        expect(Object.keys(input)).not.toContain(pointer.replace('/properties/', ''));
      }
    },
  );

  test('create stands for 2 principals × 2 permission sets × 2 accounts, a USER and a GROUP among them', () => {
    const create = asGroupModel(readInput('create'));
    expect(create.Principals).toHaveLength(2);
    expect(create.PermissionSets).toHaveLength(2);
    expect(accountsOf(create)).toHaveLength(2);
    expect(assignmentCount(create)).toBe(8);
    expect(create.Principals.map((principal) => principal.PrincipalType).sort()).toEqual(['GROUP', 'USER']);
  });

  test('update keeps the createOnly properties and the generated Name, moves one principal and adds one account', () => {
    const create = asGroupModel(readInput('create'));
    const update = asGroupModel(readInput('update'));
    // Name is absent from both: CloudFormation generates it on CREATE and cfn test carries it into UPDATE.
    expect([create.Name, update.Name]).toEqual([undefined, undefined]);
    for (const pointer of schema.createOnlyProperties) {
      const property = pointer.replace('/properties/', '') as keyof GroupModel;
      expect({ [property]: update[property] }).toEqual({ [property]: create[property] });
    }
    const before = create.Principals.map(principalKey);
    const after = update.Principals.map(principalKey);
    expect(after.filter((key) => !before.includes(key))).toHaveLength(1);
    expect(before.filter((key) => !after.includes(key))).toHaveLength(1);
    expect([...update.PermissionSets].sort()).toEqual([...create.PermissionSets].sort());
    const added = accountsOf(update).filter((account) => !accountsOf(create).includes(account));
    expect(added).toHaveLength(1);
    expect(accountsOf(update)).toEqual(expect.arrayContaining(accountsOf(create)));
    expect(assignmentCount(update)).toBe(12);
  });

  test('inputs_1_invalid breaks exactly two rules: a duplicate principal and a 13-digit account id', () => {
    const invalid = readInput('invalid') as unknown as GroupModel;
    const reasons = schemaErrors(invalid).map((error) => `${error.instancePath} ${error.keyword}`);
    expect(reasons.sort()).toEqual(['/Principals uniqueItems', '/Targets/0/TargetIds/1 pattern']);
    expect(invalid.Targets[0].TargetIds[1]).toMatch(/^\d{13}$/);
    // Nothing else is wrong with it: without those two, it is valid and names only seeded things.
    const repaired: GroupModel = {
      ...invalid,
      Principals: invalid.Principals.slice(0, 1),
      Targets: [{ ...invalid.Targets[0], TargetIds: invalid.Targets[0].TargetIds.slice(0, 1) }],
    };
    expect(schemaErrors(repaired)).toEqual([]);
    expect(unknownToTheWorld(repaired)).toEqual([]);
  });

  test('the world check fails on an ID the seeded world does not hold, or of the wrong kind', () => {
    const create = asGroupModel(readInput('create'));
    const suspended = DEFAULT_WORLD.accounts.find((account) => account.state === 'SUSPENDED');
    expect(suspended).toBeDefined();
    const group = create.Principals.find((principal) => principal.PrincipalType === 'GROUP') as Principal;
    const wrong: GroupModel = {
      ...create,
      Principals: [{ PrincipalType: 'USER', PrincipalId: group.PrincipalId }],
      Targets: [{ TargetType: 'AWS_ACCOUNT', TargetIds: [suspended?.id ?? ''] }],
    };
    expect(unknownToTheWorld(wrong)).toEqual([`USER:${group.PrincipalId}`, `account ${suspended?.id}`]);
  });
});

describe('sam-tests (TestEvents for sam local invoke)', () => {
  const files = readdirSync(SAM_TESTS).filter((file) => file.endsWith('.json'));
  const events = Object.fromEntries(
    files.map((file) => [path.basename(file, '.json'), readJson(path.join(SAM_TESTS, file))]),
  );
  const parsed = () =>
    Object.fromEntries(Object.entries(events).map(([name, event]) => [name, parseTestEvent(event)]));

  test('one event per handler, each a TestEvent the driver parses, with the action of its file name', () => {
    expect(Object.keys(events).sort()).toEqual(['create', 'delete', 'list', 'read', 'update']);
    for (const event of Object.values(events)) expect(detectEventFormat(event)).toBe('test-event');
    for (const [name, event] of Object.entries(parsed())) expect(event.action).toBe(name.toUpperCase());
  });

  test('the models are valid, seeded, of one group (one Name), and CREATE declares the create input', () => {
    const events = parsed();
    const names = new Set<unknown>();
    for (const name of ['create', 'read', 'update', 'delete']) {
      const model = asGroupModel(events[name].request.desiredResourceState);
      expect(unknownToTheWorld(model)).toEqual([]);
      names.add(model.Name);
    }
    expect([...names]).toHaveLength(1);
    expect([...names][0]).toEqual(expect.any(String));
    const { Name: _name, ...declared } = events.create.request.desiredResourceState;
    expect(declared).toEqual(readInput('create'));
  });

  test('UPDATE carries the previous model as CloudFormation does: create input before, update input after', () => {
    const { update, create } = parsed();
    const name = create.request.desiredResourceState.Name;
    expect(update.request.previousResourceState).toEqual(create.request.desiredResourceState);
    expect(update.request.desiredResourceState).toEqual({ Name: name, ...readInput('update') });
  });

  test('LIST asks for every group: the schema declares no LIST filter', () => {
    expect(Object.keys(schema.handlers.list)).toEqual(['permissions']);
    expect(parsed().list.request.desiredResourceState).toEqual({});
  });
});

describe('.rpdk-config, template.yml and Makefile', () => {
  const config = readJson(path.join(FOLDER, '.rpdk-config')) as Record<string, unknown>;

  test('.rpdk-config names the schema type and the bundled handler, with the settings every type uses', () => {
    expect(config.typeName).toBe(schema.typeName);
    expect(config.entrypoint).toBe('dist/assignment-group/handlers.entrypoint');
    expect(config.testEntrypoint).toBe('dist/assignment-group/handlers.testEntrypoint');
    expect(RESOURCE_TYPES.length).toBeGreaterThan(0);
    for (const type of RESOURCE_TYPES) {
      const other = readJson(path.join(REPOSITORY_ROOT, type.folder, '.rpdk-config')) as Record<
        string,
        unknown
      >;
      const shared = (settings: Record<string, unknown>) => {
        const { typeName: _typeName, entrypoint: _entry, testEntrypoint: _test, ...rest } = settings;
        return rest;
      };
      expect(shared(config)).toEqual(shared(other));
    }
    expect(config.runtime).toBe('nodejs22.x');
  });

  interface SamFunction {
    Properties: { Handler: string; CodeUri: string };
    Metadata: Record<string, string>;
  }
  const template = parse(readFileSync(path.join(FOLDER, 'template.yml'), 'utf8')) as {
    Globals: { Function: { Timeout: number; Runtime: string } };
    Resources: Record<string, SamFunction>;
  };

  test('template.yml has the functions cfn test expects, built from the repository root by this Makefile', () => {
    expect(Object.keys(template.Resources).sort()).toEqual(['TestEntrypoint', 'TypeFunction']);
    expect(template.Resources.TypeFunction.Properties.Handler).toBe(config.entrypoint);
    expect(template.Resources.TestEntrypoint.Properties.Handler).toBe(config.testEntrypoint);
    for (const samFunction of Object.values(template.Resources)) {
      expect(samFunction.Properties.CodeUri).toBe('../');
      expect(samFunction.Metadata).toEqual({
        BuildMethod: 'makefile',
        ContextPath: './',
        ProjectRootDirectory: '../',
      });
    }
    expect(template.Globals.Function.Runtime).toBe(config.runtime);
  });

  test("the function timeout is the schema's longest handler timeout, capped at Lambda's 900 s", () => {
    const longest = Math.max(
      ...Object.values(schema.handlers).map((handler) =>
        'timeoutInMinutes' in handler ? handler.timeoutInMinutes : 0,
      ),
    );
    expect(longest).toBeGreaterThan(0);
    expect(template.Globals.Function.Timeout).toBe(Math.min(longest * 60, 900));
  });

  test('make build-<function>, as sam build runs it, bundles the type this folder configures', () => {
    const artifacts = path.join(REPOSITORY_ROOT, 'build', 'sam-dry-run');
    for (const logicalId of Object.keys(template.Resources)) {
      // -n prints the recipe without running it: the group's handlers may not exist yet.
      const recipe = execFileSync(
        'make',
        ['-n', '-f', path.join(FOLDER, 'Makefile'), `build-${logicalId}`, `ARTIFACTS_DIR=${artifacts}`],
        { cwd: REPOSITORY_ROOT, encoding: 'utf8' },
      );
      expect(recipe.trim()).toBe(
        `npm run --silent build:lambda -- --project "${FOLDER}/" --outdir "${artifacts}"`,
      );
    }
  });
});

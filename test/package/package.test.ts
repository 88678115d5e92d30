// `npm run package`: the schema handler package's layout (as `cfn submit --dry-run` writes it), the stamped
// private type name, and the names it refuses.
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { unzipSync } from 'fflate';
import { parse as parseYaml } from 'yaml';
import { type PackageCommand, packageType, parsePackageArguments } from '../../dev/package/package';
import { PackageError, readTypeProject, UsageError } from '../../dev/package/project';
import {
  DEFAULT_ORGANIZATION,
  replaceTypeName,
  RESERVED_ORGANIZATIONS,
  TYPE_NAME_PATTERN,
  typeNameProblems,
  TypeNameError,
  validateTypeName,
  hyphenated,
  withOrganization,
} from '../../dev/package/type-name';
import { runNode } from '../../dev/package/run-bundle';
import { REPOSITORY_ROOT, RESOURCE_TYPES, TYPE_KEYS } from '../../dev/types';

jest.setTimeout(60_000);

const execFileAsync = promisify(execFile);
const TSX = path.join(REPOSITORY_ROOT, 'node_modules', '.bin', 'tsx');
const PACKAGE_SCRIPT = path.join(REPOSITORY_ROOT, 'dev', 'package', 'package.ts');
const workDir = mkdtempSync(path.join(tmpdir(), 'package-test-'));

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function packageCommand(...args: string[]): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await execFileAsync(TSX, [PACKAGE_SCRIPT, ...args], { cwd: REPOSITORY_ROOT });
    return { code: 0, stdout, stderr };
  } catch (error: unknown) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? -1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? '' };
  }
}

function unzip(file: string): Record<string, Uint8Array> {
  return unzipSync(readFileSync(file));
}

function text(bytes: Uint8Array | undefined): string {
  if (!bytes) throw new Error('missing entry');
  return Buffer.from(bytes).toString('utf8');
}

/** `typeName` under the organisation `organization`, spelt out here rather than by the code under test. */
function inOrganization(typeName: string, organization: string): string {
  return [organization, ...typeName.split('::').slice(1)].join('::');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Any registered type, for the command-line cases that need one to name. */
const ANY_TYPE = RESOURCE_TYPES[0];

function sourceJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, file), 'utf8')) as Record<string, unknown>;
}

describe.each(RESOURCE_TYPES)('build/$packageName.zip under the organisation Org', (entry) => {
  const typeName = inOrganization(entry.typeName, 'Org');
  const zipName = `${entry.packageName}.zip`;
  const bundlePath = `dist/${entry.key}/handlers.js`;
  const providerClientsPath = `dist/${entry.key}/provider-clients.js`;
  const outdir = path.join(workDir, `named-${entry.key}`);
  let result: CommandResult;
  let entries: Record<string, Uint8Array>;

  beforeAll(async () => {
    result = await packageCommand('--type-name', typeName, '--outdir', outdir);
    entries = unzip(path.join(outdir, zipName));
  });

  it('is written by the package command, which says what it built', () => {
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(zipName);
    expect(result.stdout).toContain(typeName);
    expect(readdirSync(outdir)).toEqual([zipName]);
  });

  it('has the layout of cfn submit --dry-run: settings, schema, inputs, role template, handler package', () => {
    const inputs = readdirSync(entry.inputsDir).map((name) => `inputs/${name}`);
    expect(Object.keys(entries).sort()).toEqual(
      [
        '.rpdk-config',
        'ResourceProvider.zip',
        'resource-role.yaml',
        'schema.json',
        ...inputs,
        // cfn submit adds the type configuration's schema when the resource schema declares one.
        ...(entry.schema.typeConfiguration === undefined ? [] : ['configuration-schema.json']),
      ].sort(),
    );
    for (const input of inputs) {
      expect(text(entries[input])).toBe(
        readFileSync(path.join(REPOSITORY_ROOT, entry.folder, input), 'utf8'),
      );
    }
  });

  it('stamps the name into schema.json and .rpdk-config, and changes nothing else', () => {
    const schema = JSON.parse(text(entries['schema.json'])) as Record<string, unknown>;
    expect(schema).toEqual({ ...sourceJson(entry.schemaFile), typeName });
    const settings = JSON.parse(text(entries['.rpdk-config'])) as Record<string, unknown>;
    expect(settings).toEqual({ ...sourceJson(path.join(entry.folder, '.rpdk-config')), typeName });
    expect(settings.entrypoint).toBe(`dist/${entry.key}/handlers.entrypoint`);
  });

  it("renders the execution role for the type's ARN", () => {
    const role = text(entries['resource-role.yaml']);
    expect(role).not.toMatch(
      new RegExp(`${escapeRegExp(entry.typeName)}|${escapeRegExp(hyphenated(entry.typeName))}`),
    );
    const template = parseYaml(role) as {
      Resources: { ExecutionRole: { Properties: { AssumeRolePolicyDocument: { Statement: unknown[] } } } };
    };
    const statements = JSON.stringify(
      template.Resources.ExecutionRole.Properties.AssumeRolePolicyDocument.Statement,
    );
    expect(statements).toContain(`:type/resource/${hyphenated(typeName)}/*`);
  });

  it('holds the bundle, which exports both entrypoints, and the provider clients beside it, within 1 MiB', async () => {
    const resourceProvider = entries['ResourceProvider.zip'];
    expect(resourceProvider.length).toBeLessThanOrEqual(1024 * 1024);
    const inner = unzipSync(resourceProvider);
    expect(Object.keys(inner).sort()).toEqual([bundlePath, providerClientsPath].sort());
    // Unpacked as Lambda does: the handlers find the clients beside them when asked for one.
    const unpacked = path.join(workDir, `unpacked-${entry.key}`);
    for (const [name, content] of Object.entries(inner)) {
      mkdirSync(path.dirname(path.join(unpacked, name)), { recursive: true });
      writeFileSync(path.join(unpacked, name), content);
    }
    const run = await runNode(
      [
        '-e',
        [
          'const h = require(process.argv[1]);',
          "const logs = require(require('node:path').join(process.argv[1], '..', 'provider-clients.js'))['@aws-sdk/client-cloudwatch-logs'];",
          'console.log(typeof h.entrypoint, typeof h.testEntrypoint, typeof logs.CloudWatchLogsClient)',
        ].join('\n'),
        path.join(unpacked, bundlePath),
      ],
      { PATH: process.env.PATH },
    );
    expect(run.stdout.trim()).toBe('function function function');
  });
});

describe.each(RESOURCE_TYPES)('default names of $packageName', (entry) => {
  const outdir = path.join(workDir, `default-${entry.key}`);
  const zipName = `${entry.packageName}.zip`;
  let entries: Record<string, Uint8Array>;
  let first: Buffer;

  beforeAll(async () => {
    const result = await packageCommand('--type', entry.key, '--outdir', outdir);
    expect(result.code).toBe(0);
    first = readFileSync(path.join(outdir, zipName));
    entries = unzipSync(first);
  });

  it(`names the package ${DEFAULT_ORGANIZATION}::…, not the reserved AWS namespace`, () => {
    const name = inOrganization(entry.typeName, DEFAULT_ORGANIZATION);
    expect((JSON.parse(text(entries['schema.json'])) as { typeName: string }).typeName).toBe(name);
    expect((JSON.parse(text(entries['.rpdk-config'])) as { typeName: string }).typeName).toBe(name);
    expect(Object.keys(unzipSync(entries['ResourceProvider.zip']))).toEqual([
      `dist/${entry.key}/handlers.js`,
      `dist/${entry.key}/provider-clients.js`,
    ]);
  });

  it('builds the same bytes from the same sources (sorted entries, fixed dates)', async () => {
    const again = path.join(workDir, `again-${entry.key}`);
    const result = await packageCommand('--type', entry.key, '--outdir', again);
    expect(result.code).toBe(0);
    expect(readFileSync(path.join(again, zipName)).equals(first)).toBe(true);
  });
});

describe('names it refuses', () => {
  it.each([
    [inOrganization(ANY_TYPE.typeName, 'AWS'), /the organization 'AWS' is reserved by CloudFormation/],
    [inOrganization(ANY_TYPE.typeName, 'amazon'), /the organization 'amazon' is reserved/],
    ['Custom::X::Y', /the organization 'Custom' is reserved.*the service 'X' is 1 character long/],
    ['Org::SSO', /it has 2 parts; a resource type name has exactly three/],
    [
      'Org::SSO::Assign-ment',
      /the resource 'Assign-ment' contains "-": each part is ASCII letters and digits/,
    ],
  ])('--type-name %s exits 2 with a clear message and writes nothing', async (typeName, message) => {
    const outdir = path.join(workDir, 'refused');
    const result = await packageCommand('--type', ANY_TYPE.key, '--type-name', typeName, '--outdir', outdir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toContain('Usage: npm run package');
    expect(existsSync(outdir)).toBe(false);
  });
});

describe('--help', () => {
  it.each(['--help', '-h'])('%s prints the usage on stdout and exits 0, building nothing', async (flag) => {
    const outdir = path.join(workDir, 'help');
    const result = await packageCommand(flag, '--outdir', outdir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: npm run package');
    expect(result.stdout).toContain('--type-name');
    expect(result.stdout).toContain("'Org' stands for your own organisation's name");
    expect(result.stderr).not.toContain('Unknown option');
    expect(existsSync(outdir)).toBe(false);
  });
});

describe('validateTypeName', () => {
  it.each(['Org::Fake::Thing', 'MyCompany2::Fake::OtherThing', `${'a'.repeat(64)}::Fake::Thing`])(
    'accepts %s',
    (typeName) => expect(validateTypeName(typeName)).toBe(typeName),
  );

  const reservedSpellings = RESERVED_ORGANIZATIONS.flatMap((name) => [
    name,
    name.toLowerCase(),
    name.toUpperCase(),
  ]);

  it.each(reservedSpellings)(
    'refuses the reserved organization %s, saying it is reserved',
    (organization) => {
      const problems = typeNameProblems(`${organization}::Fake::Thing`);
      expect(problems).toEqual([
        expect.stringContaining(`the organization '${organization}' is reserved by CloudFormation`),
      ]);
      expect(() => validateTypeName(`${organization}::Fake::Thing`)).toThrow(TypeNameError);
    },
  );

  it.each(RESERVED_ORGANIZATIONS)(
    'names %s reserved even when the rest is malformed too, and names those rules as well',
    (organization) => {
      expect(typeNameProblems(`${organization}::X::Y`)).toEqual([
        expect.stringContaining(`the organization '${organization}' is reserved`),
        "the service 'X' is 1 character long: each part is 2-64",
        "the resource 'Y' is 1 character long: each part is 2-64",
      ]);
      expect(typeNameProblems(`${organization}::SSO`)).toEqual([
        expect.stringContaining('it has 2 parts; a resource type name has exactly three'),
        expect.stringContaining(`the organization '${organization}' is reserved`),
      ]);
    },
  );

  it.each([
    ['', /it is empty/],
    ['   ', /it is empty/],
    ['Org', /it has 1 part; a resource type name has exactly three/],
    ['Org::SSO', /it has 2 parts;/],
    ['Org:Fake:Thing', /it has 1 part;.*separated by two colons/],
    ['Org::Fake::Thing::MODULE', /it has 4 parts;.*'::MODULE' ends a module's name/],
    ['O::Fake::Thing', /the organization 'O' is 1 character long: each part is 2-64/],
    [`${'a'.repeat(65)}::Fake::Thing`, /the organization 'a{12}…' is 65 characters long: each part is 2-64/],
    [`Org::SSO::${'b'.repeat(65)}`, /the resource 'b{12}…' is 65 characters long/],
    ['Org::::Thing', /the service part is empty/],
    [
      'Org::SSO::Assign-ment',
      /the resource 'Assign-ment' contains "-": each part is ASCII letters and digits only/,
    ],
    [' Org::Fake::Thing', /the organization ' Org' contains " "/],
    ['Örg::Fake::Thing', /the organization 'Örg' contains "Ö"/],
  ])('refuses the malformed %p, naming the rule it breaks', (typeName, message) => {
    expect(() => validateTypeName(typeName)).toThrow(TypeNameError);
    expect(() => validateTypeName(typeName)).toThrow(message);
  });

  it('spells out exactly the meta-schema pattern: no problem listed if and only if the pattern matches', () => {
    const pattern = new RegExp(TYPE_NAME_PATTERN);
    const part = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9]{0,66}$/),
      fc.string({ maxLength: 6 }),
      fc.constantFrom(...RESERVED_ORGANIZATIONS, 'Org', 'SSO', 'X'),
    );
    const name = fc.oneof(
      fc.array(part, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('::')),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(name, (typeName) => {
        const reserved = RESERVED_ORGANIZATIONS.some(
          (organization) => organization.toLowerCase() === typeName.split('::')[0].toLowerCase(),
        );
        expect(typeNameProblems(typeName).length === 0).toBe(pattern.test(typeName) && !reserved);
      }),
    );
  });

  it('replaces the organization of a type name', () => {
    expect(withOrganization('AWS::Fake::OtherThing', 'Org')).toBe('Org::Fake::OtherThing');
    expect(() => withOrganization('AWS::Fake::Thing', 'Dev')).toThrow(/reserved/);
  });

  it('replaces whole type names only, in both forms', () => {
    const template = 'AWS::Fake::Thing AWS-Fake-Thing/* AWS::Fake::ThingGroup AWS::AccountId';
    expect(replaceTypeName(template, 'AWS::Fake::Thing', 'Org::Fake::Thing')).toBe(
      'Org::Fake::Thing Org-Fake-Thing/* AWS::Fake::ThingGroup AWS::AccountId',
    );
  });
});

/** The command line's build command (not the 'help' request). */
function buildCommand(argv: string[]): PackageCommand {
  const command = parsePackageArguments(argv);
  if (command === 'help') throw new Error(`${argv.join(' ')} asked for help`);
  return command;
}

describe('the package command line', () => {
  it('--help and -h ask for the usage text, whatever else is given', () => {
    expect(parsePackageArguments(['--help'])).toBe('help');
    expect(parsePackageArguments(['--type', ANY_TYPE.key, '-h'])).toBe('help');
  });

  it('packages every type by default, under the default organisation', () => {
    const command = buildCommand([]);
    expect(command.types).toEqual(TYPE_KEYS);
    expect([...command.typeNames.values()]).toEqual(TYPE_KEYS.map(() => undefined));
    expect(command.outdir).toBe(path.join(REPOSITORY_ROOT, 'build'));
  });

  it.each(RESOURCE_TYPES)('finds the type $key from --type-name', (entry) => {
    const typeName = inOrganization(entry.typeName, 'Org');
    const command = buildCommand(['--type-name', typeName]);
    expect(command.types).toEqual([entry.key]);
    expect(command.typeNames.get(entry.key)).toBe(typeName);
  });

  it('names every type after --organization', () => {
    const command = buildCommand(['--organization', 'Org']);
    expect(Object.fromEntries(command.typeNames)).toEqual(
      Object.fromEntries(RESOURCE_TYPES.map((entry) => [entry.key, inOrganization(entry.typeName, 'Org')])),
    );
  });

  it.each([
    [['--type', 'all', '--type-name', inOrganization(ANY_TYPE.typeName, 'Org')], /names one type/],
    [['--type-name', inOrganization(ANY_TYPE.typeName, 'Org'), '--organization', 'Org'], /not both/],
    [['--type', 'bucket'], new RegExp(`--type must be one of ${TYPE_KEYS.join(', ')}, all`)],
    [['--type-name', 'Org::SSO::Bucket'], /No type here is named …::SSO::Bucket/],
  ])('refuses %p', (argv, message) => {
    expect(() => parsePackageArguments(argv)).toThrow(UsageError);
    expect(() => parsePackageArguments(argv)).toThrow(message);
  });
});

it.each(TYPE_KEYS)('fails with a clear message when the role template of %s is missing', async (type) => {
  const project = {
    ...readTypeProject(type),
    roleTemplateFile: path.join(workDir, 'resource-role.yaml'),
  };
  const outdir = path.join(workDir, `no-role-${type}`);
  await expect(packageType({ type, project, outdir })).rejects.toThrow(PackageError);
  await expect(packageType({ type, project, outdir })).rejects.toThrow(
    /resource-role\.yaml is missing: the package carries the type's execution role template/,
  );
  expect(existsSync(outdir)).toBe(false);
});

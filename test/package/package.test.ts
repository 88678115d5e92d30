// `npm run package`: the schema handler package's layout (as `cfn submit --dry-run` writes it), the stamped
// private type name, and the names it refuses.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
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
  withOrganization,
} from '../../dev/package/type-name';
import { runNode } from '../../dev/package/run-bundle';
import { REPOSITORY_ROOT } from '../../dev/types';

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

function sourceJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(REPOSITORY_ROOT, file), 'utf8')) as Record<string, unknown>;
}

describe('build/assignment.zip for Org::SSO::Assignment', () => {
  const outdir = path.join(workDir, 'named');
  let result: CommandResult;
  let entries: Record<string, Uint8Array>;

  beforeAll(async () => {
    result = await packageCommand('--type-name', 'Org::SSO::Assignment', '--outdir', outdir);
    entries = unzip(path.join(outdir, 'assignment.zip'));
  });

  it('is written by the package command, which says what it built', () => {
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('assignment.zip');
    expect(result.stdout).toContain('Org::SSO::Assignment');
    expect(readdirSync(outdir)).toEqual(['assignment.zip']);
  });

  it('has the layout of cfn submit --dry-run: settings, schema, inputs, role template, handler package', () => {
    const inputs = readdirSync(path.join(REPOSITORY_ROOT, 'inputs')).map((name) => `inputs/${name}`);
    expect(Object.keys(entries).sort()).toEqual(
      ['.rpdk-config', 'ResourceProvider.zip', 'resource-role.yaml', 'schema.json', ...inputs].sort(),
    );
    for (const input of inputs) {
      expect(text(entries[input])).toBe(readFileSync(path.join(REPOSITORY_ROOT, input), 'utf8'));
    }
  });

  it('stamps the name into schema.json and .rpdk-config, and changes nothing else', () => {
    const schema = JSON.parse(text(entries['schema.json'])) as Record<string, unknown>;
    expect(schema).toEqual({ ...sourceJson('aws-sso-assignment.json'), typeName: 'Org::SSO::Assignment' });
    const settings = JSON.parse(text(entries['.rpdk-config'])) as Record<string, unknown>;
    expect(settings).toEqual({ ...sourceJson('.rpdk-config'), typeName: 'Org::SSO::Assignment' });
    expect(settings.entrypoint).toBe('dist/assignment/handlers.entrypoint');
  });

  it("renders the execution role for the type's ARN", () => {
    const role = text(entries['resource-role.yaml']);
    expect(role).not.toMatch(/AWS::SSO::Assignment|AWS-SSO-Assignment/);
    const template = parseYaml(role) as {
      Resources: { ExecutionRole: { Properties: { AssumeRolePolicyDocument: { Statement: unknown[] } } } };
    };
    const statements = JSON.stringify(
      template.Resources.ExecutionRole.Properties.AssumeRolePolicyDocument.Statement,
    );
    expect(statements).toContain(':type/resource/Org-SSO-Assignment/*');
  });

  it('holds one file in ResourceProvider.zip: the bundle, which exports both entrypoints, within 1 MiB', async () => {
    const resourceProvider = entries['ResourceProvider.zip'];
    expect(resourceProvider.length).toBeLessThanOrEqual(1024 * 1024);
    const inner = unzipSync(resourceProvider);
    expect(Object.keys(inner)).toEqual(['dist/assignment/handlers.js']);
    const bundleFile = path.join(workDir, 'handlers.js');
    writeFileSync(bundleFile, inner['dist/assignment/handlers.js']);
    const run = await runNode(
      [
        '-e',
        'const h = require(process.argv[1]); console.log(typeof h.entrypoint, typeof h.testEntrypoint)',
        bundleFile,
      ],
      { PATH: process.env.PATH },
    );
    expect(run.stdout.trim()).toBe('function function');
  });
});

describe('default names', () => {
  const outdir = path.join(workDir, 'default');
  let entries: Record<string, Uint8Array>;
  let first: Buffer;

  beforeAll(async () => {
    const result = await packageCommand('--type', 'application-assignment', '--outdir', outdir);
    expect(result.code).toBe(0);
    first = readFileSync(path.join(outdir, 'application-assignment.zip'));
    entries = unzipSync(first);
  });

  it(`names the package ${DEFAULT_ORGANIZATION}::SSO::…, not the reserved AWS namespace`, () => {
    const name = `${DEFAULT_ORGANIZATION}::SSO::ApplicationAssignment`;
    expect((JSON.parse(text(entries['schema.json'])) as { typeName: string }).typeName).toBe(name);
    expect((JSON.parse(text(entries['.rpdk-config'])) as { typeName: string }).typeName).toBe(name);
    expect(Object.keys(unzipSync(entries['ResourceProvider.zip']))).toEqual([
      'dist/application-assignment/handlers.js',
    ]);
  });

  it('builds the same bytes from the same sources (sorted entries, fixed dates)', async () => {
    const again = path.join(workDir, 'again');
    const result = await packageCommand('--type', 'application-assignment', '--outdir', again);
    expect(result.code).toBe(0);
    expect(readFileSync(path.join(again, 'application-assignment.zip')).equals(first)).toBe(true);
  });
});

describe('names it refuses', () => {
  it.each([
    ['AWS::SSO::Assignment', /the organization 'AWS' is reserved by CloudFormation/],
    ['amazon::SSO::Assignment', /the organization 'amazon' is reserved/],
    ['Custom::X::Y', /the organization 'Custom' is reserved.*the service 'X' is 1 character long/],
    ['Org::SSO', /it has 2 parts; a resource type name has exactly three/],
    [
      'Org::SSO::Assign-ment',
      /the resource 'Assign-ment' contains "-": each part is ASCII letters and digits/,
    ],
  ])('--type-name %s exits 2 with a clear message and writes nothing', async (typeName, message) => {
    const outdir = path.join(workDir, 'refused');
    const result = await packageCommand('--type', 'assignment', '--type-name', typeName, '--outdir', outdir);
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
  it.each([
    'Org::SSO::Assignment',
    'MyCompany2::SSO::ApplicationAssignment',
    `${'a'.repeat(64)}::SSO::Assignment`,
  ])('accepts %s', (typeName) => expect(validateTypeName(typeName)).toBe(typeName));

  const reservedSpellings = RESERVED_ORGANIZATIONS.flatMap((name) => [
    name,
    name.toLowerCase(),
    name.toUpperCase(),
  ]);

  it.each(reservedSpellings)(
    'refuses the reserved organization %s, saying it is reserved',
    (organization) => {
      const problems = typeNameProblems(`${organization}::SSO::Assignment`);
      expect(problems).toEqual([
        expect.stringContaining(`the organization '${organization}' is reserved by CloudFormation`),
      ]);
      expect(() => validateTypeName(`${organization}::SSO::Assignment`)).toThrow(TypeNameError);
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
    ['Org:SSO:Assignment', /it has 1 part;.*separated by two colons/],
    ['Org::SSO::Assignment::MODULE', /it has 4 parts;.*'::MODULE' ends a module's name/],
    ['O::SSO::Assignment', /the organization 'O' is 1 character long: each part is 2-64/],
    [
      `${'a'.repeat(65)}::SSO::Assignment`,
      /the organization 'a{12}…' is 65 characters long: each part is 2-64/,
    ],
    [`Org::SSO::${'b'.repeat(65)}`, /the resource 'b{12}…' is 65 characters long/],
    ['Org::::Assignment', /the service part is empty/],
    [
      'Org::SSO::Assign-ment',
      /the resource 'Assign-ment' contains "-": each part is ASCII letters and digits only/,
    ],
    [' Org::SSO::Assignment', /the organization ' Org' contains " "/],
    ['Örg::SSO::Assignment', /the organization 'Örg' contains "Ö"/],
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
    expect(withOrganization('AWS::SSO::ApplicationAssignment', 'Org')).toBe(
      'Org::SSO::ApplicationAssignment',
    );
    expect(() => withOrganization('AWS::SSO::Assignment', 'Dev')).toThrow(/reserved/);
  });

  it('replaces whole type names only, in both forms', () => {
    const template = 'AWS::SSO::Assignment AWS-SSO-Assignment/* AWS::SSO::AssignmentGroup AWS::AccountId';
    expect(replaceTypeName(template, 'AWS::SSO::Assignment', 'Org::SSO::Assignment')).toBe(
      'Org::SSO::Assignment Org-SSO-Assignment/* AWS::SSO::AssignmentGroup AWS::AccountId',
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
    expect(parsePackageArguments(['--type', 'assignment', '-h'])).toBe('help');
  });

  it('packages every type by default, under the default organisation', () => {
    const command = buildCommand([]);
    expect(command.types).toEqual(['assignment', 'application-assignment']);
    expect([...command.typeNames.values()]).toEqual([undefined, undefined]);
    expect(command.outdir).toBe(path.join(REPOSITORY_ROOT, 'build'));
  });

  it('finds the type from --type-name', () => {
    const command = buildCommand(['--type-name', 'Org::SSO::ApplicationAssignment']);
    expect(command.types).toEqual(['application-assignment']);
    expect(command.typeNames.get('application-assignment')).toBe('Org::SSO::ApplicationAssignment');
  });

  it('names every type after --organization', () => {
    const command = buildCommand(['--organization', 'Org']);
    expect(Object.fromEntries(command.typeNames)).toEqual({
      assignment: 'Org::SSO::Assignment',
      'application-assignment': 'Org::SSO::ApplicationAssignment',
    });
  });

  it.each([
    [['--type', 'all', '--type-name', 'Org::SSO::Assignment'], /names one type/],
    [['--type-name', 'Org::SSO::Assignment', '--organization', 'Org'], /not both/],
    [['--type', 'bucket'], /--type must be one of assignment, application-assignment, all/],
    [['--type-name', 'Org::SSO::Bucket'], /No type here is named …::SSO::Bucket/],
  ])('refuses %p', (argv, message) => {
    expect(() => parsePackageArguments(argv)).toThrow(UsageError);
    expect(() => parsePackageArguments(argv)).toThrow(message);
  });
});

it('fails with a clear message when the role template is missing', async () => {
  const project = {
    ...readTypeProject('assignment'),
    roleTemplateFile: path.join(workDir, 'resource-role.yaml'),
  };
  const outdir = path.join(workDir, 'no-role');
  await expect(packageType({ type: 'assignment', project, outdir })).rejects.toThrow(PackageError);
  await expect(packageType({ type: 'assignment', project, outdir })).rejects.toThrow(
    /resource-role\.yaml is missing: the package carries the type's execution role template/,
  );
  expect(existsSync(outdir)).toBe(false);
});

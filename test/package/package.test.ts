// `npm run package`: the schema handler package's layout (as `cfn submit --dry-run` writes it), the stamped
// private type name, and the names it refuses.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { parse as parseYaml } from 'yaml';
import { packageType, parsePackageArguments } from '../../dev/package/package';
import { PackageError, readTypeProject, UsageError } from '../../dev/package/project';
import {
  DEFAULT_ORGANIZATION,
  replaceTypeName,
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
    ['AWS::SSO::Assignment', /reserved/],
    ['amazon::SSO::Assignment', /reserved/],
    ['Org::SSO', /three parts/],
    ['Org::SSO::Assign-ment', /letters or digits/],
  ])('--type-name %s exits 2 with a clear message and writes nothing', async (typeName, message) => {
    const outdir = path.join(workDir, 'refused');
    const result = await packageCommand('--type', 'assignment', '--type-name', typeName, '--outdir', outdir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(existsSync(outdir)).toBe(false);
  });
});

describe('validateTypeName', () => {
  it.each([
    'Org::SSO::Assignment',
    'MyCompany2::SSO::ApplicationAssignment',
    `${'a'.repeat(64)}::SSO::Assignment`,
  ])('accepts %s', (typeName) => expect(validateTypeName(typeName)).toBe(typeName));

  it.each(['Alexa', 'AMZN', 'Amazon', 'AWS', 'Custom', 'Dev', 'aws', 'dev', 'CUSTOM'])(
    'refuses the reserved organization %s',
    (organization) => {
      expect(() => validateTypeName(`${organization}::SSO::Assignment`)).toThrow(TypeNameError);
      expect(() => validateTypeName(`${organization}::SSO::Assignment`)).toThrow(
        /reserved by CloudFormation/,
      );
    },
  );

  it.each([
    'O::SSO::Assignment',
    `${'a'.repeat(65)}::SSO::Assignment`,
    'Org::SSO::Assignment::MODULE',
    'Org:SSO:Assignment',
    '',
  ])('refuses the malformed %p', (typeName) =>
    expect(() => validateTypeName(typeName)).toThrow(/Organization::Service::Resource/),
  );

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

describe('the package command line', () => {
  it('packages every type by default, under the default organisation', () => {
    const command = parsePackageArguments([]);
    expect(command.types).toEqual(['assignment', 'application-assignment']);
    expect([...command.typeNames.values()]).toEqual([undefined, undefined]);
    expect(command.outdir).toBe(path.join(REPOSITORY_ROOT, 'build'));
  });

  it('finds the type from --type-name', () => {
    const command = parsePackageArguments(['--type-name', 'Org::SSO::ApplicationAssignment']);
    expect(command.types).toEqual(['application-assignment']);
    expect(command.typeNames.get('application-assignment')).toBe('Org::SSO::ApplicationAssignment');
  });

  it('names every type after --organization', () => {
    const command = parsePackageArguments(['--organization', 'Org']);
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

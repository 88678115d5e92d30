/**
 * `npm run package -- [--type assignment|application-assignment|all] [--type-name Org::SSO::Assignment |
 *  --organization Org] [--outdir build]`
 *
 * Builds build/<type>.zip, the schema handler package `aws cloudformation register-type
 * --schema-handler-package` takes, in the layout `cfn submit --dry-run` writes (cloudformation-cli
 * project.py `submit` / `_add_resources_content_to_zip`, typescript plugin codegen.py `package`):
 *
 *   .rpdk-config               the type's settings, typeName stamped
 *   schema.json                the resource schema, typeName stamped
 *   configuration-schema.json  only when the schema declares a typeConfiguration
 *   inputs/…                   contract test inputs, when the type has them
 *   resource-role.yaml         the execution role template, stamped for the type's ARN
 *   ResourceProvider.zip       dist/<type>/handlers.js, the bundled handlers, and beside it
 *                              provider-clients.js, the log delivery and metrics clients they load on demand
 *
 * The plugin's copy of src/ and the CLI's .cfn_metadata.json are left out: CloudFormation runs neither.
 * The zip is deterministic: sorted entries, fixed dates and modes.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { REPOSITORY_ROOT, RESOURCE_TYPES, TYPE_KEYS, type TypeKey } from '../types';
import { bundleHandlers, formatBytes, typesFromArgument } from './bundle';
import {
  isUsageError,
  PackageError,
  readJsonObject,
  readTypeProject,
  type TypeProject,
  UsageError,
} from './project';
import {
  DEFAULT_ORGANIZATION,
  exampleTypeName,
  replaceTypeName,
  validateTypeName,
  withOrganization,
} from './type-name';

/** Every entry's date: fixed, so the same sources give the same bytes (DOS time is written in UTC). */
const ENTRY_DATE = new Date('2000-01-01T00:00:00Z');
const ENTRY_MODE = 0o644;

export const DEFAULT_OUTDIR = path.join(REPOSITORY_ROOT, 'build');

export interface ZipEntry {
  readonly name: string;
  readonly content: Buffer;
  /** Stored without compression (for content that is already compressed). */
  readonly store?: boolean;
}

/** A zip of `entries`, sorted by name, with fixed dates and modes. */
export async function deterministicZip(entries: readonly ZipEntry[]): Promise<Buffer> {
  // archiver is an ES module: loaded here, so CommonJS callers (jest) can import this file for the rest.
  const { ZipArchive } = await import('archiver');
  const archive = new ZipArchive({ zlib: { level: 9 } });
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<void>((resolve, reject) => {
    archive.on('end', () => resolve());
    archive.on('error', reject);
    archive.on('warning', reject);
  });
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of sorted) {
    archive.append(entry.content, {
      name: entry.name,
      date: ENTRY_DATE,
      mode: ENTRY_MODE,
      ...(entry.store ? { store: true } : {}),
    });
  }
  await archive.finalize();
  await finished;
  return Buffer.concat(chunks);
}

function json(value: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`);
}

export interface PackageOptions {
  readonly type: TypeKey;
  /** The type's project files; read from the repository when absent. */
  readonly project?: TypeProject;
  /** The private name to stamp; defaults to the type's name under DEFAULT_ORGANIZATION. */
  readonly typeName?: string;
  readonly outdir?: string;
}

export interface PackageResult {
  readonly type: TypeKey;
  readonly typeName: string;
  readonly zipFile: string;
  readonly zipBytes: number;
  readonly resourceProviderBytes: number;
  readonly bundleBytes: number;
  /** The zip's entry names, in order. */
  readonly entries: readonly string[];
}

function inputEntries(inputsDir: string): ZipEntry[] {
  if (!existsSync(inputsDir)) return [];
  return readdirSync(inputsDir)
    .filter((name) => statSync(path.join(inputsDir, name)).isFile())
    .map((name) => ({ name: `inputs/${name}`, content: readFileSync(path.join(inputsDir, name)) }));
}

/** Builds `<outdir>/<type>.zip` for one type. */
export async function packageType(options: PackageOptions): Promise<PackageResult> {
  const project = options.project ?? readTypeProject(options.type);
  const sourceTypeName = project.rpdkConfig.typeName;
  const typeName = validateTypeName(
    options.typeName ?? withOrganization(sourceTypeName, DEFAULT_ORGANIZATION),
  );
  const relative = (file: string) => path.relative(REPOSITORY_ROOT, file) || '.';
  if (!existsSync(project.roleTemplateFile)) {
    throw new PackageError(
      `${relative(project.roleTemplateFile)} is missing: the package carries the type's execution role ` +
        'template (generate it with npm run generate)',
    );
  }
  const schema = readJsonObject(project.schemaFile);
  if (schema.typeName !== sourceTypeName) {
    throw new PackageError(
      `${relative(project.schemaFile)} names ${String(schema.typeName)}, .rpdk-config ${sourceTypeName}`,
    );
  }

  const workDir = await mkdtemp(path.join(tmpdir(), `package-${options.type}-`));
  try {
    const bundle = await bundleHandlers(options.type, workDir, project);
    const resourceProvider = await deterministicZip([
      { name: bundle.bundlePath, content: readFileSync(bundle.file) },
      { name: bundle.providerClientsPath, content: readFileSync(bundle.providerClientsFile) },
    ]);
    const entries: ZipEntry[] = [
      { name: '.rpdk-config', content: json({ ...project.rpdkConfig, typeName }) },
      { name: 'schema.json', content: json({ ...schema, typeName }) },
      {
        name: 'resource-role.yaml',
        content: Buffer.from(
          replaceTypeName(readFileSync(project.roleTemplateFile, 'utf8'), sourceTypeName, typeName),
        ),
      },
      { name: 'ResourceProvider.zip', content: resourceProvider, store: true },
      ...inputEntries(project.inputsDir),
    ];
    // As cfn submit: the type configuration schema, with the schema's definitions and the type's name.
    if (schema.typeConfiguration !== undefined && typeof schema.typeConfiguration === 'object') {
      entries.push({
        name: 'configuration-schema.json',
        content: json({ ...schema.typeConfiguration, definitions: schema.definitions ?? {}, typeName }),
      });
    }
    const zip = await deterministicZip(entries);
    const outdir = options.outdir ?? DEFAULT_OUTDIR;
    await mkdir(outdir, { recursive: true });
    const zipFile = path.join(outdir, `${options.type}.zip`);
    // Written beside and renamed, so a reader never sees half a zip.
    const partial = `${zipFile}.partial`;
    await writeFile(partial, zip);
    await rename(partial, zipFile);
    return {
      type: options.type,
      typeName,
      zipFile,
      zipBytes: zip.length,
      resourceProviderBytes: resourceProvider.length,
      bundleBytes: bundle.bytes,
      entries: entries.map((entry) => entry.name).sort(),
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

// The usage's example name: the first registered type under the example organisation.
const EXAMPLE_TYPE_NAME = exampleTypeName(RESOURCE_TYPES[0].typeName);

export const USAGE = `Usage: npm run package -- [--type ${[...TYPE_KEYS, 'all'].join('|')}]
                        [--type-name ${EXAMPLE_TYPE_NAME} | --organization Org] [--outdir build]

  --type          the type to package (default all)
  --type-name     the private name of one type (its --type follows from the name when not given)
  --organization  the organisation segment for every type (Org → ${EXAMPLE_TYPE_NAME}, …)
  --outdir        where <type>.zip goes (default build/)
  --help, -h      show this text

'Org' stands for your own organisation's name. Register with the same name the package was built with
(npm run register -- --type-name ${EXAMPLE_TYPE_NAME} …): the name is stamped into the package.
Without a name the packages are named ${DEFAULT_ORGANIZATION}::SSO::… (AWS is reserved for AWS's own types).`;

export interface PackageCommand {
  readonly types: TypeKey[];
  readonly typeNames: ReadonlyMap<TypeKey, string | undefined>;
  readonly outdir: string;
}

/** The type whose name ends like `typeName` (Org::SSO::Assignment → assignment). */
function typeForName(typeName: string): TypeKey {
  const suffix = typeName.split('::').slice(1).join('::');
  const type = TYPE_KEYS.find((key) => readTypeProject(key).rpdkConfig.typeName.endsWith(`::${suffix}`));
  if (!type) throw new UsageError(`No type here is named …::${suffix}: give --type`);
  return type;
}

/**
 * The `package` command line, checked, or 'help' when it asks for the usage text; throws TypeNameError or
 * PackageError with what is wrong.
 */
export function parsePackageArguments(argv: readonly string[]): PackageCommand | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      type: { type: 'string' },
      'type-name': { type: 'string' },
      organization: { type: 'string' },
      outdir: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return 'help';
  const typeName = values['type-name'];
  if (typeName !== undefined && values.organization !== undefined) {
    throw new UsageError('give --type-name or --organization, not both');
  }
  const types =
    typeName !== undefined && values.type === undefined
      ? [typeForName(validateTypeName(typeName))]
      : typesFromArgument(values.type);
  if (typeName !== undefined && types.length !== 1) {
    throw new UsageError('--type-name names one type: give one --type, or use --organization for all types');
  }
  const typeNames = new Map<TypeKey, string | undefined>();
  for (const type of types) {
    if (typeName !== undefined) typeNames.set(type, validateTypeName(typeName));
    else if (values.organization !== undefined) {
      typeNames.set(type, withOrganization(readTypeProject(type).rpdkConfig.typeName, values.organization));
    } else typeNames.set(type, undefined);
  }
  return { types, typeNames, outdir: path.resolve(values.outdir ?? DEFAULT_OUTDIR) };
}

async function main(argv: string[]): Promise<void> {
  const command = parsePackageArguments(argv);
  if (command === 'help') {
    console.log(USAGE);
    return;
  }
  for (const type of command.types) {
    const result = await packageType({ type, typeName: command.typeNames.get(type), outdir: command.outdir });
    console.log(
      `${path.relative(process.cwd(), result.zipFile)}  ${result.typeName}  ${formatBytes(result.zipBytes)} ` +
        `(ResourceProvider.zip ${formatBytes(result.resourceProviderBytes)}, ` +
        `handlers.js ${formatBytes(result.bundleBytes)})`,
    );
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    if (isUsageError(error)) console.error(`\n${USAGE}`);
    process.exitCode = isUsageError(error) ? 2 : 1;
  });
}

/**
 * Bundles a type's handlers into the file Lambda runs (and the provider clients into one beside it), and the
 * `build:lambda` command SAM's Makefile build calls:
 *
 *   npm run build:lambda -- --type <type key>|all --outdir DIR
 *   npm run build:lambda -- --project <type folder> --outdir DIR
 *
 * writes DIR/dist/<type>/handlers.js (the path .rpdk-config and template.yml name) and provider-clients.js
 * beside it. `--project` is what a SAM build passes (see the Makefile): the type is the registered one the
 * folder's .rpdk-config names.
 */
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { isTypeKey, REPOSITORY_ROOT, resourceTypeByName, TYPE_KEYS, type TypeKey } from '../types';
import {
  isUsageError,
  PackageError,
  readJsonObject,
  readTypeProject,
  type TypeProject,
  UsageError,
} from './project';

/**
 * The runtime lib (utils.js `replaceAll`, which redacts credentials from log lines) calls the npm polyfill
 * string.prototype.replaceall, whose JavaScript implementation of ES2021 String.prototype.replaceAll pulls
 * in es-abstract and a dozen helper packages (~40 KB, tens of ms at cold start). Node 22 has the method
 * natively, with the same specification; the bundle calls it instead.
 */
export const nativeReplaceAll: Plugin = {
  name: 'native-string-replaceall',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^string\.prototype\.replaceall$/ }, (args) => ({
      path: args.path,
      namespace: 'native-string-replaceall',
    }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'native-string-replaceall' }, () => ({
      contents:
        'module.exports = (string, search, replacement) => String.prototype.replaceAll.call(string, search, replacement);',
      loader: 'js',
    }));
  },
};

/**
 * - keepNames: the runtime lib derives error codes from class names (exceptions.js:
 *   `HandlerErrorCode[this.constructor.name]`) and metric dimensions from `error.constructor.name`.
 * - CommonJS for Lambda's `module.exports` handler lookup; node22 is the Lambda runtime (.rpdk-config).
 * - No source map: it would double the package for stack traces nobody reads in CloudFormation's account.
 * - conditions: none of esbuild's own. By default it adds the bundler-only `module` export condition, which
 *   makes the SDK's core packages (@smithy/core, @aws-sdk/core) resolve to their ES module builds: some 380
 *   small modules, each initialised at `require` because a CommonJS client requires their index. With no
 *   custom condition the `node` one picks their CommonJS builds, the files node itself loads unbundled.
 */
export const ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  keepNames: true,
  conditions: [],
  treeShaking: true,
  sourcemap: false,
  metafile: true,
  logLevel: 'warning',
} as const satisfies BuildOptions;

/**
 * The SDK v3 clients of the runtime lib's log delivery and metrics (through the aws-sdk bridge), by package.
 * The lib only calls them when CloudFormation passes provider credentials, and they are a third of what the
 * handlers would carry (S3 alone ~150 KiB): every cold start would parse them for nothing. So they are
 * bundled into a file of their own beside the handlers, which node reads on the bridge's first request.
 */
export const PROVIDER_CLIENT_PACKAGES = [
  '@aws-sdk/client-cloudwatch',
  '@aws-sdk/client-cloudwatch-logs',
  '@aws-sdk/client-s3',
] as const;

/** The file they are bundled into, beside the handlers' bundle (the handlers `require` it by this name). */
export const PROVIDER_CLIENTS_FILE = 'provider-clients.js';

const BRIDGE_FOLDER = path.join(REPOSITORY_ROOT, 'packages', 'aws-sdk-v3-bridge');

function isProviderClientPackage(name: string): name is (typeof PROVIDER_CLIENT_PACKAGES)[number] {
  return (PROVIDER_CLIENT_PACKAGES as readonly string[]).includes(name);
}

/**
 * In the handlers' bundle, the bridge's `require('@aws-sdk/client-s3')` (and the other two) reads the client
 * package from PROVIDER_CLIENTS_FILE at run time instead of bundling it.
 */
export const providerClientsApart: Plugin = {
  name: 'provider-clients-apart',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@aws-sdk\/client-/ }, (args) =>
      isProviderClientPackage(args.path) ? { path: args.path, namespace: 'provider-clients' } : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: 'provider-clients' }, (args) => ({
      contents: `module.exports = require('./${PROVIDER_CLIENTS_FILE}')[${JSON.stringify(args.path)}];`,
      loader: 'js',
    }));
    // That `require` stays in the bundle, to be resolved beside it at run time.
    pluginBuild.onResolve({ filter: /.*/, namespace: 'provider-clients' }, (args) => ({
      path: args.path,
      external: true,
    }));
  },
};

/**
 * Packages the handlers' SDK clients reference but never call on Lambda, left out of their bundle (~140 KiB
 * that every cold start would parse):
 * - the default credential provider chain (env, ini files, SSO, process, web identity, IMDS, with the nested
 *   STS/SSO clients): the handlers build each client with the caller's credentials from the request
 *   (core/client.ts), and the SDK only asks the chain when a client has none;
 * - bowser, which the SDK's core uses only to parse a browser's user agent.
 * Each is replaced by a module that fails loudly if it is ever called. The provider clients' file keeps the
 * real ones (the bridge passes the provider session's credentials, but does not own that contract).
 */
const UNUSED_ON_LAMBDA: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': `exports.defaultProvider = () => () => Promise.reject(new Error(${JSON.stringify(
    'The Lambda bundle has no default credential chain: give the client credentials',
  )}));`,
  bowser: `throw new Error(${JSON.stringify('bowser (browser user agents) is not in the Lambda bundle')});`,
};

export const withoutUnusedOnLambda: Plugin = {
  name: 'without-unused-on-lambda',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^(@aws-sdk\/credential-provider-node|bowser)$/ }, (args) =>
      args.path in UNUSED_ON_LAMBDA ? { path: args.path, namespace: 'unused-on-lambda' } : undefined,
    );
    pluginBuild.onLoad({ filter: /.*/, namespace: 'unused-on-lambda' }, (args) => ({
      contents: UNUSED_ON_LAMBDA[args.path],
      loader: 'js',
    }));
  },
};

/** The plugins the handlers' bundle is built with (bench/ builds its variants with the same). */
export const HANDLER_PLUGINS: readonly Plugin[] = [
  nativeReplaceAll,
  providerClientsApart,
  withoutUnusedOnLambda,
];

/** PROVIDER_CLIENTS_FILE's source: each client package behind a getter, so only the one asked for runs. */
function providerClientsSource(): string {
  const getters = PROVIDER_CLIENT_PACKAGES.map(
    (name) => `  get ${JSON.stringify(name)}() { return require(${JSON.stringify(name)}); },`,
  );
  return ['module.exports = {', ...getters, '};', ''].join('\n');
}

export interface BundleResult {
  readonly type: TypeKey;
  /** The handlers' bundle (absolute). */
  readonly file: string;
  /** Its path inside the Lambda package, e.g. dist/assignment/handlers.js. */
  readonly bundlePath: string;
  readonly bytes: number;
  /** The bundled source files of the handlers' bundle, relative to the repository root. */
  readonly inputs: readonly string[];
  /** The provider clients' bundle (absolute), beside `file`. */
  readonly providerClientsFile: string;
  /** Its path inside the Lambda package, e.g. dist/assignment/provider-clients.js. */
  readonly providerClientsPath: string;
  readonly providerClientsBytes: number;
  /** Its bundled source files, relative to the repository root. */
  readonly providerClientsInputs: readonly string[];
}

/** An input from the real AWS SDK v2 package (node_modules/aws-sdk resolves to the bridge instead). */
export function isSdkV2Input(input: string): boolean {
  return /(^|\/)node_modules\/aws-sdk\//.test(input);
}

function inputsOf(result: { metafile: Metafile }): string[] {
  const output = Object.values(result.metafile.outputs)[0];
  return Object.keys(output?.inputs ?? {}).sort();
}

/**
 * Bundles src/<type>/handlers.ts into `outdir`/dist/<type>/handlers.js, and the provider clients into
 * PROVIDER_CLIENTS_FILE beside it.
 */
export async function bundleHandlers(
  type: TypeKey,
  outdir: string,
  project: TypeProject = readTypeProject(type),
): Promise<BundleResult> {
  const file = path.resolve(outdir, project.bundlePath);
  const providerClientsPath = path.posix.join(path.posix.dirname(project.bundlePath), PROVIDER_CLIENTS_FILE);
  const providerClientsFile = path.resolve(outdir, providerClientsPath);
  const [handlers, providerClients] = await Promise.all([
    build({
      ...ESBUILD_OPTIONS,
      absWorkingDir: REPOSITORY_ROOT,
      entryPoints: [project.handlersSource],
      outfile: file,
      plugins: [...HANDLER_PLUGINS],
    }),
    build({
      ...ESBUILD_OPTIONS,
      absWorkingDir: REPOSITORY_ROOT,
      // Resolved as the bridge would: the client packages are its peer dependencies.
      stdin: {
        contents: providerClientsSource(),
        resolveDir: BRIDGE_FOLDER,
        sourcefile: PROVIDER_CLIENTS_FILE,
      },
      outfile: providerClientsFile,
    }),
  ]);
  const inputs = inputsOf(handlers);
  const providerClientsInputs = inputsOf(providerClients);
  const sdkV2 = [...inputs, ...providerClientsInputs].filter(isSdkV2Input);
  if (sdkV2.length > 0) {
    throw new PackageError(
      `The ${type} bundle contains AWS SDK v2 (${sdkV2[0]}, …): node_modules/aws-sdk must be the bridge ` +
        'in packages/aws-sdk-v3-bridge (run npm install)',
    );
  }
  return {
    type,
    file,
    bundlePath: project.bundlePath,
    bytes: statSync(file).size,
    inputs,
    providerClientsFile,
    providerClientsPath,
    providerClientsBytes: statSync(providerClientsFile).size,
    providerClientsInputs,
  };
}

/** `--type` as given: one type key, or `all`. */
export function typesFromArgument(value: string | undefined): TypeKey[] {
  if (value === undefined || value === 'all') return [...TYPE_KEYS];
  if (isTypeKey(value)) return [value];
  throw new UsageError(`--type must be one of ${[...TYPE_KEYS, 'all'].join(', ')}, not '${value}'`);
}

/** The registered type of a type's project folder: the one its .rpdk-config names. */
export function typeOfProject(folder: string): TypeKey {
  const typeName = readJsonObject(path.join(folder, '.rpdk-config')).typeName;
  const entry = typeof typeName === 'string' ? resourceTypeByName(typeName) : undefined;
  if (!entry) {
    throw new UsageError(
      `${path.join(folder, '.rpdk-config')} names no registered type (${String(typeName)})`,
    );
  }
  return entry.key;
}

export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(2)} MiB`
    : `${(bytes / 1024).toFixed(1)} KiB`;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { type: { type: 'string' }, project: { type: 'string' }, outdir: { type: 'string' } },
    strict: true,
  });
  if (!values.outdir) throw new UsageError('--outdir is required');
  if (values.type !== undefined && values.project !== undefined) {
    throw new UsageError('--type and --project name the type twice: give one');
  }
  const types =
    values.project === undefined ? typesFromArgument(values.type) : [typeOfProject(values.project)];
  for (const type of types) {
    const bundle = await bundleHandlers(type, values.outdir);
    console.log(`${path.join(values.outdir, bundle.bundlePath)} ${formatBytes(bundle.bytes)}`);
    console.log(
      `${path.join(values.outdir, bundle.providerClientsPath)} ${formatBytes(bundle.providerClientsBytes)}`,
    );
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = isUsageError(error) ? 2 : 1;
    },
  );
}

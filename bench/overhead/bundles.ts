/**
 * The two handler bundles section 6 compares, built exactly as the package step builds the shipped one
 * (dev/package ESBUILD_OPTIONS and HANDLER_PLUGINS), differing only in the runtime lib: as patched by patches/ (no fixed 1 s wait),
 * or as published (the patch reversed by patch-package on a copy; node_modules is left alone).
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { build, type Plugin } from 'esbuild';
import { ESBUILD_OPTIONS, HANDLER_PLUGINS } from '../../dev/package/bundle';
import { BENCHMARKED_TYPE } from '../lib/benchmarked-type';

const LIB_NAME = '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib';
const ROOT = path.resolve(__dirname, '..', '..');

export type LibVariant = 'patched' | 'original';

/** A copy of the lib with the project's patches reversed, under `workDir`; returns the copy's dist folder. */
async function unpatchedLibCopy(workDir: string): Promise<string> {
  const libDir = path.join(ROOT, 'node_modules', LIB_NAME);
  const copyRoot = path.join(workDir, 'unpatched');
  const copyLib = path.join(copyRoot, 'node_modules', LIB_NAME);
  await mkdir(copyLib, { recursive: true });
  await cp(path.join(libDir, 'dist'), path.join(copyLib, 'dist'), { recursive: true });
  await cp(path.join(libDir, 'package.json'), path.join(copyLib, 'package.json'));
  await cp(path.join(ROOT, 'patches'), path.join(copyRoot, 'patches'), { recursive: true });
  await writeFile(path.join(copyRoot, 'package.json'), '{"name":"bench-unpatched-lib","private":true}\n');
  await promisify(execFile)(path.join(ROOT, 'node_modules', '.bin', 'patch-package'), ['--reverse'], {
    cwd: copyRoot,
  });
  return path.join(copyLib, 'dist');
}

/** Serves the lib's dist files from `distCopy` (same relative paths); imports still resolve from node_modules. */
function libFilesFrom(distCopy: string): Plugin {
  const libDist = path.join(ROOT, 'node_modules', LIB_NAME, 'dist');
  return {
    name: 'unpatched-runtime-lib',
    setup(pluginBuild) {
      pluginBuild.onLoad(
        { filter: /cloudformation-cli-typescript-lib[\\/]dist[\\/].*\.js$/ },
        async (args) => {
          const relative = path.relative(libDist, args.path);
          if (relative.startsWith('..')) return undefined;
          return {
            contents: await readFile(path.join(distCopy, relative), 'utf8'),
            loader: 'js',
            resolveDir: path.dirname(args.path),
          };
        },
      );
    },
  };
}

/** Bundles the benchmarked type's handlers with the chosen lib variant into `workDir`; returns the file. */
export async function buildVariantBundle(variant: LibVariant, workDir: string): Promise<string> {
  const outfile = path.join(workDir, variant, 'handlers.js');
  // The shipped bundle's plugins, plus (for the original) the unpatched lib files.
  const plugins =
    variant === 'original'
      ? [...HANDLER_PLUGINS, libFilesFrom(await unpatchedLibCopy(workDir))]
      : [...HANDLER_PLUGINS];
  await build({
    ...ESBUILD_OPTIONS,
    metafile: false,
    absWorkingDir: ROOT,
    entryPoints: [BENCHMARKED_TYPE.handlersFile],
    outfile,
    plugins,
  });
  return outfile;
}

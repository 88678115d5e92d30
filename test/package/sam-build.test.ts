// What `sam build` does with each type's template.yml (BuildMethod: makefile): runs make with the Makefile in the
// function's Metadata ContextPath (else its CodeUri), in its ProjectRootDirectory (else its CodeUri), on the target
// build-<logical ID>, with ARTIFACTS_DIR set; Lambda then loads the function's Handler from that folder. Every
// type's template uses the same logical IDs, so only the Makefile tells the types apart.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { runNode } from '../../dev/package/run-bundle';
import { REPOSITORY_ROOT, RESOURCE_TYPES } from '../../dev/types';

jest.setTimeout(60_000);

const execFileAsync = promisify(execFile);
const workDir = mkdtempSync(path.join(tmpdir(), 'sam-build-test-'));

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

interface SamFunction {
  Properties: { Handler: string; CodeUri: string };
  Metadata: { BuildMethod: string; ContextPath?: string; ProjectRootDirectory?: string };
}

function samFunctions(templateFile: string): [string, SamFunction][] {
  const template = parse(readFileSync(templateFile, 'utf8')) as { Resources: Record<string, SamFunction> };
  return Object.entries(template.Resources);
}

/** Every file under `folder`, relative to it. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath, entry.name)))
    .sort();
}

const cases = RESOURCE_TYPES.flatMap((type) => {
  const templateFile = path.join(REPOSITORY_ROOT, type.folder, 'template.yml');
  return samFunctions(templateFile).map(([logicalId, samFunction]) => ({
    key: type.key,
    logicalId,
    templateDir: path.dirname(templateFile),
    samFunction,
  }));
});

test('every registered type has a SAM template with TypeFunction and TestEntrypoint', () => {
  for (const type of RESOURCE_TYPES) {
    expect(cases.filter((each) => each.key === type.key).map((each) => each.logicalId)).toEqual([
      'TestEntrypoint',
      'TypeFunction',
    ]);
  }
});

test.each(cases)(
  '$key: make build-$logicalId, as SAM runs it, puts only dist/$key/ (handlers, provider clients) in ARTIFACTS_DIR, and it loads',
  async ({ key, logicalId, templateDir, samFunction }) => {
    const { Properties: properties, Metadata: metadata } = samFunction;
    expect(metadata.BuildMethod).toBe('makefile');
    const makefile = path.join(templateDir, metadata.ContextPath ?? properties.CodeUri, 'Makefile');
    const projectRoot = path.join(templateDir, metadata.ProjectRootDirectory ?? properties.CodeUri);
    const artifactsDir = path.join(workDir, `${key}-${logicalId}`);

    await execFileAsync('make', ['-f', makefile, `build-${logicalId}`, `ARTIFACTS_DIR=${artifactsDir}`], {
      cwd: projectRoot,
    });

    const bundle = `dist/${key}/handlers.js`;
    // The handlers, and the log delivery and metrics clients they read from beside them on demand.
    expect(filesUnder(artifactsDir).sort()).toEqual([bundle, `dist/${key}/provider-clients.js`].sort());
    // The Handler is <module path>.<export>: its module is the bundle.
    expect(`${properties.Handler.slice(0, properties.Handler.lastIndexOf('.'))}.js`).toBe(bundle);
    // A new process, as Lambda: the handler names in the template resolve to functions.
    const script =
      'const h = require(process.argv[1]); console.log(JSON.stringify([typeof h.entrypoint, typeof h.testEntrypoint]))';
    const run = await runNode(['-e', script, path.join(artifactsDir, bundle)], { PATH: process.env.PATH });
    expect(JSON.parse(run.stdout)).toEqual(['function', 'function']);
  },
);

// What `sam build` does with template.yml (BuildMethod: makefile): runs the Makefile target of each function
// with ARTIFACTS_DIR set, then Lambda loads the Handler path (dist/assignment/handlers.entrypoint) from it.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { runNode } from '../../dev/package/run-bundle';
import { REPOSITORY_ROOT } from '../../dev/types';

jest.setTimeout(60_000);

const execFileAsync = promisify(execFile);
const artifactsDir = mkdtempSync(path.join(tmpdir(), 'sam-build-test-'));

afterAll(() => rmSync(artifactsDir, { recursive: true, force: true }));

it('make build-TypeFunction puts a loadable dist/assignment/handlers.js in ARTIFACTS_DIR', async () => {
  await execFileAsync('make', ['build-TypeFunction', `ARTIFACTS_DIR=${artifactsDir}`], {
    cwd: REPOSITORY_ROOT,
  });
  expect(readdirSync(path.join(artifactsDir, 'dist', 'assignment'))).toEqual(['handlers.js']);
  // A new process, as Lambda: the handler names in template.yml resolve to functions.
  const script =
    'const h = require(process.argv[1]); console.log(JSON.stringify([typeof h.entrypoint, typeof h.testEntrypoint]))';
  const run = await runNode(['-e', script, path.join(artifactsDir, 'dist', 'assignment', 'handlers.js')], {
    PATH: process.env.PATH,
  });
  expect(JSON.parse(run.stdout)).toEqual(['function', 'function']);
});

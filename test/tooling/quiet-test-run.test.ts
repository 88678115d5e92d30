// What `npm test` prints, from the project's own Jest configuration (jest.config.js) run on two small test
// files: one that passes and one that fails, both printing to the console and building an AWS SDK client.
// A passing file prints nothing; a failing one prints in full; the closing line is always there.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, '..', '..');
const SDK_CLIENT = require.resolve('@aws-sdk/client-cloudwatch-logs', { paths: [ROOT] });

const fixture = (name: string, passes: boolean) => `
const { CloudWatchLogsClient } = require(${JSON.stringify(SDK_CLIENT)});
test('${name}', () => {
  new CloudWatchLogsClient({ region: 'us-east-1' });
  console.log('console output of ${name}');
  expect('${passes ? 'same' : 'expected'}').toBe('same');
});
`;

let fixtureDir: string;
let run: { status: number | null; output: string };

beforeAll(async () => {
  fixtureDir = mkdtempSync(path.join(tmpdir(), 'quiet-test-run-'));
  writeFileSync(path.join(fixtureDir, 'passing.test.ts'), fixture('a passing test', true));
  writeFileSync(path.join(fixtureDir, 'failing.test.ts'), fixture('a failing test', false));
  // The project's configuration as it is, but for where the tests are.
  const projectConfig: object = (await import(path.join(ROOT, 'jest.config.js'))).default;
  const config = { ...projectConfig, rootDir: ROOT, roots: [fixtureDir] };
  // As a developer's shell has it: without the switch the project's Jest setup sets for the SDK.
  const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _set, ...env } = process.env;
  // stdout and stderr into one file, in the order they were written, as a terminal shows them.
  const outputFile = path.join(fixtureDir, 'output.txt');
  const outputFd = openSync(outputFile, 'w');
  const result = spawnSync(
    process.execPath,
    [
      require.resolve('jest/bin/jest', { paths: [ROOT] }),
      '--config',
      JSON.stringify(config),
      '--ci',
      '--runInBand',
    ],
    { cwd: ROOT, env: { ...env, FORCE_COLOR: '0' }, stdio: ['ignore', outputFd, outputFd] },
  );
  closeSync(outputFd);
  run = { status: result.status, output: readFileSync(outputFile, 'utf8') };
});

afterAll(() => rmSync(fixtureDir, { recursive: true, force: true }));

it('fails the run', () => {
  expect(run.status).toBe(1);
});

it('shows the failing file in full: its header, its console output and the failed expectation', () => {
  expect(run.output).toContain('FAIL');
  expect(run.output).toContain('failing.test.ts');
  expect(run.output).toContain('console output of a failing test');
  expect(run.output).toContain('a failing test');
  expect(run.output).toMatch(/Expected: "same"\s+Received: "expected"/);
});

it('prints nothing of the passing file', () => {
  expect(run.output).not.toContain('passing.test.ts');
  expect(run.output).not.toContain('console output of a passing test');
});

it('prints no SDK Node.js version warning and no ts-jest deprecation', () => {
  expect(run.output).not.toContain('NodeVersionSupportWarning');
  expect(run.output).not.toMatch(/deprecated/i);
});

it('ends with the summary and the closing line', () => {
  expect(run.output).toContain('Tests:       1 failed, 1 passed, 2 total');
  // The last line, after Jest's summary: what a CI that reads a run's last line sees.
  expect(run.output.trimEnd().split('\n').at(-1)).toBe('tests: 1 passed, 1 failed');
});

import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * patches/ (applied by `npm ci` through patch-package) removes two fixed waits from the runtime lib: 1 s at
 * the end of every invocation, and 0.25 s before every PutLogEvents call. If the postinstall step did not
 * run, every invocation silently pays them again.
 */
const LIB = path.dirname(
  require.resolve('@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib'),
);

function functionBody(file: string, signature: string): string {
  const source = readFileSync(path.join(LIB, file), 'utf8');
  const start = source.indexOf(signature);
  expect(start).toBeGreaterThan(-1);
  return source.slice(start, source.indexOf('\n    }\n', start));
}

test('the end of an invocation waits for log delivery, not for a fixed second', () => {
  const body = functionBody('resource.js', 'async waitRunningProcesses()');
  expect(body).toContain('waitCompletion()');
  expect(body).not.toMatch(/delay\)\(\d/);
});

test('PutLogEvents is sent without a fixed wait before it', () => {
  const body = functionBody('log-delivery.js', 'async putLogEvents(record');
  expect(body).toContain("makeRequestPromise('putLogEvents'");
  expect(body).not.toMatch(/delay\)\(\d/);
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  Action,
  BaseModel,
  BaseResource,
  OperationStatus,
  ProgressEvent,
} from '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib';

/**
 * patches/ (applied by `npm ci` through patch-package) removes two fixed waits from the runtime lib: 1 s at
 * the end of every invocation, and 0.25 s before every PutLogEvents call. If the postinstall step did not
 * run, every invocation silently pays them again. It also hands the request's nextToken to the handler, without
 * which LIST could never resume a page.
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

test("a LIST handler receives the request's nextToken (castResourceRequest carries it)", async () => {
  class PageModel extends BaseModel {
    public static override readonly TYPE_NAME: string = 'Test::Lib::Page';
  }
  const seen: (string | undefined)[] = [];
  const resource = new (class extends BaseResource<PageModel> {})(PageModel.TYPE_NAME, PageModel);
  resource.addHandler(Action.List, async (_session, request) => {
    seen.push(request.nextToken);
    return ProgressEvent.builder<ProgressEvent<PageModel>>()
      .status(OperationStatus.Success)
      .resourceModels([])
      .build();
  });
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const request = {
      action: 'LIST',
      awsAccountId: '111122223333',
      bearerToken: 'bearer',
      region: 'us-east-1',
      resourceType: PageModel.TYPE_NAME,
      requestData: { resourceProperties: {} },
      nextToken: 'page-2',
    };
    const response = await resource.entrypoint(request, { getRemainingTimeInMillis: () => 60_000 });
    expect(response).toMatchObject({ status: 'SUCCESS' });
  } finally {
    log.mockRestore();
  }
  expect(seen).toEqual(['page-2']);
});

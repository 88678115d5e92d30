import { ThrottlingException, ValidationException } from '@aws-sdk/client-sso-admin';
import {
  LIST_PAGE,
  LIST_PAGE_ENV,
  listPage,
  PageBudget,
  pageLimits,
  PageTokenError,
  readPageToken,
  rejectsToken,
  sealPageToken,
  type ListFilterValues,
  type Listing,
} from '../../src/core/list-pages';

const FILTER: ListFilterValues = [
  ['InstanceArn', 'arn:aws:sso:::instance/ssoins-1234567890abcdef'],
  ['PermissionSetArn', undefined],
];
const CURSOR = { at: 'step', next: 'sso-token' };

function readCursor(cursor: unknown): typeof CURSOR {
  if (typeof cursor !== 'object' || cursor === null || (cursor as { at?: unknown }).at !== 'step') {
    throw new PageTokenError('NextToken holds a position that is not valid: unknown step');
  }
  return cursor as typeof CURSOR;
}

function rejection(run: () => unknown): string {
  try {
    run();
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(PageTokenError);
    return (error as Error).message;
  }
  throw new Error('the token was accepted');
}

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function encode(payload: unknown): string {
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

describe('page tokens', () => {
  test('a sealed position reads back as it was, and the same position always gives the same token', () => {
    const token = sealPageToken('things', FILTER, CURSOR);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(sealPageToken('things', FILTER, { ...CURSOR })).toBe(token);
    expect(readPageToken('things', FILTER, token, readCursor)).toEqual(CURSOR);
  });

  test('a token that is not base64url, or not a position, is refused naming NextToken', () => {
    expect(rejection(() => readPageToken('things', FILTER, 'not a token!', readCursor))).toMatch(
      /^NextToken is not a token this handler issued/,
    );
    expect(rejection(() => readPageToken('things', FILTER, encode([1, 2]), readCursor))).toMatch(
      /^NextToken is corrupted/,
    );
    const token = sealPageToken('things', FILTER, CURSOR);
    expect(rejection(() => readPageToken('things', FILTER, token.slice(0, -7), readCursor))).toMatch(
      /^NextToken is (corrupted|not a token)/,
    );
  });

  test('an edited position is refused: the checksum no longer matches', () => {
    const payload = payloadOf(sealPageToken('things', FILTER, CURSOR));
    const edited = encode({ ...payload, c: { ...CURSOR, next: 'elsewhere' } });
    expect(rejection(() => readPageToken('things', FILTER, edited, readCursor))).toBe(
      'NextToken has been altered: its checksum does not match its content',
    );
  });

  test('a token of another filter, another listing or another format version is refused, saying which', () => {
    const token = sealPageToken('things', FILTER, CURSOR);
    const otherFilter: ListFilterValues = [FILTER[0], ['PermissionSetArn', 'arn:aws:sso:::permissionSet/x']];
    expect(rejection(() => readPageToken('things', otherFilter, token, readCursor))).toMatch(
      /^NextToken was issued for other filter properties: send the same InstanceArn, PermissionSetArn as on the first page/,
    );
    expect(rejection(() => readPageToken('other-things', FILTER, token, readCursor))).toMatch(
      /^NextToken was issued by a LIST of "things"/,
    );
    const future = encode({ ...payloadOf(token), v: 2 });
    expect(rejection(() => readPageToken('things', FILTER, future, readCursor))).toMatch(
      /^NextToken is stale: it has format version 2/,
    );
  });

  test('a hand-made token that passes the checksum still has its position checked', () => {
    const forged = sealPageToken('things', FILTER, { at: 'anywhere' });
    expect(rejection(() => readPageToken('things', FILTER, forged, readCursor))).toMatch(
      /NextToken holds a position that is not valid/,
    );
  });

  test('rejectsToken: a ValidationException, but not a KMS one', () => {
    expect(rejectsToken(new ValidationException({ message: 'bad token', $metadata: {} }))).toBe(true);
    expect(
      rejectsToken(
        new ValidationException({ message: 'key disabled', $metadata: {}, Reason: 'KMS_DisabledException' }),
      ),
    ).toBe(false);
    expect(rejectsToken(new ThrottlingException({ message: 'slow', $metadata: {} }))).toBe(false);
  });
});

describe('page limits', () => {
  test('defaults, and lower values from the environment', () => {
    expect(pageLimits({})).toEqual({ workMs: LIST_PAGE.workMs, maxModels: LIST_PAGE.maxModels });
    expect(pageLimits({ [LIST_PAGE_ENV.workMs]: '0', [LIST_PAGE_ENV.maxModels]: '3' })).toEqual({
      workMs: 0,
      maxModels: 3,
    });
  });

  test.each([
    [LIST_PAGE_ENV.workMs, String(LIST_PAGE.workMs + 1)],
    [LIST_PAGE_ENV.maxModels, '0'],
    [LIST_PAGE_ENV.maxModels, '12abc'],
    [LIST_PAGE_ENV.workMs, '-5'],
  ])('%s=%s is refused with the rule it breaks', (name, value) => {
    expect(() => pageLimits({ [name]: value })).toThrow(
      new RegExp(`^environment variable ${name} must be a whole number from \\d+ to \\d+, got '${value}'$`),
    );
  });
});

describe('PageBudget', () => {
  function clock(start = 1_000_000) {
    let now = start;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  }

  test("the page's first call always runs; later calls stop once the time budget is spent", async () => {
    const time = clock();
    const budget = new PageBudget({ workMs: 0, maxModels: 10 }, time.now);
    expect(await budget.call(async () => 'first')).toEqual({ value: 'first' });
    expect(await budget.call(async () => 'second')).toBeUndefined();
    expect(budget.stoppedBy).toBe('time budget');
    expect(budget.callsAnswered).toBe(1);
  });

  test('calls run while the time budget lasts, within the Lambda time left', async () => {
    const time = clock();
    const budget = new PageBudget({ workMs: 20_000, maxModels: 10 }, time.now, time.now(), 12_000);
    let calls = 0;
    const send = async () => {
      calls++;
      time.advance(5_000);
      return calls;
    };
    while (await budget.call(send));
    // 0, 5 and 10 s start before the 12 s the Lambda leaves; 15 s does not.
    expect(calls).toBe(3);
    expect(budget.stoppedBy).toBe('time budget');
  });

  test('calls bring at most the models a page can still hold, and stop when the next could overflow', async () => {
    const time = clock();
    const budget = new PageBudget({ workMs: 20_000, maxModels: 250 }, time.now);
    expect(budget.ssoPageSize).toBe(LIST_PAGE.ssoPageSize);
    expect(new PageBudget({ workMs: 20_000, maxModels: 3 }, time.now).ssoPageSize).toBe(3);
    await budget.call(async () => budget.countModels(100));
    await budget.call(async () => budget.countModels(100));
    expect(await budget.call(async () => 'third')).toBeUndefined();
    expect(budget.stoppedBy).toBe('model budget');
  });

  test('a call still running at the cut-off is abandoned and ends the page, once the page has made progress', async () => {
    const budget = new PageBudget({ workMs: 40, maxModels: 10 });
    await budget.call(async () => 'first');
    let sawAbort = false;
    const hanging = (signal: AbortSignal) =>
      new Promise<string>((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          sawAbort = true;
          reject(Object.assign(new Error('Request aborted'), { name: 'AbortError' }));
        });
      });
    expect(await budget.call(hanging)).toBeUndefined();
    expect(sawAbort).toBe(true);
    expect(budget.stoppedBy).toBe('call cut at the answer deadline');
  });

  test("a page's first call cut off at the Lambda's limit fails as a timeout (NetworkFailure in the table)", async () => {
    const budget = new PageBudget({ workMs: 0, maxModels: 10 }, Date.now, Date.now(), 30);
    const hanging = (signal: AbortSignal) =>
      new Promise<string>((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(new Error('aborted')));
      });
    await expect(budget.call(hanging)).rejects.toMatchObject({
      name: 'TimeoutError',
      message: expect.stringContaining('SSO Admin did not answer within 30 ms'),
    });
  });

  test('a transient error after progress ends the page; before progress, or a lasting error, it is thrown', async () => {
    const throttled = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: {} });
    const fresh = new PageBudget({ workMs: 20_000, maxModels: 10 });
    await expect(fresh.call(async () => Promise.reject(throttled()))).rejects.toBeInstanceOf(
      ThrottlingException,
    );

    const going = new PageBudget({ workMs: 20_000, maxModels: 10 });
    await going.call(async () => 'first');
    const denied = Object.assign(new Error('no'), { name: 'AccessDeniedException' });
    await expect(going.call(async () => Promise.reject(denied))).rejects.toBe(denied);
    expect(await going.call(async () => Promise.reject(throttled()))).toBeUndefined();
    expect(going.stoppedBy).toBe('ThrottlingException after retries');
  });
});

describe('listPage', () => {
  const listing = (steps: string[][]): Listing<{ at: 'step'; next: string }, string> => ({
    kind: 'things',
    filter: FILTER,
    readCursor: (cursor) => readCursor(cursor) as { at: 'step'; next: string },
    walk: async (from, budget) => {
      let index = from ? Number(from.next) : 0;
      const keys: string[] = [];
      while (index < steps.length) {
        const answered = await budget.call(async () => steps[index]);
        if (!answered) return { keys, next: { at: 'step', next: String(index) } };
        keys.push(...answered.value);
        index++;
      }
      return { keys };
    },
  });

  test('pages follow each other through their tokens, and the last has none', async () => {
    const steps = [['a', 'b'], [], ['c']];
    const oneCallPages = () => new PageBudget({ workMs: 0, maxModels: 10 });
    const first = await listPage(listing(steps), undefined, oneCallPages());
    expect(first).toMatchObject({ kind: 'page', keys: ['a', 'b'], calls: 1, stoppedBy: 'time budget' });
    const token = first.kind === 'page' ? first.nextToken : undefined;
    expect(token).toEqual(expect.any(String));
    const second = await listPage(listing(steps), token, oneCallPages());
    const third = await listPage(
      listing(steps),
      second.kind === 'page' ? second.nextToken : undefined,
      oneCallPages(),
    );
    expect(second).toMatchObject({ keys: [] });
    expect(third).toEqual({
      kind: 'page',
      keys: ['c'],
      nextToken: undefined,
      calls: 1,
      stoppedBy: undefined,
    });
  });

  test('nothing to list is an empty page without a token; a bad token is a rejection, with no call', async () => {
    expect(await listPage(listing([]), undefined)).toMatchObject({
      kind: 'page',
      keys: [],
      nextToken: undefined,
    });
    const walk = jest.fn();
    const rejected = await listPage({ ...listing([]), walk }, 'garbage!');
    expect(rejected).toEqual({ kind: 'rejected', message: expect.stringMatching(/^NextToken /) });
    expect(walk).not.toHaveBeenCalled();
  });
});

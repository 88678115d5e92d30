import {
  CALLBACK_CONTEXT_VERSION,
  CallbackContextError,
  MAX_CALLBACK_CONTEXT_BYTES,
  MAX_REQUESTS_IN_FLIGHT,
  pastDeadline,
  progressContext,
  readProgress,
  WriteProgress,
} from '../../src/core/callback-context';
import { RETRY_POLICY } from '../../src/core/retry-policy';

const now = () => 42;
/** A RequestId as SSO Admin returns it: a UUID. */
const requestId = (n: number) => `a3c5e7f9-1b2d-4f6a-8c0e-${String(n).padStart(12, '0')}`;

function refusal(context: unknown): string {
  try {
    readProgress(context, now);
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(CallbackContextError);
    return (error as Error).message;
  }
  throw new Error(`${JSON.stringify(context)} was accepted`);
}

describe('readProgress', () => {
  test('no context (a first invocation) starts an operation now', () => {
    for (const none of [undefined, null, {}]) {
      expect(readProgress(none, now)).toEqual({ version: CALLBACK_CONTEXT_VERSION, startedAt: 42 });
    }
  });

  test('a context it wrote reads back field for field', () => {
    const progress: WriteProgress = {
      version: 1,
      startedAt: 7,
      phase: 'confirm',
      polls: 3,
      requests: [requestId(1), requestId(2)],
      cursor: 40,
      resubmitted: true,
    };
    expect(readProgress(JSON.parse(JSON.stringify(progressContext(progress))), now)).toEqual(progress);
  });

  test('the unversioned context of release 0.1.0 is read as version 1, its requestId as the one request', () => {
    expect(readProgress({ startedAt: 7, phase: 'confirm', polls: 2, requestId: 'r-1' }, now)).toEqual({
      version: 1,
      startedAt: 7,
      phase: 'confirm',
      polls: 2,
      requests: ['r-1'],
    });
    expect(readProgress({ startedAt: 7 }, now)).toEqual({ version: 1, startedAt: 7 });
  });

  test.each<[string, unknown, string[]]>([
    [
      'an unknown field',
      { version: 1, startedAt: 7, extra: 1 },
      ['extra is not a field this handler writes'],
    ],
    [
      'a phase of another machine',
      { version: 1, startedAt: 7, phase: 'sideways' },
      ["phase must be 'submit' or 'confirm'"],
    ],
    ['a negative poll count', { version: 1, startedAt: 7, polls: -1 }, ['polls must be a whole number']],
    ['a text start time', { version: 1, startedAt: 'x' }, ['startedAt must be an epoch time']],
    ['no start time', { version: 1, phase: 'submit' }, ['startedAt is required']],
    ['another version', { version: 2, startedAt: 7 }, ['version must be 1']],
    [
      'a request id that is not text',
      { version: 1, startedAt: 7, requests: [3] },
      ['requests must be a list'],
    ],
    [
      'more requests than SSO Admin lets be outstanding',
      {
        version: 1,
        startedAt: 7,
        requests: Array.from({ length: MAX_REQUESTS_IN_FLIGHT + 1 }, (_, n) => requestId(n)),
      },
      [`at most ${MAX_REQUESTS_IN_FLIGHT} request ids`],
    ],
    ['a fractional cursor', { version: 1, startedAt: 7, cursor: 1.5 }, ['cursor must be a whole number']],
    [
      'resubmitted false (never written)',
      { version: 1, startedAt: 7, resubmitted: false },
      ['resubmitted must be true'],
    ],
    ['a legacy context with a bad field', { startedAt: 7, requestId: 3 }, ['requests must be a list']],
    [
      'several problems at once',
      { version: 1, phase: 'sideways', polls: 'many' },
      ["phase must be 'submit' or 'confirm'", 'polls must be a whole number', 'startedAt is required'],
    ],
  ])('%s is refused, naming each field and its rule', (_name, context, expected) => {
    const message = refusal(context);
    expect(message).toMatch(/^The callback context is not one this handler wrote/);
    for (const part of expected) expect(message).toContain(part);
  });

  test('a context that is not an object is refused', () => {
    for (const context of ['submit', 3, [1]]) expect(refusal(context)).toContain('must be a JSON object');
  });
});

describe('progressContext', () => {
  test('leaves fields at their default out, so a simple write carries a few dozen bytes', () => {
    expect(progressContext({ version: 1, startedAt: 7, phase: 'submit' })).toEqual({
      version: 1,
      startedAt: 7,
      phase: 'submit',
    });
    expect(progressContext({ version: 1, startedAt: 7, requests: [], cursor: 0 })).toEqual({
      version: 1,
      startedAt: 7,
    });
  });

  test('a full batch of requests in flight stays far inside the budget', () => {
    const full: WriteProgress = {
      version: 1,
      startedAt: Date.now(),
      phase: 'confirm',
      polls: 1_000,
      requests: Array.from({ length: MAX_REQUESTS_IN_FLIGHT }, (_, n) => requestId(n)),
      cursor: 1_000_000,
      resubmitted: true,
    };
    const bytes = Buffer.byteLength(JSON.stringify(progressContext(full)));
    expect(bytes).toBeLessThan(MAX_CALLBACK_CONTEXT_BYTES / 4);
  });

  test('a context over its budget is refused on the way out', () => {
    const oversized = { version: 1, startedAt: 7, requests: [requestId(1).repeat(200)] } as const;
    expect(() => progressContext(oversized)).toThrow(/over its 4096-byte budget/);
  });
});

test('the deadline counts from the first invocation', () => {
  const deadline = RETRY_POLICY.stabilizationDeadlineMs;
  expect(pastDeadline({ startedAt: 0 }, () => deadline - 1)).toBe(false);
  expect(pastDeadline({ startedAt: 0 }, () => deadline)).toBe(true);
});

// The write state machine on its own: fake hooks and a fake subject, no AWS client, no emulator.
import {
  BaseModel,
  LoggerProxy,
} from '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib';
import { Expose } from 'class-transformer';
import { WriteProgress } from '../../src/core/callback-context';
import type { StandardRetryToken } from '@smithy/types';
import { CHECK_TIME_SCALE_ENV, RETRY_POLICY } from '../../src/core/retry-policy';
import { InvocationBudgetRetryStrategy } from '../../src/core/retry-strategy';
import { RequestStatus } from '../../src/core/stabilizer';
import { runWrite, SubmittedWrite, WriteHooks, WriteKind, WriteSubject } from '../../src/core/write-machine';

type Key = string;

/** A model of one property, as the generator would write it for a one-property schema. */
class ResourceModel extends BaseModel {
  public static override readonly TYPE_NAME: string = 'Test::Fake::Thing';

  @Expose({ name: 'Id' })
  id?: string;
}

const STARTED = Date.now() - 1_000;
/** The in-invocation offsets as the tests run them (dev/jest-setup.js shrinks them). */
const CHECK_SCALE = Number(process.env[CHECK_TIME_SCALE_ENV] ?? '1');
const fresh: WriteProgress = { version: 1, startedAt: STARTED };

/** A world of one resource: whether it exists, and every call the machine made. */
function world(initiallyExists: boolean) {
  const calls: string[] = [];
  const state = { exists: initiallyExists, grants: initiallyExists };
  const subject: WriteSubject<ResourceModel, Key> = {
    typeName: 'Test::Fake::Thing',
    key: 'thing-1',
    modelFromKey: (key) => ResourceModel.deserialize({ Id: key }),
    identifier: (key) => [key],
    find: async (key) => {
      calls.push('find');
      return state.exists ? key : undefined;
    },
    grants: async () => {
      calls.push('grants');
      return state.grants;
    },
  };
  return { calls, state, subject };
}

function asynchronous(
  calls: string[],
  submitted: SubmittedWrite,
  statuses: Record<string, RequestStatus> = {},
): WriteHooks<Key> {
  return {
    mode: 'asynchronous',
    operation: 'CreateThing',
    submit: async (key, previous) => {
      calls.push(`submit ${key}${previous ? ` from ${previous}` : ''}`);
      return submitted;
    },
    status: async (_key, requestId) => {
      calls.push(`status ${requestId}`);
      const status = statuses[requestId];
      if (!status) throw new Error(`no status for ${requestId}`);
      return status;
    },
  };
}

const logger = { log: () => undefined } as unknown as LoggerProxy;

async function run(
  kind: WriteKind,
  hooks: WriteHooks<Key>,
  subject: WriteSubject<ResourceModel, Key>,
  progress: WriteProgress,
) {
  const reported: WriteProgress[] = [];
  const event = await runWrite(
    { kind, hooks, subject, logger, onProgress: (p) => reported.push(p) },
    progress,
  );
  return { event, reported };
}

describe('CREATE', () => {
  test('first invocation: pre-check, then the write-ahead marker with no write', async () => {
    const { calls, subject } = world(false);
    const { event } = await run(
      'create',
      asynchronous(calls, { requests: [], status: { status: 'SUCCEEDED' } }),
      subject,
      fresh,
    );
    expect(event.status).toBe('IN_PROGRESS');
    expect(event.callbackContext).toEqual({ version: 1, startedAt: STARTED, phase: 'submit' });
    expect(event.callbackDelaySeconds).toBe(0);
    expect(calls).toEqual(['find']);
  });

  test('an existing resource is AlreadyExists, with nothing written', async () => {
    const { calls, subject } = world(true);
    const { event } = await run(
      'create',
      asynchronous(calls, { requests: [], status: { status: 'SUCCEEDED' } }),
      subject,
      fresh,
    );
    expect(event).toMatchObject({ status: 'FAILED', errorCode: 'AlreadyExists' });
    expect(event.message).toContain("'Test::Fake::Thing' with identifier 'thing-1' already exists");
    expect(calls).toEqual(['find']);
  });

  test('the marker submits without a pre-check, and reports its requests before answering', async () => {
    const { calls, subject } = world(false);
    const hooks = asynchronous(calls, { requests: ['r-1'], status: { status: 'IN_PROGRESS' } });
    const { event, reported } = await run('create', hooks, subject, { ...fresh, phase: 'submit' });
    expect(calls).toEqual(['submit thing-1']);
    expect(reported).toEqual([{ ...fresh, phase: 'confirm', polls: 0, requests: ['r-1'] }]);
    expect(event.callbackContext).toEqual({ ...fresh, phase: 'confirm', polls: 0, requests: ['r-1'] });
    expect(event.message).toBe('CreateThing request r-1 is in progress (check 1)');
  });

  test('a batch in flight: any FAILED request fails the write with every reason', async () => {
    const { calls, subject } = world(false);
    const hooks = asynchronous(
      calls,
      { requests: [], status: { status: 'IN_PROGRESS' } },
      {
        'r-1': { status: 'SUCCEEDED' },
        'r-2': { status: 'FAILED', reason: 'Access denied to role' },
        'r-3': { status: 'IN_PROGRESS' },
      },
    );
    const progress: WriteProgress = { ...fresh, phase: 'confirm', polls: 1, requests: ['r-1', 'r-2', 'r-3'] };
    const { event } = await run('create', hooks, subject, progress);
    expect(event).toMatchObject({ status: 'FAILED', errorCode: 'AccessDenied' });
    expect(event.message).toBe('CreateThing request r-1, r-2, r-3 failed: Access denied to role');
    expect(calls).toEqual(['status r-1', 'status r-2', 'status r-3']);
  });

  test('a batch in flight: waits while any request runs, keeping every request', async () => {
    const { calls, subject } = world(false);
    const hooks = asynchronous(
      calls,
      { requests: [], status: { status: 'IN_PROGRESS' } },
      {
        'r-1': { status: 'SUCCEEDED' },
        'r-2': { status: 'IN_PROGRESS' },
      },
    );
    const progress: WriteProgress = { ...fresh, phase: 'confirm', polls: 1, requests: ['r-1', 'r-2'] };
    const { event } = await run('create', hooks, subject, progress);
    expect(event.status).toBe('IN_PROGRESS');
    expect(event.callbackContext).toEqual({ ...progress, polls: 2 });
  });

  test('an asynchronous SUCCEEDED is the confirmation: SUCCESS with the model, nothing read back', async () => {
    const { calls, subject } = world(false);
    const hooks = asynchronous(
      calls,
      { requests: [], status: { status: 'IN_PROGRESS' } },
      { 'r-1': { status: 'SUCCEEDED' } },
    );
    const confirming: WriteProgress = { ...fresh, phase: 'confirm', polls: 0, requests: ['r-1'] };
    const { event } = await run('create', hooks, subject, confirming);
    expect(event.status).toBe('SUCCESS');
    expect(event.resourceModel).toEqual(ResourceModel.deserialize({ Id: 'thing-1' }));
    expect(calls).not.toContain('find');
  });

  test('a synchronous write is confirmed by the read-back it already made', async () => {
    const { calls, state, subject } = world(false);
    const hooks: WriteHooks<Key> = {
      mode: 'synchronous',
      operation: 'CreateThing',
      readOperation: 'DescribeThing',
      resubmitAfterChecks: 3,
      submit: async () => {
        calls.push('submit');
        state.exists = true;
      },
    };
    const { event } = await run('create', hooks, subject, { ...fresh, phase: 'submit' });
    expect(event.status).toBe('SUCCESS');
    expect(event.resourceModel).toEqual(ResourceModel.deserialize({ Id: 'thing-1' }));
    expect(calls).toEqual(['submit', 'find']);
  });
});

describe('UPDATE', () => {
  test('a missing resource is NotFound, with nothing written', async () => {
    const { calls, subject } = world(false);
    const { event } = await run(
      'update',
      asynchronous(calls, { requests: ['r-1'], status: { status: 'SUCCEEDED' } }),
      subject,
      fresh,
    );
    expect(event).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
    expect(calls).toEqual(['find']);
  });

  test('writes at once with the previous state, and answers with the model its SUCCEEDED confirms', async () => {
    const { calls, subject } = world(true);
    const hooks = asynchronous(calls, { requests: ['r-1'], status: { status: 'SUCCEEDED' } });
    const { event } = await run('update', hooks, { ...subject, previous: 'thing-0' }, fresh);
    expect(event.status).toBe('SUCCESS');
    expect(event.resourceModel).toEqual(ResourceModel.deserialize({ Id: 'thing-1' }));
    expect(calls).toEqual(['find', 'submit thing-1 from thing-0']);
  });
});

describe('DELETE', () => {
  test('a missing resource is NotFound', async () => {
    const { calls, subject } = world(false);
    const { event } = await run(
      'delete',
      asynchronous(calls, { requests: ['r-1'], status: { status: 'SUCCEEDED' } }),
      subject,
      fresh,
    );
    expect(event).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
  });

  test('succeeded: SUCCESS without a model', async () => {
    const { calls, subject } = world(true);
    const { event } = await run(
      'delete',
      asynchronous(calls, { requests: ['r-1'], status: { status: 'SUCCEEDED' } }),
      subject,
      fresh,
    );
    expect(event.status).toBe('SUCCESS');
    expect(event.resourceModel).toBeUndefined();
    expect(calls).toEqual(['find', 'submit thing-1']);
  });

  test('refused, but the resource no longer grants access: SUCCESS; still granting: FAILED', async () => {
    const { calls, state, subject } = world(true);
    const hooks = asynchronous(calls, {
      requests: ['r-1'],
      status: { status: 'FAILED', reason: 'assignee was not found' },
    });
    state.grants = false;
    expect((await run('delete', hooks, subject, fresh)).event.status).toBe('SUCCESS');
    state.grants = true;
    const refused = (await run('delete', hooks, subject, fresh)).event;
    expect(refused).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
  });

  test('past the deadline a running request fails NotStabilized', async () => {
    const { calls, subject } = world(true);
    const hooks = asynchronous(
      calls,
      { requests: [], status: { status: 'IN_PROGRESS' } },
      { 'r-1': { status: 'IN_PROGRESS' } },
    );
    const late: WriteProgress = { version: 1, startedAt: 0, phase: 'confirm', polls: 9, requests: ['r-1'] };
    const { event } = await run('delete', hooks, subject, late);
    expect(event).toMatchObject({ status: 'FAILED', errorCode: 'NotStabilized' });
    expect(event.message).toMatch(/^CreateThing request r-1 did not finish within \d+ s$/);
  });
});

describe('checks within the invocation (asynchronous writes)', () => {
  /** A clock whose sleeps move it at once, and the sleeps asked for. */
  function fakeClock(start: number) {
    let now = start;
    const sleeps: number[] = [];
    return {
      sleeps,
      clock: {
        now: () => now,
        sleep: async (ms: number) => {
          sleeps.push(ms);
          now += ms;
        },
        random: () => 0.999999,
      },
    };
  }

  async function confirmWith(
    statuses: RequestStatus[],
    startedAt: number,
    clock: ReturnType<typeof fakeClock>,
  ) {
    const { calls, subject } = world(false);
    let answered = 0;
    const hooks: WriteHooks<Key> = {
      mode: 'asynchronous',
      operation: 'CreateThing',
      submit: async () => ({ requests: ['r-1'], status: { status: 'IN_PROGRESS' } }),
      status: async () => {
        calls.push('status');
        const status = statuses[Math.min(answered, statuses.length - 1)] ?? { status: 'IN_PROGRESS' };
        answered += 1;
        return status;
      },
    };
    const event = await runWrite(
      { kind: 'delete', hooks, subject, logger, onProgress: () => undefined, waitInInvocation: clock.clock },
      { version: 1, startedAt, phase: 'confirm', polls: 0, requests: ['r-1'] },
    );
    return { event, calls };
  }

  test('done at the third look: SUCCESS from this invocation, having slept to the policy offsets', async () => {
    const clock = fakeClock(Date.now());
    const { event, calls } = await confirmWith(
      [{ status: 'IN_PROGRESS' }, { status: 'IN_PROGRESS' }, { status: 'SUCCEEDED' }],
      Date.now(),
      clock,
    );
    expect(event.status).toBe('SUCCESS');
    expect(calls).toEqual(['status', 'status', 'status']);
    const [first = 0, second = 0] = RETRY_POLICY.inInvocationCheckOffsetsMs;
    expect(clock.sleeps).toEqual([first, second - first].map((ms) => ms * CHECK_SCALE));
  });

  test('still running after every offset: handed to CloudFormation with a share of the time taken', async () => {
    const clock = fakeClock(Date.now());
    const startedAt = Date.now() - 60_000;
    const { event, calls } = await confirmWith([{ status: 'IN_PROGRESS' }], startedAt, clock);
    expect(event.status).toBe('IN_PROGRESS');
    expect(calls).toHaveLength(1 + RETRY_POLICY.inInvocationCheckOffsetsMs.length);
    const elapsedSeconds = (clock.clock.now() - startedAt) / 1000;
    expect(event.callbackDelaySeconds).toBe(Math.floor(RETRY_POLICY.callbackShareOfElapsed * elapsedSeconds));
  });

  // Last in the file: the process remembers the throttled call for the rest of the window.
  test('after a throttled call in the process: no check within the invocation, called back after at least 1 s', async () => {
    const strategy = new InvocationBudgetRetryStrategy(() => 0);
    const token = await strategy.acquireInitialRetryToken('sso');
    await expect(
      strategy.refreshRetryTokenForRetry(token as StandardRetryToken, { errorType: 'THROTTLING' }),
    ).rejects.toThrow(/not enough time/);
    const clock = fakeClock(Date.now());
    const { event, calls } = await confirmWith([{ status: 'IN_PROGRESS' }], Date.now(), clock);
    expect(event.status).toBe('IN_PROGRESS');
    expect(calls).toEqual(['status']);
    expect(clock.sleeps).toEqual([]);
    expect(event.callbackDelaySeconds).toBe(1);
  });
});

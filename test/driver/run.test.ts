import { ContractViolation } from '../../dev/driver/contract';
import { DEFAULT_CALLER_CREDENTIALS } from '../../dev/driver/request';
import { DriverError, runAction, type RunOptions } from '../../dev/driver/run';
import type { CredentialsPayload, HandlerRequestPayload } from '../../dev/driver/types';
import { constantEntrypoint, fakeTime, scriptedEntrypoint } from './fakes';

const TYPE_NAME = 'Test::Driver::Thing';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const desired = { Name: 'thing' };
const created = { Name: 'thing', Id: 'thing-1' };

const inProgress = (
  callbackDelaySeconds: number,
  resourceModel: object = created,
  callbackContext?: object,
) => ({
  status: 'IN_PROGRESS',
  message: '',
  callbackDelaySeconds,
  resourceModel,
  ...(callbackContext ? { callbackContext } : {}),
});
const success = (resourceModel?: object) => ({
  status: 'SUCCESS',
  message: '',
  callbackDelaySeconds: 0,
  ...(resourceModel ? { resourceModel } : {}),
});
const failed = (errorCode: string, message: string) => ({
  status: 'FAILED',
  errorCode,
  message,
  callbackDelaySeconds: 0,
});

function options(overrides: Partial<RunOptions> = {}): RunOptions & { lines: string[]; slept: number[] } {
  const time = fakeTime();
  const lines: string[] = [];
  return {
    typeName: TYPE_NAME,
    primaryIdentifier: ['/properties/Id'],
    now: time.now,
    sleep: time.sleep,
    log: (line) => lines.push(line),
    lines,
    slept: time.slept,
    ...overrides,
  };
}

describe('runAction re-invocation', () => {
  it('waits callbackDelaySeconds (scaled by timeScale) between invocations until a terminal status', async () => {
    const fake = scriptedEntrypoint([inProgress(5), inProgress(2), inProgress(0), success(created)]);
    const opts = options({ timeScale: 0.01 });

    const result = await runAction(fake.entrypoint, 'CREATE', desired, opts);

    expect(result.final).toEqual(success(created));
    expect(fake.requests).toHaveLength(4);
    expect(opts.slept).toEqual([50, 20, 0]);
    expect(result.invocations.map((i) => i.sleptMs)).toEqual([50, 20, 0, 0]);
    expect(result.invocations.map((i) => i.response.status)).toEqual([
      'IN_PROGRESS',
      'IN_PROGRESS',
      'IN_PROGRESS',
      'SUCCESS',
    ]);
  });

  it('sleeps the full delay when timeScale is 1', async () => {
    const fake = scriptedEntrypoint([inProgress(30), inProgress(7), success(created)]);
    const opts = options();
    await runAction(fake.entrypoint, 'CREATE', desired, opts);
    expect(opts.slept).toEqual([30_000, 7_000]);
  });

  it('sends the returned resourceModel and callbackContext back, and no callbackContext at first', async () => {
    const stabilizing = { ...created, Status: 'PENDING' };
    const fake = scriptedEntrypoint([
      inProgress(1, stabilizing, { requestId: 'req-1', attempt: 1 }),
      inProgress(1, created),
      success(created),
    ]);

    await runAction(fake.entrypoint, 'CREATE', desired, options());

    const [first, second, third] = fake.requests;
    expect(first.requestData.resourceProperties).toEqual(desired);
    expect(first).not.toHaveProperty('callbackContext');
    expect(second.requestData.resourceProperties).toEqual(stabilizing);
    expect(second.callbackContext).toEqual({ requestId: 'req-1', attempt: 1 });
    // The second IN_PROGRESS returned no context, so none is sent.
    expect(third.requestData.resourceProperties).toEqual(created);
    expect(third).not.toHaveProperty('callbackContext');
  });

  it('keeps the bearer token, stack and action within an operation and issues a new token per operation', async () => {
    const fake = scriptedEntrypoint([inProgress(1), inProgress(1), success(created), success()]);
    const opts = options({ stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/s/1' });

    await runAction(fake.entrypoint, 'CREATE', desired, opts);
    await runAction(fake.entrypoint, 'DELETE', created, opts);

    const tokens = fake.requests.map((r) => r.bearerToken);
    expect(tokens[0]).toMatch(UUID);
    expect(tokens[1]).toBe(tokens[0]);
    expect(tokens[2]).toBe(tokens[0]);
    expect(tokens[3]).toMatch(UUID);
    expect(tokens[3]).not.toBe(tokens[0]);
    expect(fake.requests.map((r) => r.action)).toEqual(['CREATE', 'CREATE', 'CREATE', 'DELETE']);
    expect(new Set(fake.requests.map((r) => r.stackId))).toEqual(new Set([opts.stackId]));
  });

  it('resumes an operation with a given bearer token and callbackContext', async () => {
    const fake = scriptedEntrypoint([success(created)]);
    await runAction(fake.entrypoint, 'CREATE', created, {
      ...options(),
      bearerToken: 'resumed-token',
      callbackContext: { requestId: 'req-9' },
    });
    expect(fake.requests[0].bearerToken).toBe('resumed-token');
    expect(fake.requests[0].callbackContext).toEqual({ requestId: 'req-9' });
  });

  it('rotates caller credentials per re-invocation when asked', async () => {
    const fake = scriptedEntrypoint([inProgress(1), inProgress(1), success(created)]);
    const credentialsFor = (invocation: number): CredentialsPayload => ({
      accessKeyId: `ASIAROTATED${invocation}`,
      secretAccessKey: `secret-${invocation}`,
      sessionToken: `token-${invocation}`,
    });
    const opts = options({ refreshCredentials: credentialsFor });

    await runAction(fake.entrypoint, 'CREATE', desired, opts);

    expect(fake.requests.map((r) => r.requestData.callerCredentials)).toEqual([
      DEFAULT_CALLER_CREDENTIALS,
      credentialsFor(2),
      credentialsFor(3),
    ]);
  });

  it('records each invocation with credentials redacted and the handler unable to alter the records', async () => {
    const fake = scriptedEntrypoint([
      (request: HandlerRequestPayload) => {
        request.requestData.resourceProperties.Name = 'mutated by handler';
        return inProgress(1);
      },
      success(created),
    ]);

    const result = await runAction(fake.entrypoint, 'CREATE', desired, options());

    expect(result.invocations).toHaveLength(2);
    const [first] = result.invocations;
    expect(first.index).toBe(1);
    expect(first.action).toBe('CREATE');
    expect(first.request.requestData.resourceProperties).toEqual(desired);
    expect(first.request.requestData.callerCredentials).toEqual({
      accessKeyId: '<redacted>',
      secretAccessKey: '<redacted>',
      sessionToken: '<redacted>',
    });
    expect(first.request.bearerToken).toBe(fake.requests[0].bearerToken);
    expect(first.response).toEqual(inProgress(1));
  });

  it('stops at the first FAILED event and returns it', async () => {
    const fake = scriptedEntrypoint([
      inProgress(1),
      failed('NotStabilized', 'creation failed'),
      success(created),
    ]);
    const result = await runAction(fake.entrypoint, 'CREATE', desired, options());
    expect(result.final).toEqual(failed('NotStabilized', 'creation failed'));
    expect(fake.requests).toHaveLength(2);
  });
});

describe('runAction limits', () => {
  it('fails with max-invocations when the handler never finishes', async () => {
    const fake = constantEntrypoint(inProgress(1));
    const opts = options({ maxInvocations: 4 });

    const error = await runAction(fake.entrypoint, 'DELETE', created, opts).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DriverError);
    expect((error as DriverError).code).toBe('max-invocations');
    expect((error as DriverError).message).toContain('DELETE');
    expect((error as DriverError).invocations).toHaveLength(4);
    expect(fake.requests).toHaveLength(4);
  });

  it('fails with operation-timeout before a wait that would exceed the budget', async () => {
    const fake = constantEntrypoint(inProgress(10));
    const opts = options({ timeoutMs: 25_000 });

    const error = await runAction(fake.entrypoint, 'CREATE', desired, opts).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DriverError);
    expect((error as DriverError).code).toBe('operation-timeout');
    expect((error as DriverError).message).toMatch(/^CREATE: .*25000ms budget/);
    // Invoked at 0 s, 10 s and 20 s; a third 10 s wait would end at 30 s.
    expect(fake.requests).toHaveLength(3);
    expect(opts.slept).toEqual([10_000, 10_000]);
  });

  it('defaults the budget to 120 minutes scaled by timeScale', async () => {
    const fake = constantEntrypoint(inProgress(3600));
    const opts = options({ timeScale: 0.001, lambdaTimeoutMs: 1_000, maxInvocations: 10 });

    const error = await runAction(fake.entrypoint, 'CREATE', desired, opts).catch((e: unknown) => e);

    // 120 min x 0.001 = 7200 ms: one 3600 ms wait fits, the second reaches 7200 ms, a third would exceed it.
    expect((error as DriverError).code).toBe('operation-timeout');
    expect(opts.slept).toEqual([3600, 3600]);
  });

  it('never defaults the budget below one Lambda timeout, so timeScale 0 still lets handlers run', async () => {
    const fake = constantEntrypoint(inProgress(3600));
    const opts = options({ timeScale: 0, lambdaTimeoutMs: 1_000, maxInvocations: 3 });
    const error = await runAction(fake.entrypoint, 'CREATE', desired, opts).catch((e: unknown) => e);
    expect((error as DriverError).code).toBe('max-invocations');
    expect(opts.slept).toEqual([0, 0]);
  });

  it('rejects a negative timeScale', async () => {
    const fake = constantEntrypoint(success(created));
    await expect(runAction(fake.entrypoint, 'CREATE', desired, options({ timeScale: -1 }))).rejects.toThrow(
      RangeError,
    );
    expect(fake.requests).toHaveLength(0);
  });

  it('fails with lambda-timeout when an invocation outlasts the Lambda timeout', async () => {
    const hanging = scriptedEntrypoint([() => new Promise(() => undefined)]);
    const opts = options({ lambdaTimeoutMs: 5, now: () => performance.now() });

    const error = await runAction(hanging.entrypoint, 'CREATE', desired, opts).catch((e: unknown) => e);

    expect((error as DriverError).code).toBe('lambda-timeout');
    expect(opts.lines).toEqual([
      expect.stringMatching(/^Test::Driver::Thing CREATE #1 LAMBDA-TIMEOUT in \d+ms/),
    ]);
  });

  it('fails with operation-timeout when an invocation outlasts what is left of the budget', async () => {
    const hanging = scriptedEntrypoint([() => new Promise(() => undefined)]);
    const opts = options({ timeoutMs: 5, now: () => performance.now() });
    const error = await runAction(hanging.entrypoint, 'UPDATE', desired, opts).catch((e: unknown) => e);
    expect((error as DriverError).code).toBe('operation-timeout');
  });

  it('reports an entrypoint that throws as entrypoint-threw with the cause', async () => {
    const cause = new Error('boom');
    const fake = scriptedEntrypoint([
      () => {
        throw cause;
      },
    ]);
    const error = await runAction(fake.entrypoint, 'READ', created, options()).catch((e: unknown) => e);
    expect((error as DriverError).code).toBe('entrypoint-threw');
    expect((error as DriverError).cause).toBe(cause);
  });
});

describe('runAction contract checks', () => {
  it('throws the ContractViolation of a non-compliant response and does not re-invoke', async () => {
    const fake = scriptedEntrypoint([inProgress(1, { Name: 'no id yet' }), success(created)]);
    const opts = options();

    const error = await runAction(fake.entrypoint, 'CREATE', desired, opts).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ContractViolation);
    expect((error as ContractViolation).rule).toBe('in-progress-has-primary-identifier');
    expect(fake.requests).toHaveLength(1);
    expect(opts.lines).toEqual([
      'Test::Driver::Thing CREATE #1 CONTRACT VIOLATION [in-progress-has-primary-identifier] in 0ms (elapsed 0ms)',
    ]);
  });

  it('rejects READ returning IN_PROGRESS', async () => {
    const fake = scriptedEntrypoint([inProgress(1), success(created)]);
    const error = await runAction(fake.entrypoint, 'READ', created, options()).catch((e: unknown) => e);
    expect((error as ContractViolation).rule).toBe('read-list-synchronous');
    expect(fake.requests).toHaveLength(1);
  });

  it('skips contract rules but not shape rules when checkContract is false', async () => {
    const lenient = options({ checkContract: false });
    const withErrorCode = { ...success(created), errorCode: 'NotFound' };
    const result = await runAction(constantEntrypoint(withErrorCode).entrypoint, 'CREATE', desired, lenient);
    expect(result.final.errorCode).toBe('NotFound');

    const error = await runAction(
      constantEntrypoint({ status: 'DONE' }).entrypoint,
      'CREATE',
      desired,
      lenient,
    ).catch((e: unknown) => e);
    expect((error as ContractViolation).rule).toBe('status-valid');
  });

  it('accepts error codes from an explicit allow-list', async () => {
    const fake = constantEntrypoint(failed('NonCompliant', 'hook says no'));
    const result = await runAction(
      fake.entrypoint,
      'CREATE',
      desired,
      options({ allowedErrorCodes: ['NonCompliant'] }),
    );
    expect(result.final.errorCode).toBe('NonCompliant');
  });
});

describe('runAction Lambda context', () => {
  it('counts getRemainingTimeInMillis down from the Lambda timeout, restarting per invocation', async () => {
    const time = fakeTime();
    const remaining: number[] = [];
    const step =
      (response: object) =>
      (_request: HandlerRequestPayload, context: { getRemainingTimeInMillis(): number }) => {
        remaining.push(context.getRemainingTimeInMillis());
        time.advance(1_500);
        remaining.push(context.getRemainingTimeInMillis());
        return response;
      };
    const fake = scriptedEntrypoint([step(inProgress(2)), step(success(created))]);

    await runAction(fake.entrypoint, 'CREATE', desired, {
      ...options({ now: time.now, sleep: time.sleep }),
      lambdaTimeoutMs: 30_000,
    });

    expect(remaining).toEqual([30_000, 28_500, 30_000, 28_500]);
    const [first, second] = fake.contexts;
    expect(first.awsRequestId).toMatch(UUID);
    expect(second.awsRequestId).not.toBe(first.awsRequestId);
    expect(first.functionName).toBe('test-driver-thing-handler');
    expect(first.invokedFunctionArn).toBe(
      'arn:aws:lambda:us-east-1:123456789012:function:test-driver-thing-handler',
    );
    expect(first.memoryLimitInMB).toBeGreaterThan(0);
  });

  it('defaults the Lambda timeout to 60 seconds', async () => {
    const fake = scriptedEntrypoint([
      (_request: HandlerRequestPayload, context: { getRemainingTimeInMillis(): number }) =>
        success({ ...created, Remaining: context.getRemainingTimeInMillis() }),
    ]);
    const result = await runAction(fake.entrypoint, 'CREATE', desired, options());
    expect(result.final.resourceModel?.Remaining).toBe(60_000);
  });
});

describe('runAction progress log', () => {
  it('writes one line per invocation with action, status, timings, delay asked and error code', async () => {
    const time = fakeTime();
    const timed = (ms: number, response: object) => () => {
      time.advance(ms);
      return response;
    };
    const fake = scriptedEntrypoint([
      timed(12, inProgress(5)),
      timed(8, inProgress(0)),
      timed(3, failed('NotStabilized', 'The assignment\nnever stabilized')),
    ]);
    const opts = options({
      now: time.now,
      sleep: time.sleep,
      timeScale: 0.1,
      logPrefix: 'Test::Fake::Thing',
    });

    await runAction(fake.entrypoint, 'CREATE', desired, opts);

    expect(opts.lines).toEqual([
      'Test::Fake::Thing CREATE #1 IN_PROGRESS callbackDelaySeconds=5 in 12ms (elapsed 12ms)',
      'Test::Fake::Thing CREATE #2 IN_PROGRESS callbackDelaySeconds=0 in 8ms (elapsed 520ms)',
      'Test::Fake::Thing CREATE #3 FAILED NotStabilized: The assignment never stabilized in 3ms (elapsed 523ms)',
    ]);
  });

  it('never prints credentials or the bearer token, even when a handler echoes them', async () => {
    const credentials = {
      accessKeyId: 'ASIAUNIQUEKEYID00001',
      secretAccessKey: 'unique/secret+access+key/000000000000000',
      sessionToken: 'unique-session-token-value',
    };
    const rotated = {
      accessKeyId: 'ASIAROTATEDKEY000002',
      secretAccessKey: 'rotated-secret',
      sessionToken: 'rotated-token',
    };
    const leaky = (request: HandlerRequestPayload) =>
      failed(
        'AccessDenied',
        `denied for ${JSON.stringify(request.requestData.callerCredentials)} token ${request.bearerToken}`,
      );
    const fake = scriptedEntrypoint([inProgress(1), leaky]);
    const opts = options({ callerCredentials: credentials, refreshCredentials: () => rotated });

    await runAction(fake.entrypoint, 'CREATE', desired, opts);

    const output = opts.lines.join('\n');
    expect(opts.lines).toHaveLength(2);
    expect(output).toContain('AccessDenied');
    expect(output).toContain('<redacted>');
    const secrets = [...Object.values(credentials), ...Object.values(rotated), fake.requests[0].bearerToken];
    for (const secret of secrets) expect(output).not.toContain(secret);
  });

  it('logs through console.log by default', async () => {
    const spy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const { log: _unused, ...withoutLog } = options();
      await runAction(constantEntrypoint(success()).entrypoint, 'DELETE', created, withoutLog);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(spy.mock.calls[0][0]).toMatch(/^Test::Driver::Thing DELETE #1 SUCCESS/);
    } finally {
      spy.mockRestore();
    }
  });
});

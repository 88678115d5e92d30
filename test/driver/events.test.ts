import {
  adaptTestEntrypoint,
  buildTestEvent,
  detectEventFormat,
  EventFormatError,
  handlerRequestToTestEvent,
  parseHandlerRequest,
  parseTestEvent,
  testEventToHandlerRequest,
  toHandlerRequest,
} from '../../dev/driver/events';
import {
  buildHandlerRequest,
  buildReinvocationRequest,
  DEFAULT_ACCOUNT_ID,
  DEFAULT_CALLER_CREDENTIALS,
  DEFAULT_REGION,
  redactCredentials,
  secretsOf,
} from '../../dev/driver/request';
import type { HandlerRequestPayload, LambdaContextLike, TestEventPayload } from '../../dev/driver/types';

// Any type name: the driver passes it through without looking it up.
const TYPE_NAME = 'Test::Fake::Thing';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const properties = {
  InstanceArn: 'arn:aws:sso:::instance/ssoins-1111111111111111',
  TargetId: '111111111111',
};
const credentials = { accessKeyId: 'ASIAKEY', secretAccessKey: 'secret', sessionToken: 'session' };

describe('buildHandlerRequest', () => {
  it('builds the request CloudFormation sends, with realistic defaults', () => {
    const request = buildHandlerRequest({ typeName: TYPE_NAME }, { action: 'CREATE', properties });

    expect(request).toEqual({
      action: 'CREATE',
      awsAccountId: DEFAULT_ACCOUNT_ID,
      bearerToken: expect.stringMatching(UUID),
      region: DEFAULT_REGION,
      resourceType: TYPE_NAME,
      resourceTypeVersion: '00000001',
      stackId: expect.stringMatching(
        /^arn:aws:cloudformation:us-east-1:123456789012:stack\/driver-stack\/[0-9a-f-]{36}$/,
      ),
      requestData: {
        callerCredentials: DEFAULT_CALLER_CREDENTIALS,
        logicalResourceId: 'DriverResource',
        resourceProperties: properties,
      },
    });
    expect(DEFAULT_CALLER_CREDENTIALS.accessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(DEFAULT_CALLER_CREDENTIALS.secretAccessKey).toHaveLength(40);
  });

  it('applies configured region, account, credentials and optional request data', () => {
    const request = buildHandlerRequest(
      {
        typeName: TYPE_NAME,
        region: 'eu-west-1',
        awsAccountId: '222222222222',
        callerCredentials: credentials,
        logicalResourceId: 'Assignment1',
        stackTags: { team: 'a' },
        systemTags: { 'aws:cloudformation:stack-name': 's' },
      },
      {
        action: 'UPDATE',
        properties,
        previousProperties: { ...properties, TargetId: '222222222222' },
        callbackContext: { step: 2 },
        nextToken: 'page-2',
      },
    );

    expect(request.region).toBe('eu-west-1');
    expect(request.awsAccountId).toBe('222222222222');
    expect(request.stackId).toMatch(/^arn:aws:cloudformation:eu-west-1:222222222222:stack\//);
    expect(request.requestData).toEqual({
      callerCredentials: credentials,
      logicalResourceId: 'Assignment1',
      resourceProperties: properties,
      previousResourceProperties: { ...properties, TargetId: '222222222222' },
      stackTags: { team: 'a' },
      systemTags: { 'aws:cloudformation:stack-name': 's' },
    });
    expect(request.callbackContext).toEqual({ step: 2 });
    expect(request.nextToken).toBe('page-2');
  });

  it('copies inputs so later changes do not leak into the request', () => {
    const input = { ...properties };
    const request = buildHandlerRequest({ typeName: TYPE_NAME }, { action: 'CREATE', properties: input });
    input.TargetId = 'changed';
    expect(request.requestData.resourceProperties.TargetId).toBe('111111111111');
  });

  it('builds a re-invocation with the same token, the returned model and context', () => {
    const first = buildHandlerRequest({ typeName: TYPE_NAME }, { action: 'DELETE', properties });
    const next = buildReinvocationRequest(first, {
      status: 'IN_PROGRESS',
      message: '',
      callbackDelaySeconds: 1,
      resourceModel: { ...properties, Extra: 1 },
      callbackContext: { requestId: 'r' },
    });
    expect(next.bearerToken).toBe(first.bearerToken);
    expect(next.requestData.resourceProperties).toEqual({ ...properties, Extra: 1 });
    expect(next.callbackContext).toEqual({ requestId: 'r' });
    expect(first.callbackContext).toBeUndefined();
  });

  it('lists secrets and redacts credentials', () => {
    const request = buildHandlerRequest(
      {
        typeName: TYPE_NAME,
        callerCredentials: credentials,
        providerCredentials: { ...credentials, sessionToken: 'p' },
      },
      { action: 'READ', properties, bearerToken: 'token-1' },
    );
    expect(secretsOf(request).sort()).toEqual(
      ['ASIAKEY', 'ASIAKEY', 'p', 'secret', 'secret', 'session', 'token-1'].sort(),
    );
    const redacted = redactCredentials(request);
    for (const value of Object.values(credentials))
      expect(JSON.stringify(redacted)).not.toContain(`"${value}"`);
    expect(redacted.bearerToken).toBe('token-1');
    expect(request.requestData.callerCredentials).toEqual(credentials);
  });
});

describe('detectEventFormat', () => {
  const handlerRequest = buildHandlerRequest({ typeName: TYPE_NAME }, { action: 'CREATE', properties });
  const testEvent = buildTestEvent({ action: 'CREATE', properties });

  it('recognises both formats', () => {
    expect(detectEventFormat(handlerRequest)).toBe('handler-request');
    expect(detectEventFormat(testEvent)).toBe('test-event');
  });

  it.each([
    ['a non-object', [1, 2], 'JSON object'],
    ['neither format', { action: 'CREATE' }, 'Unknown event format'],
    ['both formats', { ...handlerRequest, ...testEvent }, 'Ambiguous'],
  ])('rejects %s', (_label, json, message) => {
    expect(() => detectEventFormat(json)).toThrow(EventFormatError);
    expect(() => detectEventFormat(json)).toThrow(message);
  });
});

describe('TestEvent', () => {
  it('builds the sam-tests format with region and account on the request too', () => {
    expect(buildTestEvent({ action: 'READ', properties, credentials, clientRequestToken: 't-1' })).toEqual({
      credentials,
      action: 'READ',
      request: {
        clientRequestToken: 't-1',
        desiredResourceState: properties,
        logicalResourceIdentifier: 'DriverResource',
        region: DEFAULT_REGION,
        awsAccountId: DEFAULT_ACCOUNT_ID,
      },
      callbackContext: null,
      region: DEFAULT_REGION,
    });
  });

  it('converts a HandlerRequest to the TestEvent the lib maps the same way, and back', () => {
    const request = buildHandlerRequest(
      {
        typeName: TYPE_NAME,
        region: 'eu-west-1',
        awsAccountId: '222222222222',
        callerCredentials: credentials,
        logicalResourceId: 'Assignment1',
        stackTags: { team: 'a' },
        stackId: 'arn:aws:cloudformation:eu-west-1:222222222222:stack/s/1',
      },
      {
        action: 'UPDATE',
        properties,
        previousProperties: { TargetId: '1' },
        bearerToken: 'token-1',
        callbackContext: { step: 1 },
      },
    );

    const event = handlerRequestToTestEvent(request);

    expect(event).toEqual({
      credentials,
      action: 'UPDATE',
      request: {
        clientRequestToken: 'token-1',
        desiredResourceState: properties,
        previousResourceState: { TargetId: '1' },
        logicalResourceIdentifier: 'Assignment1',
        region: 'eu-west-1',
        awsAccountId: '222222222222',
        desiredResourceTags: { team: 'a' },
      },
      callbackContext: { step: 1 },
      region: 'eu-west-1',
    });
    const back = testEventToHandlerRequest(event, {
      typeName: TYPE_NAME,
      stackId: 'arn:aws:cloudformation:eu-west-1:222222222222:stack/s/1',
    });
    expect(back).toEqual(request);
  });

  it('parses a sam-tests file with empty credentials and a null callbackContext', () => {
    const file = {
      credentials: { accessKeyId: '', secretAccessKey: '', sessionToken: '' },
      action: 'DELETE',
      request: {
        clientRequestToken: 'c-1',
        desiredResourceState: properties,
        logicalResourceIdentifier: 'R',
      },
      callbackContext: null,
    };
    const event: TestEventPayload = parseTestEvent(file);
    expect(event).toEqual({ ...file, request: { ...file.request } });

    const request = toHandlerRequest(file, { typeName: TYPE_NAME });
    expect(request.action).toBe('DELETE');
    expect(request.bearerToken).toBe('c-1');
    expect(request.region).toBe(DEFAULT_REGION);
    expect(request.requestData.logicalResourceId).toBe('R');
    expect(request.requestData.resourceProperties).toEqual(properties);
    expect(request).not.toHaveProperty('callbackContext');
  });

  it('rejects a TestEvent without credentials fields, naming the field', () => {
    expect(() => parseTestEvent({ credentials: {}, action: 'CREATE', request: {} })).toThrow(
      /Invalid TestEvent: .*accessKeyId/,
    );
    expect(() => parseTestEvent({ credentials, action: 'PATCH', request: {} })).toThrow(/action/);
  });
});

describe('parseHandlerRequest', () => {
  it('accepts the nulls `cfn test` writes and fills what it omits from defaults', () => {
    const cfnCliStyle = {
      requestData: {
        callerCredentials: credentials,
        resourceProperties: properties,
        previousResourceProperties: null,
        logicalResourceId: 'token-1',
        typeConfiguration: null,
      },
      region: 'us-west-2',
      awsAccountId: '333333333333',
      action: 'READ',
      callbackContext: null,
      bearerToken: 'token-1',
      resourceType: TYPE_NAME,
    };

    const request = parseHandlerRequest(cfnCliStyle, { typeName: 'Other::Type', stackId: 'arn:stack' });

    const expected: HandlerRequestPayload = {
      action: 'READ',
      awsAccountId: '333333333333',
      bearerToken: 'token-1',
      region: 'us-west-2',
      resourceType: TYPE_NAME,
      resourceTypeVersion: '00000001',
      stackId: 'arn:stack',
      requestData: {
        callerCredentials: credentials,
        logicalResourceId: 'token-1',
        resourceProperties: properties,
      },
    };
    expect(request).toEqual(expected);
  });

  it('round-trips a built request unchanged', () => {
    const built = buildHandlerRequest(
      { typeName: TYPE_NAME, callerCredentials: credentials },
      {
        action: 'LIST',
        properties: { InstanceArn: properties.InstanceArn },
        nextToken: 'n',
        callbackContext: { a: 1 },
      },
    );
    expect(toHandlerRequest(JSON.parse(JSON.stringify(built)), { typeName: 'Ignored::Type' })).toEqual(built);
  });

  it('rejects a request the lib could not deserialize, naming the field', () => {
    const { awsAccountId: _omitted, ...withoutAccount } = buildHandlerRequest(
      { typeName: TYPE_NAME },
      { action: 'CREATE', properties },
    );
    expect(() => parseHandlerRequest(withoutAccount, { typeName: TYPE_NAME })).toThrow(
      /Invalid HandlerRequest: .*awsAccountId/,
    );
  });
});

describe('adaptTestEntrypoint', () => {
  it('hands the testEntrypoint the converted TestEvent and the context', async () => {
    const received: TestEventPayload[] = [];
    const adapted = adaptTestEntrypoint(async (event) => {
      received.push(event);
      return { status: 'SUCCESS', message: '', callbackDelaySeconds: 0 };
    });
    const request = buildHandlerRequest(
      { typeName: TYPE_NAME },
      { action: 'DELETE', properties, bearerToken: 'b' },
    );
    const context = { awsRequestId: 'x' } as LambdaContextLike;

    await expect(adapted(request, context)).resolves.toEqual({
      status: 'SUCCESS',
      message: '',
      callbackDelaySeconds: 0,
    });
    expect(received).toEqual([handlerRequestToTestEvent(request)]);
  });
});

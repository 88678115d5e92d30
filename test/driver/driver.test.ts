import { Driver } from '../../dev/driver/driver';
import { buildTestEvent } from '../../dev/driver/events';
import { DriverError } from '../../dev/driver/run';
import type { HandlerRequestPayload } from '../../dev/driver/types';
import { fakeTime, scriptedEntrypoint, type ScriptStep } from './fakes';

const TYPE_NAME = 'Test::Driver::Thing';
const model = { Name: 'thing', Id: 'thing-1' };
const success = (extra: object = {}) => ({
  status: 'SUCCESS',
  message: '',
  callbackDelaySeconds: 0,
  ...extra,
});

function driverFor(steps: readonly ScriptStep[]) {
  const fake = scriptedEntrypoint(steps);
  const time = fakeTime();
  const lines: string[] = [];
  const driver = new Driver({
    entrypoint: fake.entrypoint,
    typeName: TYPE_NAME,
    primaryIdentifier: ['/properties/Id'],
    timeScale: 0.5,
    log: (line) => lines.push(line),
    now: time.now,
    sleep: time.sleep,
  });
  return { driver, fake, lines, slept: time.slept };
}

describe('Driver', () => {
  it('runs create, read, update, delete and list as separate operations on one stack', async () => {
    const { driver, fake, lines, slept } = driverFor([
      { status: 'IN_PROGRESS', message: '', callbackDelaySeconds: 4, resourceModel: model },
      success({ resourceModel: model }),
      success({ resourceModel: model }),
      success({ resourceModel: { ...model, Name: 'renamed' } }),
      success(),
      success({ resourceModels: [model] }),
    ]);

    const created = await driver.create({ Name: 'thing' });
    const read = await driver.read(model);
    const updated = await driver.update({ ...model, Name: 'renamed' }, model);
    const deleted = await driver.del(model);
    const listed = await driver.list({});

    expect(created.invocations).toHaveLength(2);
    expect(slept).toEqual([2_000]);
    expect(read.final.resourceModel).toEqual(model);
    expect(updated.final.resourceModel).toEqual({ ...model, Name: 'renamed' });
    expect(deleted.final.resourceModel).toBeUndefined();
    expect(listed.final.resourceModels).toEqual([model]);

    expect(fake.requests.map((r) => r.action)).toEqual([
      'CREATE',
      'CREATE',
      'READ',
      'UPDATE',
      'DELETE',
      'LIST',
    ]);
    expect(fake.requests[3].requestData.previousResourceProperties).toEqual(model);
    expect(fake.requests[4].requestData.resourceProperties).toEqual(model);
    expect(new Set(fake.requests.map((r) => r.stackId))).toEqual(new Set([driver.stackId]));
    expect(driver.stackId).toMatch(/^arn:aws:cloudformation:us-east-1:123456789012:stack\/driver-stack\//);
    // One token per operation: the two CREATE invocations share one.
    expect(new Set(fake.requests.map((r) => r.bearerToken)).size).toBe(5);
    expect(lines.map((line) => line.split(' ').slice(0, 4).join(' '))).toEqual([
      `${TYPE_NAME} CREATE #1 IN_PROGRESS`,
      `${TYPE_NAME} CREATE #2 SUCCESS`,
      `${TYPE_NAME} READ #1 SUCCESS`,
      `${TYPE_NAME} UPDATE #1 SUCCESS`,
      `${TYPE_NAME} DELETE #1 SUCCESS`,
      `${TYPE_NAME} LIST #1 SUCCESS`,
    ]);
  });

  it('lets one call override driver options', async () => {
    const { driver, fake } = driverFor([success({ resourceModel: model })]);
    await driver.read(model, { region: 'eu-central-1', awsAccountId: '444444444444' });
    expect(fake.requests[0].region).toBe('eu-central-1');
    expect(fake.requests[0].awsAccountId).toBe('444444444444');
  });

  it('follows LIST pages through nextToken', async () => {
    const other = { Name: 'other', Id: 'thing-2' };
    const { driver, fake } = driverFor([
      success({ resourceModels: [model], nextToken: 'page-2' }),
      success({ resourceModels: [other], nextToken: 'page-3' }),
      success({ resourceModels: [] }),
    ]);

    const result = await driver.listAll({ Filter: 'x' });

    expect(result.models).toEqual([model, other]);
    expect(result.pages).toHaveLength(3);
    expect(result.final.status).toBe('SUCCESS');
    expect(fake.requests.map((r: HandlerRequestPayload) => r.nextToken)).toEqual([
      undefined,
      'page-2',
      'page-3',
    ]);
    expect(fake.requests.every((r) => r.requestData.resourceProperties.Filter === 'x')).toBe(true);
  });

  it('stops LIST paging at a failed page', async () => {
    const { driver } = driverFor([
      success({ resourceModels: [model], nextToken: 'page-2' }),
      { status: 'FAILED', errorCode: 'Throttling', message: 'slow down', callbackDelaySeconds: 0 },
    ]);
    const result = await driver.listAll({});
    expect(result.final.errorCode).toBe('Throttling');
    expect(result.models).toEqual([model]);
  });

  it('fails when LIST returns the same nextToken twice', async () => {
    const page = success({ resourceModels: [model], nextToken: 'same' });
    const { driver } = driverFor([page, page, page]);
    const error = await driver.listAll({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriverError);
    expect((error as DriverError).code).toBe('list-pagination');
  });

  it('fails when LIST pages exceed maxPages', async () => {
    const { driver } = driverFor([
      success({ resourceModels: [], nextToken: 'a' }),
      success({ resourceModels: [], nextToken: 'b' }),
    ]);
    const error = await driver.listAll({}, { maxPages: 2 }).catch((e: unknown) => e);
    expect((error as DriverError).code).toBe('list-pagination');
  });

  it('replays a TestEvent file with its own token, credentials and callbackContext', async () => {
    const { driver, fake } = driverFor([
      {
        status: 'IN_PROGRESS',
        message: '',
        callbackDelaySeconds: 1,
        resourceModel: model,
        callbackContext: { n: 2 },
      },
      success({ resourceModel: model }),
    ]);
    const credentials = { accessKeyId: 'ASIAREPLAY', secretAccessKey: 's', sessionToken: 't' };
    const event = buildTestEvent({
      action: 'CREATE',
      properties: { Name: 'thing' },
      credentials,
      clientRequestToken: 'replayed-token',
      callbackContext: { n: 1 },
      region: 'ap-southeast-2',
    });

    const result = await driver.runEvent(JSON.parse(JSON.stringify(event)));

    expect(result.final.status).toBe('SUCCESS');
    expect(fake.requests.map((r) => r.bearerToken)).toEqual(['replayed-token', 'replayed-token']);
    expect(fake.requests.map((r) => r.callbackContext)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(fake.requests[0].requestData.callerCredentials).toEqual(credentials);
    expect(fake.requests[0].region).toBe('ap-southeast-2');
    expect(fake.requests[0].resourceType).toBe(TYPE_NAME);
    expect(fake.requests[0].stackId).toBe(driver.stackId);
  });
});

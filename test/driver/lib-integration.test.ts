// The driver against the real runtime lib: a tiny BaseResource whose handlers see exactly what the lib
// builds from the driver's HandlerRequest (proves the payload shapes are the ones the lib deserializes).
import {
  Action,
  BaseModel,
  BaseResource,
  exceptions,
  OperationStatus,
  ProgressEvent,
  type ResourceHandlerRequest,
} from '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib';
import * as libUtils from '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib/dist/utils';
import { Expose } from 'class-transformer';
import { Driver } from '../../dev/driver/driver';
import { adaptTestEntrypoint } from '../../dev/driver/events';
import type { LambdaContextLike } from '../../dev/driver/types';

class ThingModel extends BaseModel {
  public static override readonly TYPE_NAME: string = 'Test::Driver::Thing';

  @Expose({ name: 'Id' })
  id?: string;

  @Expose({ name: 'Name' })
  name?: string;
}

type Seen = {
  action: Action;
  clientRequestToken: string;
  desired: Record<string, unknown>;
  callbackContext: Record<string, unknown>;
  region: string;
  awsAccountId: string;
  logicalResourceIdentifier?: string;
};

function thingResource(seen: Seen[], listTokens: (string | undefined)[] = []) {
  const resource = new (class extends BaseResource<ThingModel> {})(ThingModel.TYPE_NAME, ThingModel);
  const record = (
    action: Action,
    request: ResourceHandlerRequest<ThingModel>,
    callbackContext: Record<string, unknown>,
  ) =>
    seen.push({
      action,
      clientRequestToken: request.clientRequestToken,
      desired: request.desiredResourceState?.serialize() ?? {},
      callbackContext: { ...callbackContext },
      region: request.region,
      awsAccountId: request.awsAccountId,
      logicalResourceIdentifier: request.logicalResourceIdentifier,
    });
  resource.addHandler(Action.Create, async (_session, request, callbackContext) => {
    record(Action.Create, request, callbackContext);
    const model = new ThingModel({ ...request.desiredResourceState, id: 'thing-1' });
    return callbackContext.stage === 'requested'
      ? ProgressEvent.success<ProgressEvent<ThingModel>>(model)
      : ProgressEvent.progress<ProgressEvent<ThingModel>>(model, { stage: 'requested' });
  });
  resource.addHandler(Action.Read, async (_session, request, callbackContext) => {
    record(Action.Read, request, callbackContext);
    if (request.desiredResourceState?.id !== 'thing-1')
      throw new exceptions.NotFound(ThingModel.TYPE_NAME, 'x');
    return ProgressEvent.success<ProgressEvent<ThingModel>>(request.desiredResourceState);
  });
  resource.addHandler(Action.Delete, async (_session, request, callbackContext) => {
    record(Action.Delete, request, callbackContext);
    return ProgressEvent.success<ProgressEvent<ThingModel>>();
  });
  // Three things, one per page: the request's nextToken is the index of the next one.
  resource.addHandler(Action.List, async (_session, request) => {
    listTokens.push(request.nextToken);
    const index = Number(request.nextToken ?? '0');
    const page = ProgressEvent.builder<ProgressEvent<ThingModel>>()
      .status(OperationStatus.Success)
      .resourceModels([new ThingModel({ id: `thing-${index}` })]);
    if (index < 2) page.nextToken(String(index + 1));
    return page.build();
  });
  return resource;
}

describe('driver with the runtime lib', () => {
  beforeEach(() => {
    // The lib waits 1 s per invocation for log delivery (resource.js waitRunningProcesses -> delay(1)) and
    // logs through console.log; neither matters here.
    jest.spyOn(libUtils, 'delay').mockResolvedValue(undefined);
    jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  const driverOptions = {
    typeName: ThingModel.TYPE_NAME,
    primaryIdentifier: ['/properties/Id'],
    timeScale: 0,
    log: () => undefined,
    region: 'eu-west-1',
    awsAccountId: '222222222222',
    logicalResourceId: 'Thing1',
  };

  it('drives the lib entrypoint through IN_PROGRESS to SUCCESS, then READ and DELETE', async () => {
    const seen: Seen[] = [];
    const resource = thingResource(seen);
    const driver = new Driver({
      ...driverOptions,
      entrypoint: (event, context) => resource.entrypoint(event, context),
    });

    const created = await driver.create({ Name: 'thing' });
    const read = await driver.read(created.final.resourceModel ?? {});
    const missing = await driver.read({ Id: 'thing-2', Name: 'thing' });
    const deleted = await driver.del({ Id: 'thing-1', Name: 'thing' });

    expect(created.final).toEqual({
      status: 'SUCCESS',
      message: '',
      callbackDelaySeconds: 0,
      resourceModel: { Id: 'thing-1', Name: 'thing' },
    });
    expect(created.invocations.map((i) => i.response.status)).toEqual(['IN_PROGRESS', 'SUCCESS']);
    expect(read.final.resourceModel).toEqual({ Id: 'thing-1', Name: 'thing' });
    expect(missing.final.status).toBe('FAILED');
    expect(missing.final.errorCode).toBe('NotFound');
    expect(deleted.final).toEqual({ status: 'SUCCESS', message: '', callbackDelaySeconds: 0 });

    const [firstCreate, secondCreate] = seen;
    expect(firstCreate).toEqual({
      action: Action.Create,
      clientRequestToken: created.invocations[0].request.bearerToken,
      desired: { Name: 'thing' },
      callbackContext: {},
      region: 'eu-west-1',
      awsAccountId: '222222222222',
      logicalResourceIdentifier: 'Thing1',
    });
    expect(secondCreate.clientRequestToken).toBe(firstCreate.clientRequestToken);
    expect(secondCreate.desired).toEqual({ Id: 'thing-1', Name: 'thing' });
    expect(secondCreate.callbackContext).toEqual({ stage: 'requested' });
  });

  it('drives the lib testEntrypoint through the TestEvent adapter', async () => {
    const seen: Seen[] = [];
    const resource = thingResource(seen);
    const driver = new Driver({
      ...driverOptions,
      entrypoint: adaptTestEntrypoint((event, context: LambdaContextLike) =>
        resource.testEntrypoint(event, context),
      ),
    });

    const created = await driver.create({ Name: 'thing' });

    expect(created.final.resourceModel).toEqual({ Id: 'thing-1', Name: 'thing' });
    expect(seen.map((s) => s.callbackContext)).toEqual([{}, { stage: 'requested' }]);
    expect(seen.map((s) => s.region)).toEqual(['eu-west-1', 'eu-west-1']);
    expect(new Set(seen.map((s) => s.clientRequestToken)).size).toBe(1);
  });
  it.each([
    ['entrypoint', (resource: ReturnType<typeof thingResource>) => resource.entrypoint],
    [
      'testEntrypoint',
      (resource: ReturnType<typeof thingResource>) =>
        adaptTestEntrypoint((event, context: LambdaContextLike) => resource.testEntrypoint(event, context)),
    ],
  ])(
    "listAll hands each page's nextToken to the handler through the lib's %s",
    async (_name, entrypointOf) => {
      const listTokens: (string | undefined)[] = [];
      const resource = thingResource([], listTokens);
      const driver = new Driver({ ...driverOptions, entrypoint: entrypointOf(resource) });
      const listed = await driver.listAll({});
      expect(listed.models).toEqual([{ Id: 'thing-0' }, { Id: 'thing-1' }, { Id: 'thing-2' }]);
      expect(listTokens).toEqual([undefined, '1', '2']);
    },
  );
});

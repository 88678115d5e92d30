import { DEFAULT_WORLD } from '../../dev/emulator';
import { entrypoint } from '../../src/application-assignment/handlers';
import { asProgress, handlerRequest, LAMBDA_CONTEXT, ProgressPayload } from '../support/handler-request';
import { useHandlerEmulator } from '../support/emulator';

const TYPE_NAME = 'AWS::SSO::ApplicationAssignment';
const [GRAFANA] = DEFAULT_WORLD.applications;
const DEVELOPERS = DEFAULT_WORLD.groups[1];
const MODEL = { ApplicationArn: GRAFANA.arn, PrincipalId: DEVELOPERS.id, PrincipalType: 'GROUP' };

const emulator = useHandlerEmulator({ requestsPerSecond: Infinity });

beforeEach(() => {
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(() => {
  jest.restoreAllMocks();
});

async function invoke(
  action: 'CREATE' | 'READ' | 'DELETE' | 'LIST',
  properties: unknown,
): Promise<ProgressPayload> {
  const request = handlerRequest(action, properties, { resourceType: TYPE_NAME });
  return asProgress(await entrypoint(request, LAMBDA_CONTEXT));
}

/** Plays CloudFormation: re-invokes with the returned callback context while the answer is IN_PROGRESS. */
async function untilDone(action: 'CREATE' | 'DELETE', properties: unknown): Promise<ProgressPayload> {
  let callbackContext: Record<string, unknown> | undefined;
  for (let invocation = 0; invocation < 10; invocation += 1) {
    const request = handlerRequest(action, properties, { resourceType: TYPE_NAME, callbackContext });
    const response = asProgress(await entrypoint(request, LAMBDA_CONTEXT));
    if (response.status !== 'IN_PROGRESS') return response;
    callbackContext = response.callbackContext;
  }
  throw new Error(`${action} was still IN_PROGRESS after 10 invocations`);
}

function operations(): string[] {
  return emulator()
    .calls()
    .map((call) => `${call.operation}:${call.outcome}`);
}

test('CREATE → READ → LIST → DELETE → READ through the production entrypoint against the emulator', async () => {
  const created = await untilDone('CREATE', MODEL);
  expect(created).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });
  expect(operations()).toEqual([
    'DescribeApplicationAssignment:ResourceNotFoundException',
    'CreateApplicationAssignment:ok',
    'DescribeApplicationAssignment:ok',
  ]);
  expect(emulator().state.applicationAssignments()).toHaveLength(1);

  expect(await untilDone('CREATE', MODEL)).toMatchObject({ status: 'FAILED', errorCode: 'AlreadyExists' });

  expect(await invoke('READ', MODEL)).toMatchObject({ status: 'SUCCESS', resourceModel: MODEL });

  const listed = await invoke('LIST', { ApplicationArn: GRAFANA.arn });
  expect(listed).toMatchObject({ status: 'SUCCESS', resourceModels: [MODEL] });

  emulator().clearCalls();
  const deleted = await untilDone('DELETE', MODEL);
  expect(deleted.status).toBe('SUCCESS');
  expect(deleted.resourceModel).toBeUndefined();
  expect(operations()).toEqual([
    'DescribeApplicationAssignment:ok',
    'DeleteApplicationAssignment:ok',
    'DescribeApplicationAssignment:ResourceNotFoundException',
  ]);
  expect(emulator().state.applicationAssignments()).toEqual([]);

  const gone = await invoke('READ', MODEL);
  expect(gone).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
  expect(await untilDone('DELETE', MODEL)).toMatchObject({ status: 'FAILED', errorCode: 'NotFound' });
});

test("LIST returns every assignment of the application and none of another application's", async () => {
  const [, CRM] = DEFAULT_WORLD.applications;
  const grafanaModels = [
    ...DEFAULT_WORLD.users.map((user) => ({
      ApplicationArn: GRAFANA.arn,
      PrincipalId: user.id,
      PrincipalType: 'USER',
    })),
    ...DEFAULT_WORLD.groups.map((group) => ({
      ApplicationArn: GRAFANA.arn,
      PrincipalId: group.id,
      PrincipalType: 'GROUP',
    })),
  ];
  const crmModel = { ...MODEL, ApplicationArn: CRM.arn };
  for (const model of [...grafanaModels, crmModel]) {
    expect((await untilDone('CREATE', model)).status).toBe('SUCCESS');
  }
  const listed = await invoke('LIST', { ApplicationArn: GRAFANA.arn });
  expect(listed).toMatchObject({ status: 'SUCCESS' });
  expect(listed.resourceModels).toEqual(grafanaModels);
});

test('an application that does not exist fails CREATE without creating anything', async () => {
  const missing = { ...MODEL, ApplicationArn: GRAFANA.arn.replace(/apl-\w+$/, 'apl-0000000000000000') };
  const response = await untilDone('CREATE', missing);
  expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
  expect(emulator().state.applicationAssignments()).toEqual([]);
});

// useHandlerEmulator({ stateTable: true }): the group's handler tests run against SSO Admin and a real (dynalite)
// state table, each test starting from an empty table.
import {
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { ListInstancesCommand, SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { DEFAULT_WORLD } from '../../dev/emulator';
import { STATE_TABLE } from '../../dev/types';
import { useHandlerEmulator } from '../support/emulator';

const emulator = useHandlerEmulator({ stateTable: true });
const CLIENT_CONFIG = {
  region: DEFAULT_WORLD.region,
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'x' },
};
const KEY = { [STATE_TABLE.partitionKey]: { S: 'platform-team' } };

test('the SDK reaches SSO Admin and the default state table from the endpoint settings alone', async () => {
  expect(process.env.AWS_ENDPOINT_URL_DYNAMODB).toBe(emulator.stateTable().endpoint);
  expect(emulator.stateTable().tableName).toBe(STATE_TABLE.defaultName);
  const dynamoDb = new DynamoDBClient(CLIENT_CONFIG);
  const ssoAdmin = new SSOAdminClient(CLIENT_CONFIG);
  const { Table } = await dynamoDb.send(new DescribeTableCommand({ TableName: STATE_TABLE.defaultName }));
  expect(Table?.TableStatus).toBe('ACTIVE');
  await dynamoDb.send(new PutItemCommand({ TableName: STATE_TABLE.defaultName, Item: KEY }));
  const { Item } = await emulator
    .stateTable()
    .client.send(new GetItemCommand({ TableName: STATE_TABLE.defaultName, Key: KEY }));
  expect(Item).toEqual(KEY);
  const { Instances } = await ssoAdmin.send(new ListInstancesCommand({}));
  expect(Instances?.map((instance) => instance.InstanceArn)).toEqual([DEFAULT_WORLD.instanceArn]);
  dynamoDb.destroy();
  ssoAdmin.destroy();
});

test('the next test starts with an empty table (this one runs after the one that wrote an item)', async () => {
  const { Count } = await emulator
    .stateTable()
    .client.send(new ScanCommand({ TableName: STATE_TABLE.defaultName }));
  expect(Count).toBe(0);
});

describe('without stateTable', () => {
  const plain = useHandlerEmulator();

  test('asking for the table says how to get one', () => {
    expect(() => plain.stateTable()).toThrow('useHandlerEmulator({ stateTable: true })');
  });
});

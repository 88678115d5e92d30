// A DynamoDB in which the state table exists and is ready, for registration tests that are not about the table,
// and what registering a type yields about its table.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DescribeTableCommand,
  type DynamoDBClient,
  UpdateContinuousBackupsCommand,
} from '@aws-sdk/client-dynamodb';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { RegistrySchema } from '../../dev/generate/registry-schema';
import { REPOSITORY_ROOT, type ResourceTypeEntry } from '../../dev/types';
import { STATE_TABLE } from '../../dev/types';

/** DescribeTable answers an ACTIVE table with the state key; UpdateContinuousBackups succeeds. */
export function stateTableIsReady(
  dynamoDb: AwsClientStub<DynamoDBClient>,
  tableName = STATE_TABLE.defaultName,
) {
  dynamoDb.on(DescribeTableCommand).resolves({
    Table: {
      TableName: tableName,
      TableStatus: 'ACTIVE',
      KeySchema: [{ AttributeName: STATE_TABLE.partitionKey, KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: STATE_TABLE.partitionKey, AttributeType: 'S' }],
    },
  });
  dynamoDb.on(UpdateContinuousBackupsCommand).resolves({
    ContinuousBackupsDescription: {
      ContinuousBackupsStatus: 'ENABLED',
      PointInTimeRecoveryDescription: { PointInTimeRecoveryStatus: 'ENABLED' },
    },
  });
}

/** `{ stateTable }` in a registration result: the default table for a type that keeps state, else nothing. */
export function stateTableOf(entry: Pick<ResourceTypeEntry, 'schemaFile'>): { stateTable?: string } {
  const schema = JSON.parse(
    readFileSync(path.join(REPOSITORY_ROOT, entry.schemaFile), 'utf8'),
  ) as RegistrySchema;
  return schema.typeConfiguration?.properties?.StateTable ? { stateTable: STATE_TABLE.defaultName } : {};
}

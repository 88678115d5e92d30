import { gunzipSync, gzipSync } from 'node:zlib';
import {
  AttributeValue,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { clientCache, commonClientConfig, nameFailedActions, isErrorNamed } from '../core';
import { GroupProperties, literalResolution, Resolution } from './declaration';
import { STATE_TABLE } from './state-table';

/** A DynamoDB client for the caller's credentials (`AWS_ENDPOINT_URL_DYNAMODB` points it at a stand-in). */
export const dynamoDbClientFor = clientCache((settings, typeName) => {
  const client = new DynamoDBClient(commonClientConfig(settings, typeName));
  nameFailedActions(client.middlewareStack);
  return client;
});

/** Where an operation on the group stands, kept in the group's item so a crash loses nothing. */
export interface OperationProgress {
  readonly kind: 'create' | 'update' | 'delete';
  /**
   * CloudFormation's clientRequestToken of the operation: the same for its every invocation and re-send, so a
   * re-sent first request recognises its own write-ahead record instead of answering AlreadyExists.
   */
  readonly token: string;
  /** 'create': creating (and confirming) the additions; 'remove': deleting the removals; then done. */
  readonly stage: 'create' | 'remove';
  /** The writes of the operation, decided once, before the first write (write-ahead). Sorted keys. */
  readonly create: readonly string[];
  readonly remove: readonly string[];
  /** Index of the next write of the current stage to send. */
  readonly cursor: number;
  /** Writes sent and not yet confirmed: their RequestId and assignment key. */
  readonly inFlight: readonly { readonly requestId: string; readonly key: string }[];
  /** Writes about to be sent (recorded before sending): after a crash, looked up before being written again. */
  readonly reserved?: readonly string[];
  /** Writes that FAILED: the assignment and SSO Admin's FailureReason. */
  readonly failures: readonly { readonly key: string; readonly reason: string }[];
  /**
   * How long after sending a write its first status check comes, as the stage learned it so far (runStage): the
   * next invocation starts from it instead of probing the provisioning time again.
   */
  readonly checkAfterMs?: number;
}

/**
 * How the group's last operation ended: a re-sent request of that operation (its answer lost on the way to
 * CloudFormation) gets the same answer instead of AlreadyExists or a second plan.
 */
export interface SettledOperation {
  readonly kind: OperationProgress['kind'];
  readonly token: string;
  /** The FAILED answer's message; absent when the operation succeeded. */
  readonly failure?: string;
}

/** One group's item in the state table. */
export interface GroupState {
  readonly name: string;
  /** Incremented by every write; a write names the version it read (conditional), so none is overwritten. */
  readonly version: number;
  readonly declared: GroupProperties;
  /** What the declaration resolved to when last applied (absent in records from before names and OUs). */
  readonly resolved?: Resolution;
  /** The assignments the group owns (created, adopted or handed over to it). */
  readonly owned: ReadonlySet<string>;
  /** The operation under way, if any. */
  readonly operation?: OperationProgress;
  /** The last operation that ended, if any (absent while one is under way). */
  readonly settled?: SettledOperation;
}

/** Another writer changed the group's item since it was read (the conditional write was refused). */
export class StateConflictError extends Error {
  override readonly name = 'StateConflictError';
}

/** The state table is missing: register the type (it creates the table) or set StateTable in its configuration. */
export class StateTableMissingError extends Error {
  override readonly name = 'StateTableMissingError';
}

function packed(value: unknown): Uint8Array {
  return gzipSync(Buffer.from(JSON.stringify(value)));
}

function unpacked<T>(value: AttributeValue | undefined, fallback: T): T {
  if (!value || !('B' in value) || !value.B) return fallback;
  return JSON.parse(gunzipSync(Buffer.from(value.B)).toString('utf8')) as T;
}

function itemOf(state: GroupState): Record<string, AttributeValue> {
  return {
    [STATE_TABLE.partitionKey]: { S: state.name },
    Version: { N: String(state.version) },
    InstanceArn: { S: state.declared.InstanceArn },
    // The declared model is small (schema limits); the owned set and the progress can reach thousands of keys,
    // so they are gzipped: 10,000 keys take well under DynamoDB's 400 KB item limit.
    Declared: { S: JSON.stringify(state.declared) },
    Owned: { B: packed([...state.owned].sort()) },
    ...(state.resolved ? { Resolved: { B: packed(state.resolved) } } : {}),
    ...(state.operation ? { Operation: { B: packed(state.operation) } } : {}),
    ...(state.settled ? { Settled: { S: JSON.stringify(state.settled) } } : {}),
    UpdatedAt: { S: new Date().toISOString() },
  };
}

function stateOf(item: Record<string, AttributeValue>): GroupState {
  const name = item[STATE_TABLE.partitionKey]?.S;
  const version = Number(item.Version?.N);
  const declared = item.Declared?.S;
  if (!name || !Number.isSafeInteger(version) || !declared) {
    throw new Error(`the state table holds an item that is not a group's state (${name ?? 'no name'})`);
  }
  const operation = unpacked<OperationProgress | undefined>(item.Operation, undefined);
  const resolved = unpacked<Resolution | undefined>(item.Resolved, undefined);
  const settled = item.Settled?.S;
  return {
    name,
    version,
    declared: JSON.parse(declared) as GroupProperties,
    owned: new Set(unpacked<string[]>(item.Owned, [])),
    ...(resolved ? { resolved } : {}),
    ...(operation ? { operation } : {}),
    ...(settled ? { settled: JSON.parse(settled) as SettledOperation } : {}),
  };
}

async function sent<T>(tableName: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error: unknown) {
    if (isErrorNamed(error, 'ConditionalCheckFailedException')) {
      throw new StateConflictError('the group was changed by another operation meanwhile; retry');
    }
    if (isErrorNamed(error, 'ResourceNotFoundException')) {
      throw new StateTableMissingError(
        `the state table ${tableName} does not exist: register the type with npm run register (it creates the ` +
          'table), or set StateTable in the type configuration to an existing table',
      );
    }
    throw error;
  }
}

/** The state table of one invocation: its client and name. */
export class StateStore {
  constructor(
    private readonly client: DynamoDBClient,
    readonly tableName: string = STATE_TABLE.defaultName,
  ) {}

  /** The group's state, read consistently (a write just made is seen); undefined when there is none. */
  async get(name: string): Promise<GroupState | undefined> {
    const response = await sent(this.tableName, () =>
      this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { [STATE_TABLE.partitionKey]: { S: name } },
          ConsistentRead: true,
        }),
      ),
    );
    return response.Item ? stateOf(response.Item) : undefined;
  }

  /**
   * Writes the state as version `previous + 1`, only if the item is still at `previous` (or, for `previous`
   * undefined, only if there is no item): StateConflictError otherwise. Returns the state written.
   */
  async put(state: Omit<GroupState, 'version'>, previous: number | undefined): Promise<GroupState> {
    const next: GroupState = { ...state, version: (previous ?? 0) + 1 };
    await sent(this.tableName, () =>
      this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: itemOf(next),
          ...(previous === undefined
            ? {
                ConditionExpression: 'attribute_not_exists(#name)',
                ExpressionAttributeNames: { '#name': STATE_TABLE.partitionKey },
              }
            : {
                ConditionExpression: 'Version = :previous',
                ExpressionAttributeValues: { ':previous': { N: String(previous) } },
              }),
        }),
      ),
    );
    return next;
  }

  /** Deletes the group's state, only if it is still at `version`. */
  async delete(name: string, version: number): Promise<void> {
    await sent(this.tableName, () =>
      this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { [STATE_TABLE.partitionKey]: { S: name } },
          ConditionExpression: 'Version = :version',
          ExpressionAttributeValues: { ':version': { N: String(version) } },
        }),
      ),
    );
  }

  /** One page of every group's state (LIST, and the groups another group's removals are checked against). */
  async scan(
    from: Record<string, AttributeValue> | undefined,
    limit?: number,
  ): Promise<{ states: GroupState[]; next?: Record<string, AttributeValue> }> {
    const response = await sent(this.tableName, () =>
      this.client.send(
        new ScanCommand({
          TableName: this.tableName,
          ConsistentRead: true,
          ...(from ? { ExclusiveStartKey: from } : {}),
          ...(limit ? { Limit: limit } : {}),
        }),
      ),
    );
    return {
      states: (response.Items ?? []).map(stateOf),
      ...(response.LastEvaluatedKey ? { next: response.LastEvaluatedKey } : {}),
    };
  }

  /** Every group's state. */
  async all(): Promise<GroupState[]> {
    const states: GroupState[] = [];
    let from: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.scan(from);
      states.push(...page.states);
      from = page.next;
    } while (from);
    return states;
  }
}

/** The group's pinned resolution; a record from before resolutions were kept is taken literally. */
export function resolutionOf(state: Pick<GroupState, 'declared' | 'resolved'>): Resolution {
  return state.resolved ?? literalResolution(state.declared);
}

import { createHash } from 'node:crypto';
import { HandlerErrorCode } from '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib';
import {
  Clients,
  defineResourceType,
  Progress,
  invalidPosition,
  Listing,
  WriteProgress,
  WriteRequest,
} from '../core';
import { alreadyExists, notFound } from '../core/identity';
import { failed, inProgress, succeeded } from '../core/progress';
import { remainingWorkMs } from '../core/invocation';
import { RETRY_POLICY } from '../core/retry-policy';
import { existingAssignments, failureSummary, runStage, ssoPacer } from './assignments';
import { expand, GroupProperties, Resolution, tupleOfKey } from './declaration';
import { deprovisionedPrincipals, principalKeyOf, principalsOf, withoutPrincipals } from './principals';
import {
  needsResolution,
  organizationsClientFor,
  resolve,
  ResolveClients,
  resolveLeniently,
} from './resolve';
import { plan } from './plan';
import {
  dynamoDbClientFor,
  GroupState,
  OperationProgress,
  resolutionOf,
  SettledOperation,
  StateStore,
} from './state-store';
import { STATE_TABLE } from './state-table';
import { ResourceModel, TypeConfigurationModel } from './models';
import { validateIdentifier, validateList, validateModel } from './validators';
import { readView, resolvedProperties, ResolutionDrift } from './read-view';

const TYPE_NAME = ResourceModel.TYPE_NAME;

/** The group as the skeleton handles it: its Name, and what READ found. */
interface GroupKey {
  readonly name: string;
  readonly properties?: Readonly<Record<string, unknown>>;
}

function storeFor(clients: Clients): StateStore {
  const configured = clients.typeConfiguration?.StateTable;
  return new StateStore(
    clients.clientFrom(dynamoDbClientFor),
    typeof configured === 'string' && configured !== '' ? configured : STATE_TABLE.defaultName,
  );
}

/** The declared properties (schema-validated in the entrypoint), without the read-only ones. */
function declaredOf(model: ResourceModel | undefined, name: string): GroupProperties {
  const {
    AssignmentCount: _count,
    MissingAssignmentCount: _missing,
    AccountCount: _accounts,
    ResolvedPrincipals: _principals,
    ResolvedPermissionSets: _permissionSets,
    ...declared
  } = (model?.serialize() ?? {}) as Record<string, unknown>;
  return { ...(declared as unknown as GroupProperties), Name: name };
}

/**
 * The Name of a group declared without one: the logical ID and a suffix derived from the operation's token, so the
 * re-send of a lost first request names the same group (AWS types use a random suffix; this one is as unique).
 */
function nameFor(request: WriteRequest<ResourceModel>): string {
  const given = request.model?.name;
  if (given) return given;
  const base = (request.logicalResourceId ?? 'AssignmentGroup').replace(/[^A-Za-z0-9._-]/g, '').slice(0, 100);
  const suffix = createHash('sha256').update(request.operationToken).digest('hex').slice(0, 12).toUpperCase();
  return `${/^[A-Za-z0-9]/.test(base) ? base : `G${base}`}-${suffix}`;
}

/** For every assignment another group of the same instance declares: that group's Name. */
async function declaredByOthers(
  store: StateStore,
  name: string,
  instanceArn: string,
): Promise<Map<string, string>> {
  const others = new Map<string, string>();
  for (const other of await store.all()) {
    if (other.name === name || other.declared.InstanceArn !== instanceArn) continue;
    for (const key of expand(resolutionOf(other))) if (!others.has(key)) others.set(key, other.name);
  }
  return others;
}

/** Gives the handed-over assignments to the groups that still declare them (conditional writes, retried). */
async function handOver(store: StateStore, handed: ReadonlyMap<string, string>): Promise<void> {
  const byGroup = new Map<string, string[]>();
  for (const [key, group] of handed) byGroup.set(group, [...(byGroup.get(group) ?? []), key]);
  for (const [group, keys] of byGroup) {
    for (let attempt = 1; ; attempt += 1) {
      const other = await store.get(group);
      if (!other) break; // gone meanwhile: nobody to hand over to, and its own DELETE decided for itself
      try {
        await store.put({ ...other, owned: new Set([...other.owned, ...keys]) }, other.version);
        break;
      } catch (error: unknown) {
        if (attempt >= 3) throw error;
      }
    }
  }
}

/** What a group's state says of it: the declaration, with what it resolved to (pinned) when it has resolved. */
type Declared = Pick<GroupState, 'declared' | 'resolved'>;

function modelOf(group: Declared, missing = 0): ResourceModel {
  return ResourceModel.deserialize({
    ...group.declared,
    ...resolvedProperties(resolutionOf(group), missing),
  });
}

/** The clients resolution calls: SSO Admin, the instance's identity store, Organizations. */
function resolveClientsOf(clients: Clients): ResolveClients {
  return {
    ssoAdmin: clients.ssoAdmin,
    identityStore: clients.identityStore(),
    organizations: clients.clientFrom(organizationsClientFor),
  };
}

/**
 * READ's second look at names and organizational units: which declared elements resolve to another answer now than
 * the one the group applied. Nothing is asked of a group of IDs, ARNs and accounts.
 */
async function resolutionDrift(
  clients: Clients,
  declared: GroupProperties,
  pinned: Resolution,
  pacer: ReturnType<typeof ssoPacer>,
): Promise<ResolutionDrift> {
  if (!needsResolution(declared)) return {};
  const now = await resolveLeniently(resolveClientsOf(clients), declared, {
    ssoPacer: pacer,
    pinnedPermissionSets: pinned.permissionSets,
  });
  const principals = new Set<number>();
  declared.Principals.forEach((principal, index) => {
    if (principal.PrincipalName === undefined) return;
    if (now.principals[index]?.principalId !== pinned.principals[index]?.principalId) principals.add(index);
  });
  const permissionSets = new Set<number>();
  declared.PermissionSets.forEach((_, index) => {
    const was = pinned.permissionSets[index];
    if (was?.name !== undefined && now.permissionSets[index]?.arn !== was.arn) permissionSets.add(index);
  });
  const units = new Set<string>();
  for (const target of declared.Targets) {
    if (target.TargetType !== 'AWS_OU') continue;
    for (const unitId of target.TargetIds) {
      const was = pinned.units[unitId];
      const is = now.units[unitId];
      if (!was || !is || was.join() !== is.join()) units.add(unitId);
    }
  }
  return { principals, permissionSets, units };
}

/**
 * Folds an operation that will never resume (its CloudFormation operation failed or timed out, or its process died
 * for good) into the ownership: what it planned to create and now exists is owned (it was absent when planned), what
 * it planned to remove and is now gone is no longer owned. Nothing it wrote is left unowned.
 */
export function foldStaleOperation(state: GroupState, existing: ReadonlySet<string>): GroupState {
  const { operation: stale, ...group } = state;
  if (!stale) return state;
  const owned = new Set(group.owned);
  for (const key of stale.create) if (existing.has(key)) owned.add(key);
  for (const key of stale.remove) if (!existing.has(key)) owned.delete(key);
  return { ...group, owned };
}

/**
 * The owned assignments in accounts the targets still include but that are not active now (suspended, closing):
 * kept, neither written nor removed, so access comes back as it was if the account is reinstated.
 */
function retainedIn(
  resolved: Resolution,
  owned: ReadonlySet<string>,
  existing: ReadonlySet<string>,
): string[] {
  const inactive = new Set(resolved.inactive);
  const principals = new Set(resolved.principals.map((principal) => principalKeyOf(principal)));
  const permissionSets = new Set(resolved.permissionSets.map((permissionSet) => permissionSet.arn));
  return [...owned].filter((key) => {
    const tuple = tupleOfKey(key);
    return (
      existing.has(key) &&
      inactive.has(tuple.accountId) &&
      principals.has(principalKeyOf(tuple)) &&
      permissionSets.has(tuple.permissionSetArn)
    );
  });
}

/** Every assignment a state concerns: what it owns and what its operation under way would write. */
function concernedKeys(state: GroupState): string[] {
  return [...state.owned, ...(state.operation?.create ?? []), ...(state.operation?.remove ?? [])];
}

/** Epoch ms until which one invocation sends and checks writes, before calling back. */
function workUntil(): number {
  return Date.now() + Math.min(remainingWorkMs(), RETRY_POLICY.batchWorkMs);
}

/**
 * Carries the group's operation on from its state: runs its stages within this invocation's work time, records
 * every confirmed write before answering, and answers SUCCESS, FAILED (with how many and why), or IN_PROGRESS.
 */
async function carryOn(
  request: WriteRequest<ResourceModel>,
  store: StateStore,
  state: GroupState,
): Promise<Progress<ResourceModel>> {
  const { operation: started, settled: _previous, ...group } = state;
  if (!started) throw new Error('carryOn needs an operation under way');
  let operation = started;
  let version = state.version;
  let owned = new Set(state.owned);
  /** What the group owns once these writes of the stage are confirmed (created: owned; removed: not). */
  const owning = (stage: OperationProgress['stage'], confirmed: readonly string[]) => {
    const next = new Set(owned);
    for (const key of confirmed) {
      if (stage === 'create') next.add(key);
      else next.delete(key);
    }
    return next;
  };
  const save = async (
    next: OperationProgress | undefined,
    withOwned: ReadonlySet<string> = owned,
    settled?: SettledOperation,
  ) => {
    const written = await store.put(
      { ...group, owned: withOwned, ...(next ? { operation: next } : {}), ...(settled ? { settled } : {}) },
      version,
    );
    version = written.version;
  };
  const pacer = ssoPacer();
  const until = workUntil();
  const instanceArn = group.declared.InstanceArn;
  const total = operation.create.length + operation.remove.length;
  for (;;) {
    const run = await runStage(
      {
        client: request.clients.ssoAdmin,
        pacer,
        instanceArn,
        workUntil: until,
        existing: async (keys) =>
          existingAssignments(request.clients.ssoAdmin, pacer, instanceArn, principalsOf(keys)),
        checkpoint: async (progress, confirmedSoFar) => {
          await save(progress, owning(operation.stage, confirmedSoFar));
        },
      },
      operation,
    );
    owned = owning(operation.stage, run.confirmed);
    const writeName = operation.stage === 'create' ? 'CreateAccountAssignment' : 'DeleteAccountAssignment';
    const stageSize = (operation.stage === 'create' ? operation.create : operation.remove).length;
    // Counts only: the log says how far the group got, never which principals it writes.
    request.logger.log(
      `${writeName}: ${run.confirmed.length} confirmed in this invocation; ` +
        `${run.progress.cursor - (run.progress.reserved?.length ?? 0)} of ${stageSize} sent, ` +
        `${run.progress.inFlight.length} in flight`,
    );
    operation = run.progress;
    if (run.interruptedBy !== undefined || !run.stageDone) {
      // Every confirmed write is recorded before the error is handled or CloudFormation calls back.
      await save(operation);
      if (run.interruptedBy !== undefined) throw run.interruptedBy;
      break;
    }
    if (operation.stage === 'remove' && operation.failures.length > 0) {
      // A deprovisioned principal's assignment cannot be deleted and grants nothing: it is gone, not a failure.
      const failedKeys = operation.failures.map((failure) => failure.key);
      const absent = await deprovisionedPrincipals(request.clients, instanceArn, failedKeys);
      const stillFailed = withoutPrincipals(failedKeys, absent);
      owned = owning(
        'remove',
        failedKeys.filter((key) => !stillFailed.has(key)),
      );
      operation = {
        ...operation,
        failures: operation.failures.filter((failure) => stillFailed.has(failure.key)),
      };
    }
    if (operation.failures.length > 0) {
      // What was created stays owned, so the rollback's DELETE removes it.
      const failure = failureSummary(operation.failures, total);
      await save(undefined, owned, { kind: operation.kind, token: operation.token, failure });
      return failed(HandlerErrorCode.GeneralServiceException, failure);
    }
    if (operation.stage === 'create' && operation.remove.length > 0) {
      // Additions confirmed: only now the removals, so a principal moved between permission sets has no gap.
      // The check time learned is the creations'; the removals learn their own.
      const { checkAfterMs: _creations, ...created } = operation;
      operation = { ...created, stage: 'remove', cursor: 0, inFlight: [] };
      await save(operation);
      continue;
    }
    if (operation.kind === 'delete') {
      await store.delete(group.name, version);
      return succeeded();
    }
    await save(undefined, owned, { kind: operation.kind, token: operation.token });
    return succeeded(modelOf(group));
  }
  const context: WriteProgress = {
    version: request.progress.version,
    startedAt: request.progress.startedAt,
    phase: 'confirm',
    polls: (request.progress.polls ?? 0) + 1,
    requests: operation.inFlight.map((write) => write.requestId),
    cursor: operation.cursor,
  };
  request.onProgress(context);
  const writes = operation.stage === 'create' ? operation.create : operation.remove;
  const verb = operation.stage === 'create' ? 'creating' : 'deleting';
  // Reserved writes are not sent yet: the cursor counts them.
  const sent = operation.cursor - (operation.reserved?.length ?? 0);
  const message = `${verb} assignments: ${sent} of ${writes.length} sent, ${operation.inFlight.length} in flight`;
  // The work window is spent, not a wait on the service: the writes go on as soon as CloudFormation re-invokes.
  return inProgress(modelOf(group), context, 0, message);
}

/** `1 assignment`, `2 assignments`. */
function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The write-ahead answer: the operation is recorded, its writes start on the next invocation. */
function recorded(request: WriteRequest<ResourceModel>, group: Declared, operation: OperationProgress) {
  const marker: WriteProgress = {
    version: request.progress.version,
    startedAt: request.progress.startedAt,
    phase: 'submit',
  };
  request.onProgress(marker);
  return inProgress(
    modelOf(group),
    marker,
    0,
    `recorded the ${operation.kind}: ${counted(operation.create.length, 'assignment')} to create, ${operation.remove.length} to delete`,
  );
}

/**
 * The answer an operation that has ended gave, for a re-send of one of its requests (CloudFormation re-sends when
 * the answer was lost); undefined when `state` did not end the operation of this token.
 */
function settledAnswer(
  request: WriteRequest<ResourceModel>,
  state: GroupState,
  kind: OperationProgress['kind'],
): Progress<ResourceModel> | undefined {
  const settled = state.settled;
  if (state.operation || settled?.kind !== kind || settled.token !== request.operationToken) return undefined;
  return settled.failure === undefined
    ? succeeded(modelOf(state))
    : failed(HandlerErrorCode.GeneralServiceException, settled.failure);
}

/** A later invocation of an operation this token started; or undefined when the state shows another one. */
async function resumed(request: WriteRequest<ResourceModel>, store: StateStore, name: string) {
  const state = await store.get(name);
  if (state?.operation?.token === request.operationToken) return carryOn(request, store, state);
  return undefined;
}

async function create(request: WriteRequest<ResourceModel>) {
  const store = storeFor(request.clients);
  const name = nameFor(request);
  const declared = declaredOf(request.model, name);
  const state = await store.get(name);
  if (state) {
    // The re-send of this operation's first request finds its own record; anything else is another group.
    if (state.operation?.kind === 'create' && state.operation.token === request.operationToken) {
      return request.progress.phase === undefined
        ? recorded(request, state, state.operation)
        : carryOn(request, store, state);
    }
    return settledAnswer(request, state, 'create') ?? alreadyExists<ResourceModel>(TYPE_NAME, [name]);
  }
  if (request.progress.phase !== undefined) {
    return failed<ResourceModel>(HandlerErrorCode.NotFound, `the record of assignment group ${name} is gone`);
  }
  const pacer = ssoPacer();
  // Names and organizational units are resolved once, here, and pinned: every later step uses this answer.
  const resolved = await resolve(resolveClientsOf(request.clients), declared, { ssoPacer: pacer });
  const desired = new Set(expand(resolved));
  const existing = await existingAssignments(
    request.clients.ssoAdmin,
    pacer,
    declared.InstanceArn,
    principalsOf(desired),
  );
  const planned = plan({
    desired,
    owned: new Set(),
    existing,
    declaredByOthers: await declaredByOthers(store, name, declared.InstanceArn),
    adoptExisting: declared.AdoptExisting === true,
  });
  const operation: OperationProgress = {
    kind: 'create',
    token: request.operationToken,
    stage: 'create',
    create: planned.create,
    remove: [],
    cursor: 0,
    inFlight: [],
    failures: [],
  };
  // Write-ahead: the group and its intended writes are recorded before any write (conditional on no group of
  // this Name, so two stacks never both create it).
  await store.put({ name, declared, resolved, owned: new Set(planned.adopt), operation }, undefined);
  return recorded(request, { declared, resolved }, operation);
}

async function update(request: WriteRequest<ResourceModel>) {
  const store = storeFor(request.clients);
  const name = request.previous?.name ?? request.model?.name ?? '';
  if (request.model?.name && request.model.name !== name) {
    return failed<ResourceModel>(
      HandlerErrorCode.NotUpdatable,
      'Property Name is createOnly: a new Name replaces the group',
    );
  }
  const carried = request.progress.phase === undefined ? undefined : await resumed(request, store, name);
  if (carried) return carried;
  const state = await store.get(name);
  if (!state) return notFound<ResourceModel>(TYPE_NAME, [name]);
  if (state.operation?.token === request.operationToken) return carryOn(request, store, state);
  const answered = settledAnswer(request, state, 'update');
  if (answered) return answered;
  const declared = declaredOf(request.model, name);
  if (declared.InstanceArn !== state.declared.InstanceArn) {
    return failed<ResourceModel>(
      HandlerErrorCode.NotUpdatable,
      'Property InstanceArn is createOnly: a new InstanceArn replaces the group',
    );
  }
  const pacer = ssoPacer();
  // Resolved anew: an UPDATE (a new Revision, say) picks up who a name is now and which accounts an OU holds now.
  const resolved = await resolve(resolveClientsOf(request.clients), declared, {
    ssoPacer: pacer,
    pinnedPermissionSets: state.resolved?.permissionSets,
  });
  const wanted = expand(resolved);
  const existing = await existingAssignments(
    request.clients.ssoAdmin,
    pacer,
    declared.InstanceArn,
    principalsOf([...wanted, ...concernedKeys(state)]),
  );
  const settled = foldStaleOperation(state, existing);
  const desired = new Set([...wanted, ...retainedIn(resolved, settled.owned, existing)]);
  const planned = plan({
    desired,
    owned: settled.owned,
    existing,
    declaredByOthers: await declaredByOthers(store, name, declared.InstanceArn),
    adoptExisting: declared.AdoptExisting === true,
  });
  await handOver(store, planned.handOver);
  // Owned from now on: what stays, what is adopted; the keys to remove stay owned until their delete is confirmed.
  const owned = new Set([...planned.ownedAfter].filter((key) => !planned.create.includes(key)));
  for (const key of planned.remove) owned.add(key);
  if (planned.create.length === 0 && planned.remove.length === 0) {
    // Nothing to write to SSO Admin: an update that changes nothing makes no write there.
    await store.put(
      { name, declared, resolved, owned, settled: { kind: 'update', token: request.operationToken } },
      state.version,
    );
    return succeeded(modelOf({ declared, resolved }));
  }
  const operation: OperationProgress = {
    kind: 'update',
    token: request.operationToken,
    stage: planned.create.length > 0 ? 'create' : 'remove',
    create: planned.create,
    remove: planned.remove,
    cursor: 0,
    inFlight: [],
    failures: [],
  };
  await store.put({ name, declared, resolved, owned, operation }, state.version);
  return recorded(request, { declared, resolved }, operation);
}

async function remove(request: WriteRequest<ResourceModel>) {
  const store = storeFor(request.clients);
  const name = request.model?.name ?? '';
  const carried = request.progress.phase === undefined ? undefined : await resumed(request, store, name);
  if (carried) return carried;
  const state = await store.get(name);
  if (!state) return notFound<ResourceModel>(TYPE_NAME, [name]);
  if (state.operation?.token === request.operationToken) return carryOn(request, store, state);
  const pacer = ssoPacer();
  const existing = await existingAssignments(
    request.clients.ssoAdmin,
    pacer,
    state.declared.InstanceArn,
    principalsOf(concernedKeys(state)),
  );
  const settled = foldStaleOperation(state, existing);
  const planned = plan({
    desired: new Set(),
    owned: settled.owned,
    existing,
    declaredByOthers: await declaredByOthers(store, name, state.declared.InstanceArn),
    adoptExisting: false,
  });
  await handOver(store, planned.handOver);
  const operation: OperationProgress = {
    kind: 'delete',
    token: request.operationToken,
    stage: 'remove',
    create: [],
    remove: planned.remove,
    cursor: 0,
    inFlight: [],
    failures: [],
  };
  const current = await store.put(
    {
      name,
      declared: state.declared,
      ...(state.resolved ? { resolved: state.resolved } : {}),
      owned: new Set(planned.remove),
      operation,
    },
    state.version,
  );
  return carryOn(request, store, current);
}

const handlers = defineResourceType({
  model: ResourceModel,
  typeConfiguration: TypeConfigurationModel,
  validators: { model: validateModel, identifier: validateIdentifier, list: validateList },
  plural: 'assignment groups',
  keyFromModel: (model): GroupKey | undefined => (model.name ? { name: model.name } : undefined),
  modelFromKey: (key) => ResourceModel.deserialize(key.properties ?? { Name: key.name }),
  identifier: (key) => [key.name],
  find: async (clients, key): Promise<GroupKey | undefined> => {
    const state = await storeFor(clients).get(key.name);
    if (!state) return undefined;
    const { declared } = state;
    const pinned = resolutionOf(state);
    const pacer = ssoPacer();
    const listed = await existingAssignments(
      clients.ssoAdmin,
      pacer,
      declared.InstanceArn,
      principalsOf(expand(pinned)),
    );
    // Only principals with a listed assignment are asked about: the others' assignments are missing anyway.
    const absent = await deprovisionedPrincipals(clients, declared.InstanceArn, listed);
    const changed = await resolutionDrift(clients, declared, pinned, pacer);
    return {
      name: key.name,
      properties: readView(declared, pinned, withoutPrincipals(listed, absent), changed),
    };
  },
  listing: (clients): Listing<string, GroupKey> => {
    const store = storeFor(clients);
    return {
      kind: 'assignment-groups',
      filter: [],
      readCursor: (cursor) => {
        if (typeof cursor !== 'string' || cursor === '')
          throw invalidPosition('the position must be a group Name');
        return cursor;
      },
      walk: async (from, budget) => {
        const answered = await budget.call(() =>
          // At most the page's model budget per Scan, so a small budget pages as it does for the other types.
          store.scan(
            from === undefined ? undefined : { [STATE_TABLE.partitionKey]: { S: from } },
            budget.ssoPageSize,
          ),
        );
        if (!answered) return { keys: [], ...(from === undefined ? {} : { next: from }) };
        const { states, next } = answered.value;
        const nextName = next?.[STATE_TABLE.partitionKey]?.S;
        return {
          keys: states.map((state) => ({
            name: state.name,
            properties: modelOf(state).serialize(),
          })),
          ...(nextName ? { next: nextName } : {}),
        };
      },
    };
  },
  runners: { create, update, delete: remove },
});

export const { resource, entrypoint, testEntrypoint } = handlers;

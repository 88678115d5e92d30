/**
 * LIST at scale on virtual time (see ../lib/virtual-runtime.ts): every AWS::SSO::Assignment under an instance of
 * LIST_SCALE.accounts accounts x LIST_SCALE.permissionSets permission sets, one assignment per pair, against the
 * emulator at LIST_SCALE.requestsPerSecond, page after page as CloudFormation asks for them (each page a new LIST
 * request carrying the previous page's nextToken).
 */
import { performance } from 'node:perf_hooks';
import { Driver, type ResourceProperties } from '../../dev/driver';
import { DEFAULT_WORLD, pointSdkAt, startEmulator } from '../../dev/emulator';
import { LIST_PAGE } from '../../src/core/list-pages';
import { BENCHMARKED_TYPE, benchmarkedEntrypoint, loadBenchmarkedHandlers } from '../lib/benchmarked-type';
import { LIST_SCALE, MODEL } from '../lib/model';
import type { ListScaleResult } from '../lib/results';
import { median } from '../lib/stats';
import type { VirtualRuntime } from '../lib/virtual-runtime';

/** The calls the walk cannot do without: the permission sets, each one's accounts (100 a page), every pair. */
export function fewestListCalls(accounts: number, permissionSets: number): number {
  const permissionSetPages = Math.max(1, Math.ceil(permissionSets / LIST_PAGE.ssoPageSize));
  const accountPages = Math.max(1, Math.ceil(accounts / LIST_PAGE.ssoPageSize));
  return permissionSetPages + permissionSets * accountPages + permissionSets * accounts;
}

export async function runListScale(
  runtime: VirtualRuntime,
  progress: (units: number) => void,
): Promise<ListScaleResult> {
  const { clock } = runtime;
  const emulator = await startEmulator({
    clock,
    requestsPerSecond: LIST_SCALE.requestsPerSecond,
    seed: false,
  });
  pointSdkAt(emulator.endpoint);
  await loadBenchmarkedHandlers();
  try {
    const accounts = Array.from(
      { length: LIST_SCALE.accounts },
      (_, index) => `60000000${String(index).padStart(4, '0')}`,
    );
    for (const [index, id] of accounts.entries()) {
      emulator.state.addAccount({ id, name: `list-${index}`, status: 'ACTIVE' });
    }
    const group = 'b1000000-0000-4000-8000-000000000000';
    emulator.state.addGroup({ id: group, name: 'list-bench' });
    for (let index = 0; index < LIST_SCALE.permissionSets; index++) {
      const { arn } = emulator.state.addPermissionSet({ name: `ListBench${index}` });
      for (const targetId of accounts) {
        emulator.state.addAccountAssignment({
          targetId,
          permissionSetArn: arn,
          principalType: 'GROUP',
          principalId: group,
        });
      }
    }
    const assignments = emulator.state.accountAssignments().length;
    emulator.clearCalls();
    runtime.reseed(MODEL.seed);

    const driver = new Driver({
      entrypoint: benchmarkedEntrypoint,
      typeName: BENCHMARKED_TYPE.typeName,
      primaryIdentifier: BENCHMARKED_TYPE.primaryIdentifier,
      // Fake, loopback only; a new identity makes the handler build a client for this emulator.
      callerCredentials: {
        accessKeyId: 'ASIABENCHLISTSCALE00',
        secretAccessKey: 'benchSecretAccessKeyForLoopbackEmulatorOnly0',
        sessionToken: 'benchSessionTokenForLoopbackEmulatorOnly',
      },
      lambdaTimeoutMs: MODEL.lambdaTimeoutMs,
      now: () => clock.now(),
      sleep: (ms) => clock.sleep(ms),
      log: () => undefined,
    });
    const properties: ResourceProperties = { InstanceArn: DEFAULT_WORLD.instanceArn };
    const pageMs: number[] = [];
    const pageBytes: number[] = [];
    const listed = new Set<string>();
    let models = 0;
    let failure: string | undefined;
    let nextToken: string | undefined;
    let answeredCalls = 0;
    const startedAt = clock.now();
    const wallStart = performance.now();
    do {
      const page = await runtime.run(() => driver.list(properties, { nextToken }));
      pageMs.push(page.elapsedMs);
      pageBytes.push(Buffer.byteLength(JSON.stringify(page.final)));
      for (const model of page.final.resourceModels ?? []) {
        listed.add(JSON.stringify(model));
        models++;
      }
      const answered = emulator.calls().filter((call) => call.outcome === 'ok').length;
      progress(answered - answeredCalls);
      answeredCalls = answered;
      if (page.final.status !== 'SUCCESS') {
        failure = `page ${pageMs.length}: ${page.final.errorCode ?? 'FAILED'} ${page.final.message}`;
        break;
      }
      nextToken = page.final.nextToken;
    } while (nextToken !== undefined);
    const totalMs = clock.now() - startedAt;
    const calls = emulator.calls();
    const minCalls = fewestListCalls(LIST_SCALE.accounts, LIST_SCALE.permissionSets);
    const { requestsPerSecond } = LIST_SCALE;
    const limitMs = (Math.max(0, minCalls - requestsPerSecond) / requestsPerSecond) * 1000;
    return {
      accounts: LIST_SCALE.accounts,
      permissionSets: LIST_SCALE.permissionSets,
      assignments,
      requestsPerSecond,
      pages: pageMs.length,
      models,
      duplicates: models - listed.size,
      missing: assignments - listed.size,
      failure,
      apiCalls: calls.length,
      answeredCalls,
      throttles: calls.filter((call) => call.outcome === 'ThrottlingException').length,
      minCalls,
      totalMs,
      limitMs,
      ratioToLimit: totalMs / limitMs,
      slowestPageMs: Math.max(...pageMs),
      medianPageMs: median(pageMs),
      largestPageBytes: Math.max(...pageBytes),
      totalBytes: pageBytes.reduce((sum, bytes) => sum + bytes, 0),
      pageBudget: { workMs: LIST_PAGE.workMs, answerMs: LIST_PAGE.answerMs, maxModels: LIST_PAGE.maxModels },
      wallMs: performance.now() - wallStart,
    };
  } finally {
    await emulator.close();
  }
}

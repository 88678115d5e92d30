/** What every virtual-time scenario shares: the emulator on the virtual clock, a driver, fresh callers. */
import { startEmulator, type EmulatorOptions, type RunningEmulator, pointSdkAt } from '../../dev/emulator';
import {
  Driver,
  DriverError,
  type CredentialsPayload,
  type Entrypoint,
  type RunResult,
} from '../../dev/driver';
import type { ResourceTypeEntry } from '../../dev/types';
import { MODEL } from '../lib/model';
import type { VirtualRuntime } from '../lib/virtual-runtime';

export type Progress = (units: number) => void;

let credentialsSerial = 0;

/**
 * Fresh caller credentials per emulator: the handlers cache one SDK client per identity, so a new identity makes
 * them build a client that reads the new emulator's AWS_ENDPOINT_URL_SSO_ADMIN. Fake, loopback only.
 */
export function freshCredentials(): CredentialsPayload {
  credentialsSerial++;
  return {
    accessKeyId: `ASIABENCH${String(credentialsSerial).padStart(11, '0')}`,
    secretAccessKey: 'benchSecretAccessKeyForLoopbackEmulatorOnly0',
    sessionToken: 'benchSessionTokenForLoopbackEmulatorOnly',
  };
}

export interface VirtualDriverOptions {
  entrypoint: Entrypoint;
  type: ResourceTypeEntry;
  runtime: VirtualRuntime;
  callerCredentials: CredentialsPayload;
  /** CloudFormation's timeout for the whole operation; the driver's default (120 minutes) when absent. */
  timeoutMs?: number;
  /** One line per invocation (default: none). */
  log?: (line: string) => void;
}

export function virtualDriver(options: VirtualDriverOptions): Driver {
  const { clock } = options.runtime;
  return new Driver({
    entrypoint: options.entrypoint,
    typeName: options.type.typeName,
    primaryIdentifier: options.type.primaryIdentifier,
    callerCredentials: options.callerCredentials,
    lambdaTimeoutMs: MODEL.lambdaTimeoutMs,
    maxInvocations: 1_000,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    now: () => clock.now(),
    // The callback delay, then CloudFormation's re-invocation overhead (the model constant).
    sleep: (ms) => clock.sleep(ms + MODEL.reinvocationOverheadMs),
    log: options.log ?? (() => undefined),
  });
}

export async function emulatorOnVirtualTime(
  runtime: VirtualRuntime,
  options: Omit<EmulatorOptions, 'clock' | 'port'> & {
    provisioningMs: number;
    /** The state table's endpoint, for a type that keeps state. */
    stateTableEndpoint?: string;
  },
): Promise<RunningEmulator> {
  const { stateTableEndpoint, ...emulatorOptions } = options;
  const emulator = await startEmulator({ clock: runtime.clock, ...emulatorOptions });
  pointSdkAt(emulator.endpoint, stateTableEndpoint);
  return emulator;
}

export async function settle(run: Promise<RunResult>): Promise<RunResult | DriverError> {
  try {
    return await run;
  } catch (error) {
    if (error instanceof DriverError) return error;
    throw error;
  }
}

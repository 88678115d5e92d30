import { pointSdkAt, startEmulator, type EmulatorOptions, type RunningEmulator } from '../../dev/emulator';

/**
 * One emulator for the test file, with every service the handlers call (SSO Admin, the Identity Store) pointed
 * at it before the handlers build their first clients; reset before each test (before the file's own
 * beforeEach hooks, when called at the top of the file) and closed after the file.
 */
export function useHandlerEmulator(options: EmulatorOptions = {}): () => RunningEmulator {
  let emulator: RunningEmulator | undefined;
  let restoreEndpoints: (() => void) | undefined;
  beforeAll(async () => {
    emulator = await startEmulator(options);
    restoreEndpoints = pointSdkAt(emulator.endpoint);
  });
  afterAll(async () => {
    restoreEndpoints?.();
    await emulator?.close();
  });
  beforeEach(() => emulator?.reset());
  return () => {
    if (!emulator) throw new Error('the emulator is not running (useHandlerEmulator starts it in beforeAll)');
    return emulator;
  };
}

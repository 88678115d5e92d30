// A loopback pass-through in front of the emulator that runs a test's hook after the emulator has answered
// one SSO Admin call and before the SDK receives that answer. Cells use it to change the world at an exact
// point inside one handler invocation (e.g. between CreateApplicationAssignment and its read-back), which
// fault injection between invocations cannot reach. It also dates its answers by Date.now(), for cells on
// virtual time.
import { createServer, request as forward, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningEmulator } from '../../../dev/emulator';

/** Runs after the emulator answered `operation` with `outcome` (HTTP status), before the caller sees it. */
export type AnsweredHook = (statusCode: number) => void;

export interface Interceptor {
  /** `http://127.0.0.1:PORT`, to use as AWS_ENDPOINT_URL_SSO_ADMIN. */
  readonly endpoint: string;
  /** Adds a hook for every answer to `operation` (until clear()). */
  onAnswered(operation: string, hook: AnsweredHook): void;
  clear(): void;
  close(): Promise<void>;
}

async function bodyOf(message: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of message) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

function operationOf(message: IncomingMessage): string {
  const target = message.headers['x-amz-target'];
  return typeof target === 'string' ? target.slice(target.lastIndexOf('.') + 1) : '';
}

export async function startInterceptor(upstreamEndpoint: string): Promise<Interceptor> {
  const upstream = new URL(upstreamEndpoint);
  const hooks = new Map<string, AnsweredHook[]>();
  const server = createServer((incoming, outgoing) => {
    void (async () => {
      const body = await bodyOf(incoming);
      const answer = await new Promise<IncomingMessage>((resolve, reject) => {
        const call = forward(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: incoming.method,
            path: incoming.url,
            headers: incoming.headers,
          },
          resolve,
        );
        call.on('error', reject);
        call.end(body);
      });
      const answerBody = await bodyOf(answer);
      const statusCode = answer.statusCode ?? 502;
      for (const hook of hooks.get(operationOf(incoming)) ?? []) hook(statusCode);
      // The Date header follows Date.now(), so under virtual time the service's clock agrees with the
      // handler's, as NTP-synced clocks do: otherwise the SDK sees a skew of minutes and retries the call
      // after correcting its clock (a clock-skew-corrected error counts as transient).
      outgoing.sendDate = false;
      outgoing.writeHead(statusCode, { ...answer.headers, date: new Date(Date.now()).toUTCString() });
      outgoing.end(answerBody);
    })().catch((error: unknown) => {
      outgoing.writeHead(502, { 'content-type': 'text/plain' });
      outgoing.end(`interceptor: ${String(error)}`);
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    onAnswered(operation, hook) {
      hooks.set(operation, [...(hooks.get(operation) ?? []), hook]);
    },
    clear() {
      hooks.clear();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/**
 * An interceptor in front of the file's emulator (call after useEmulator). Calling the returned function
 * routes the handlers' SSO Admin clients created from then on (each test's fresh credentials make a new one)
 * through the interceptor for the current test; hooks and routing are reset after each test.
 */
export function useInterceptor(emulator: () => RunningEmulator): () => Interceptor {
  let interceptor: Interceptor | undefined;
  beforeAll(async () => {
    interceptor = await startInterceptor(emulator().endpoint);
  });
  afterAll(async () => {
    await interceptor?.close();
  });
  afterEach(() => {
    interceptor?.clear();
    process.env.AWS_ENDPOINT_URL_SSO_ADMIN = emulator().endpoint;
  });
  return () => {
    if (!interceptor) throw new Error('the interceptor is not running (useInterceptor runs in beforeAll)');
    process.env.AWS_ENDPOINT_URL_SSO_ADMIN = interceptor.endpoint;
    return interceptor;
  };
}

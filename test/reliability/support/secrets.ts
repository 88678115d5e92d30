// Helpers for the secrets suite: a ledger of every secret handed to the handlers, the encoded forms a leak
// could take, and a capture of everything the process writes (console and the raw stdout/stderr streams).
import { format } from 'node:util';
import type { CredentialsPayload, HandlerRequestPayload } from '../../../dev/driver';
import { sessionCredentials } from './harness';

/** Every credential value and bearer token given to a handler during the suite. */
export class SecretLedger {
  private readonly values = new Set<string>();

  credentials(): CredentialsPayload {
    const credentials = sessionCredentials();
    this.addCredentials(credentials);
    return credentials;
  }

  addCredentials(credentials: CredentialsPayload): void {
    for (const value of [credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken]) {
      this.add(value);
    }
  }

  add(value: string): void {
    if (value !== '') this.values.add(value);
  }

  /** The bearer token (and any credentials) of a request. */
  addRequest(request: HandlerRequestPayload): void {
    this.add(request.bearerToken);
    this.addCredentials(request.requestData.callerCredentials);
    if (request.requestData.providerCredentials) this.addCredentials(request.requestData.providerCredentials);
  }

  all(): string[] {
    return [...this.values];
  }
}

/**
 * The forms in which a secret could show up in text: as is, URL-encoded, JSON-escaped, and base64 /
 * base64url at each of the three byte alignments it could have inside a longer encoded blob (the characters
 * that depend on neighbouring bytes are cut off).
 */
export function encodedForms(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]);
  const bytes = Buffer.from(secret, 'utf8');
  for (let alignment = 0; alignment < 3; alignment++) {
    const padded = Buffer.concat([Buffer.alloc(alignment), bytes]);
    for (const encoding of ['base64', 'base64url'] as const) {
      const encoded = padded.toString(encoding).replace(/=+$/, '');
      // Drop the first group when it mixes in the padding bytes, and the last (partial) group.
      const core = encoded.slice(alignment === 0 ? 0 : 4, encoded.length - 4);
      if (core.length >= 16) forms.add(core);
    }
  }
  return [...forms];
}

/** The first secret form found in `text`, described without the secret itself. */
export function findLeak(text: string, secrets: readonly string[]): string | undefined {
  for (const [index, secret] of secrets.entries()) {
    for (const form of encodedForms(secret)) {
      if (text.includes(form)) {
        return `secret #${index} (${secret.length} chars) appears${form === secret ? '' : ' in an encoded form'}`;
      }
    }
  }
  return undefined;
}

const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/**
 * Captures every console call (formatted as console would) and every raw write to process.stdout and
 * process.stderr, and keeps them out of the test output. Undone by jest.restoreAllMocks().
 */
export class OutputCapture {
  readonly lines: string[] = [];

  install(): this {
    for (const method of CONSOLE_METHODS) {
      jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        this.lines.push(format(...args));
      });
    }
    for (const stream of [process.stdout, process.stderr]) {
      jest.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
        this.lines.push(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
        return true;
      });
    }
    return this;
  }

  text(): string {
    return this.lines.join('\n');
  }
}

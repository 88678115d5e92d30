import { createHash } from 'node:crypto';
import { HandlerErrorCode } from '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib';
import { classifyError, errorMessage, isErrorNamed, isResourceAbsent, kmsReasonOf } from './errors';
import { remainingWorkMs } from './invocation';
import { isRecord } from './records';

/**
 * LIST paging, shared by both types. The handler contract (cloudformation-cli
 * doc_source/resource-type-test-contract.md, "List handlers"): a list handler MUST answer within 30 seconds,
 * MUST support pagination with a NextToken usable in the next request and null once everything is returned,
 * and MUST return an empty array when nothing is found. A page therefore stops when its time or size budget is
 * spent, and its NextToken says where the walk resumes.
 */
export const LIST_PAGE = {
  /** No SSO Admin call starts after this much of a page (at most the Lambda time left minus its margin). */
  workMs: 20_000,
  /**
   * A call still running this long into a page is abandoned and repeated by the next page, so the answer leaves
   * well inside the contract's 30 s. With a smaller work budget (tests), later calls are cut at 5/4 of it.
   */
  answerMs: 25_000,
  /**
   * Models per page. A model at the schema's longest values serializes to about 340 bytes, so a full page stays
   * under 0.7 MB, far below Lambda's 6 MB response payload quota.
   */
  maxModels: 2_000,
  /** MaxResults of SSO Admin's List* operations: 1..100 in the API model. */
  ssoPageSize: 100,
} as const;

/**
 * Test and development knobs, read at every LIST invocation. They can only lower the budget (a registered
 * type's Lambda has no environment of ours, so production always runs on LIST_PAGE).
 */
export const LIST_PAGE_ENV = {
  workMs: 'SSO_LIST_PAGE_WORK_MS',
  maxModels: 'SSO_LIST_PAGE_MAX_MODELS',
} as const;

export interface PageLimits {
  readonly workMs: number;
  readonly maxModels: number;
}

function limitFromEnv(name: string, value: string | undefined, min: number, max: number): number {
  if (value === undefined || value === '') return max;
  const parsed = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw Object.assign(
      new Error(`environment variable ${name} must be a whole number from ${min} to ${max}, got '${value}'`),
      { name: 'ListSettingError' },
    );
  }
  return parsed;
}

/** The page budget: LIST_PAGE, lowered by the environment variables of LIST_PAGE_ENV when they are set. */
export function pageLimits(env: NodeJS.ProcessEnv = process.env): PageLimits {
  return {
    workMs: limitFromEnv(LIST_PAGE_ENV.workMs, env[LIST_PAGE_ENV.workMs], 0, LIST_PAGE.workMs),
    maxModels: limitFromEnv(LIST_PAGE_ENV.maxModels, env[LIST_PAGE_ENV.maxModels], 1, LIST_PAGE.maxModels),
  };
}

/** Why a page was answered before the walk ended. */
export type PageStop =
  'time budget' | 'model budget' | 'call cut at the answer deadline' | `${string} after retries`;

/**
 * Counts one page's SSO Admin calls and models against its limits. The first call of a page always runs (so
 * every page moves the walk on); after it, a call starts only while the time and model budgets last.
 */
export class PageBudget {
  /** MaxResults for calls that return models: a call never brings more models than a page may still hold. */
  readonly ssoPageSize: number;
  private calls = 0;
  private models = 0;
  private stop: PageStop | undefined;
  private readonly workUntil: number;
  private readonly firstCallLimitMs: number;
  private readonly firstCallCutAt: number;
  private readonly laterCallsCutAt: number;

  constructor(
    private readonly limits: PageLimits,
    private readonly now: () => number = Date.now,
    startedAt: number = now(),
    remainingMs: number = remainingWorkMs(startedAt),
  ) {
    this.ssoPageSize = Math.min(LIST_PAGE.ssoPageSize, limits.maxModels);
    const cut = (ms: number): number => startedAt + Math.max(0, Math.min(ms, remainingMs));
    this.workUntil = cut(limits.workMs);
    this.firstCallCutAt = cut(LIST_PAGE.answerMs);
    this.firstCallLimitMs = this.firstCallCutAt - startedAt;
    this.laterCallsCutAt = cut(
      Math.min(LIST_PAGE.answerMs, (limits.workMs * LIST_PAGE.answerMs) / LIST_PAGE.workMs),
    );
  }

  /** SSO Admin calls answered in this page. */
  get callsAnswered(): number {
    return this.calls;
  }

  /** Why the page stopped early; undefined while it may go on. */
  get stoppedBy(): PageStop | undefined {
    return this.stop;
  }

  countModels(count: number): void {
    this.models += count;
  }

  private spent(): PageStop | undefined {
    if (this.calls === 0) return undefined;
    if (this.now() >= this.workUntil) return 'time budget';
    if (this.models + this.ssoPageSize > this.limits.maxModels) return 'model budget';
    return undefined;
  }

  /**
   * Runs one SSO Admin call with an abort signal at the page's cut-off; `undefined` when the page must be answered
   * instead (budget spent, call cut off, or a transient error once the page has made progress: the next page
   * repeats the call rather than the whole LIST failing).
   */
  async call<T>(send: (abortSignal: AbortSignal) => Promise<T>): Promise<{ value: T } | undefined> {
    this.stop ??= this.spent();
    if (this.stop) return undefined;
    const first = this.calls === 0;
    const cutAt = first ? this.firstCallCutAt : this.laterCallsCutAt;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), Math.max(0, cutAt - this.now()));
    try {
      const value = await send(controller.signal);
      this.calls++;
      return { value };
    } catch (error: unknown) {
      if (controller.signal.aborted) {
        if (first) {
          // Named as the SDK names its own timeouts, so the error table answers NetworkFailure.
          throw Object.assign(
            new Error(
              `SSO Admin did not answer within ${this.firstCallLimitMs} ms, the most a LIST page can wait for a call`,
            ),
            { name: 'TimeoutError' },
          );
        }
        this.stop = 'call cut at the answer deadline';
        return undefined;
      }
      if (!first && isTransient(error)) {
        this.stop = `${errorName(error)} after retries`;
        return undefined;
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}

/** The error table's transient rows (those a write calls back on) and network failures. */
function isTransient(error: unknown): boolean {
  const outcome = classifyError(error, 'delete');
  return outcome.kind === 'retry-later' || outcome.code === HandlerErrorCode.NetworkFailure;
}

/** SSO Admin refusing one of its own NextTokens (ValidationException without a KMS reason). */
export function rejectsToken(error: unknown): boolean {
  return isErrorNamed(error, 'ValidationException') && kmsReasonOf(error) === undefined;
}

/** A NextToken the handler cannot resume from: InvalidRequest, with a message naming NextToken and the fault. */
export class PageTokenError extends Error {
  override readonly name = 'PageTokenError';
}

/** What a listing call answers when the thing it lists from is gone (ResourceNotFoundException, no KMS Reason). */
export const ABSENT = Symbol('absent');

/**
 * One SSO Admin call of a listing, through the page budget: its value, 'stop' when the page must be answered
 * first, or ABSENT when the instance, permission set or application listed from is gone (it has no assignments).
 * `fromRequest`: the call resumes from an SSO Admin NextToken the request's own NextToken carried, so SSO Admin
 * refusing it makes the request's token stale (PageTokenError), not the LIST broken.
 */
export async function listCall<T>(
  budget: PageBudget,
  fromRequest: boolean,
  call: (abortSignal: AbortSignal) => Promise<T>,
): Promise<T | typeof ABSENT | 'stop'> {
  try {
    const answered = await budget.call(async (abortSignal) => {
      try {
        return await call(abortSignal);
      } catch (error: unknown) {
        if (isResourceAbsent(error)) return ABSENT;
        throw error;
      }
    });
    return answered ? answered.value : 'stop';
  } catch (error: unknown) {
    if (fromRequest && rejectsToken(error)) {
      throw new PageTokenError(
        `NextToken is stale: SSO Admin no longer accepts the position it holds (${errorMessage(error)}); start the LIST again without NextToken`,
      );
    }
    throw error;
  }
}

const TOKEN_VERSION = 1;
/** Far above any token this handler issues (a position holds at most three SSO Admin tokens of <= 2048). */
const MAX_TOKEN_LENGTH = 12_000;

function digest(value: string, bytes: number): string {
  return createHash('sha256').update(value).digest().subarray(0, bytes).toString('base64url');
}

/** The filter properties of a LIST, by schema name; absent ones are undefined. Order matters: keep it fixed. */
export type ListFilterValues = readonly (readonly [name: string, value: string | undefined])[];

function filterDigest(filter: ListFilterValues): string {
  return digest(JSON.stringify(filter.map(([name, value]) => [name, value ?? null])), 8);
}

function checksum(version: number, kind: string, filter: string, cursor: unknown): string {
  return digest(JSON.stringify([version, kind, filter, cursor]), 16);
}

/**
 * The NextToken for a position: base64url JSON of the format version, the listing kind, a digest of the filter
 * and the position, sealed by a checksum. The same position and filter always give the same token. The
 * checksum catches corruption and edits; it is not a secret, so a hand-made token can pass it, and the position
 * itself is therefore checked against the filter when read (readPageToken). Every call uses the caller's own
 * credentials, so a token reaches nothing the caller could not list directly.
 */
export function sealPageToken(kind: string, filter: ListFilterValues, cursor: unknown): string {
  const f = filterDigest(filter);
  const payload = { v: TOKEN_VERSION, k: kind, f, c: cursor, s: checksum(TOKEN_VERSION, kind, f, cursor) };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/**
 * The position a NextToken holds, checked: issued by this handler version for this kind of listing and this
 * filter, unaltered, and a position inside the filter (`readCursor`, which throws PageTokenError).
 */
export function readPageToken<TCursor>(
  kind: string,
  filter: ListFilterValues,
  token: string,
  readCursor: (cursor: unknown) => TCursor,
): TCursor {
  if (token.length > MAX_TOKEN_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) {
    throw new PageTokenError(
      'NextToken is not a token this handler issued: it is not base64url text of a page position',
    );
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    payload = undefined;
  }
  if (!isRecord(payload) || !('c' in payload) || typeof payload.s !== 'string') {
    throw new PageTokenError('NextToken is corrupted: it does not decode to a page position');
  }
  const { v, k, f, c, s } = payload;
  if (v !== TOKEN_VERSION) {
    throw new PageTokenError(
      `NextToken is stale: it has format version ${JSON.stringify(v)} and this handler reads version ${TOKEN_VERSION}; start the LIST again without NextToken`,
    );
  }
  if (k !== kind) {
    throw new PageTokenError(`NextToken was issued by a LIST of ${JSON.stringify(k)}, not of ${kind}`);
  }
  if (typeof f !== 'string' || s !== checksum(TOKEN_VERSION, kind, f, c)) {
    throw new PageTokenError('NextToken has been altered: its checksum does not match its content');
  }
  if (f !== filterDigest(filter)) {
    const names = filter.map(([name]) => name).join(', ');
    throw new PageTokenError(
      `NextToken was issued for other filter properties: send the same ${names} as on the first page, or start again without NextToken`,
    );
  }
  return readCursor(c);
}

/** What the cursor readers use to reject a position: the message names NextToken and the rule broken. */
export function invalidPosition(rule: string): PageTokenError {
  return new PageTokenError(`NextToken holds a position that is not valid: ${rule}`);
}

/** A string no longer than SSO Admin's NextToken (API model Token: at most 2048 characters), or undefined. */
export function optionalSsoToken(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) {
    throw invalidPosition(`${field} must be an SSO Admin NextToken (1 to 2048 characters)`);
  }
  return value;
}

/** One answered page: the keys found and the NextToken to resume from (undefined once the walk is complete). */
export interface AnsweredPage<TKey> {
  readonly kind: 'page';
  readonly keys: TKey[];
  readonly nextToken?: string;
  readonly calls: number;
  readonly stoppedBy?: PageStop;
}

export interface RejectedToken {
  readonly kind: 'rejected';
  readonly message: string;
}

export interface Listing<TCursor, TKey> {
  /** Bound into the token, so a token of one type's LIST is refused by the other's. */
  readonly kind: string;
  readonly filter: ListFilterValues;
  readonly readCursor: (cursor: unknown) => TCursor;
  /** Walks from `from` (the start when undefined) until the walk ends or the budget stops it. */
  readonly walk: (from: TCursor | undefined, budget: PageBudget) => Promise<{ keys: TKey[]; next?: TCursor }>;
}

/** One LIST invocation: reads the request's NextToken, walks one page, and seals the next position. */
export async function listPage<TCursor, TKey>(
  listing: Listing<TCursor, TKey>,
  requestToken: string | undefined,
  budget: PageBudget = new PageBudget(pageLimits()),
): Promise<AnsweredPage<TKey> | RejectedToken> {
  try {
    // An empty NextToken is what some callers send for the first page; treat it as absent.
    const from = requestToken
      ? readPageToken(listing.kind, listing.filter, requestToken, listing.readCursor)
      : undefined;
    const { keys, next } = await listing.walk(from, budget);
    return {
      kind: 'page',
      keys,
      nextToken: next === undefined ? undefined : sealPageToken(listing.kind, listing.filter, next),
      calls: budget.callsAnswered,
      stoppedBy: budget.stoppedBy,
    };
  } catch (error: unknown) {
    if (error instanceof PageTokenError) return { kind: 'rejected', message: error.message };
    throw error;
  }
}

/** The log line of a page: counts and why it stopped, never the token (it holds the caller's ARNs). */
export function describePage(page: AnsweredPage<unknown>, what: string): string {
  const more =
    page.nextToken === undefined
      ? 'the last page'
      : `more to come (page ended by: ${page.stoppedBy ?? 'budget'})`;
  return `listed ${page.keys.length} ${what} in ${page.calls} SSO Admin calls; ${more}`;
}

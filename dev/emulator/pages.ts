/**
 * Pagination shared by the emulated services: an opaque NextToken that names the operation (and, where a list
 * depends on an input such as Organizations' ParentId, that input), so a token is refused by any other call.
 */
import type { ServiceError } from './errors';

interface PageToken {
  operation: string;
  /** The input the list was taken for (e.g. a ParentId); absent where the list depends on none. */
  scope?: string;
  offset: number;
}

function encodeToken(token: PageToken): string {
  const body = {
    o: token.operation,
    i: token.offset,
    ...(token.scope === undefined ? {} : { s: token.scope }),
  };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

function decodeToken(expected: Omit<PageToken, 'offset'>, text: string): number | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { o, i, s } = parsed as Record<string, unknown>;
  if (o !== expected.operation || s !== expected.scope) return undefined;
  return typeof i === 'number' && Number.isInteger(i) && i >= 0 ? i : undefined;
}

export interface PageRequest {
  operation: string;
  scope?: string;
  /** How many items this page holds at most. */
  pageSize: number;
  /** The caller's NextToken; an empty one is what some callers send on the first page, and counts as absent. */
  nextToken?: string;
  /** Answer an empty page that still carries a NextToken (Organizations documents that its lists may). */
  empty?: boolean;
  /** The error for a token this call did not hand out. */
  invalidToken: () => ServiceError;
}

export interface Page<T> {
  page: T[];
  nextToken?: string;
}

export function paginate<T>(items: readonly T[], request: PageRequest): Page<T> {
  const { operation, scope } = request;
  let offset = 0;
  if (request.nextToken) {
    const decoded = decodeToken({ operation, ...(scope === undefined ? {} : { scope }) }, request.nextToken);
    if (decoded === undefined) throw request.invalidToken();
    offset = decoded;
  }
  const tokenAt = (at: number): string =>
    encodeToken({ operation, offset: at, ...(scope === undefined ? {} : { scope }) });
  if (request.empty && offset < items.length) return { page: [], nextToken: tokenAt(offset) };
  const page = items.slice(offset, offset + request.pageSize);
  const next = offset + request.pageSize;
  return next < items.length ? { page, nextToken: tokenAt(next) } : { page };
}

/**
 * A failed call, as SDK v2 described it: the v3 error itself (its class and `name` kept), with v2's `code`
 * (the v3 error name), `statusCode`, `requestId` and `time` added.
 */
export type AWSError = Error & {
  code: string;
  message: string;
  retryable?: boolean;
  statusCode?: number;
  time: Date;
  requestId?: string;
};

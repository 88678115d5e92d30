/** A v2 call's result: the v3 output without `$metadata` (v2's `$response` is not provided). */
export type PromiseResult<D, E> = D & { readonly $response?: { readonly error?: E } };

export interface HttpRequestHeaders {
  headers: Record<string, string>;
}

/** The part of SDK v2's `AWS.Request` the bridge serves: a 'build' listener may add headers. */
export declare class Request<D, E> {
  readonly httpRequest: HttpRequestHeaders;
  on(event: 'build', listener: (request: Request<D, E>) => void): Request<D, E>;
  promise(): Promise<PromiseResult<D, E>>;
}

// @ts-check
'use strict';

/**
 * SDK v2-shaped clients (`new CloudWatchLogs(options)`, `config.update`, `makeRequest(operation, params)`,
 * `request.on('build', …)`, `request.promise()`) whose calls are sent by SDK v3 clients. It serves what the
 * CloudFormation TypeScript runtime lib (1.0.6: proxy.js, log-delivery.js, metrics.js) does with SDK v2,
 * nothing more. The v3 client package is loaded on a client's first request, so a handler that gets no
 * provider credentials (no log delivery, no metrics) never loads it.
 */

/**
 * @typedef {import('./service').ServiceConfigurationOptions} ServiceConfigurationOptions
 * @typedef {import('./service').ServiceConfiguration} ServiceConfiguration
 * @typedef {import('./error').AWSError} AWSError
 * @typedef {import('./request').Request<object, AWSError>} V2Request
 * @typedef {import('./service').Service} V2Service
 */

/**
 * The settings of the HTTP handler every bridged v3 client uses.
 * @typedef {object} SharedRequestHandlerOptions
 * @property {number} connectionTimeout
 * @property {number} requestTimeout
 * @property {import('node:http').Agent} httpAgent
 * @property {import('node:https').Agent} httpsAgent
 */

/**
 * The settings a v3 client is built with.
 * @typedef {object} V3ClientConfig
 * @property {string | undefined} region
 * @property {import('./credentials').CredentialsOptions} [credentials]
 * @property {string} [endpoint]
 * @property {SharedRequestHandlerOptions} requestHandler
 */

/**
 * A connected service: the v2 operation names it serves, each sending the v3 command of the same operation.
 * @typedef {object} Connection
 * @property {Readonly<Record<string, (input: object) => Promise<object>>>} operations
 */

/** @typedef {(config: V3ClientConfig) => Connection} Connect */

/**
 * Per attempt, as the handlers' own SSO Admin client (src/core/retry-policy.ts): log delivery and metrics
 * run inside the handler's invocation, so a stalled endpoint must not hold its answer for long.
 */
const CONNECTION_TIMEOUT_MS = 3_000;
const REQUEST_TIMEOUT_MS = 10_000;

/** Headers the lib's 'build' listeners set, keyed by the v3 command input they belong to. */
const headersByInput = new WeakMap();

/**
 * The runtime lib builds new v2 clients (`refreshClient()`) on every invocation that carries provider
 * credentials. Were each v3 client to keep its own keep-alive agent, every invocation would leave its idle
 * sockets open for the life of the warm process. So all bridged v3 clients send through these two agents
 * (created on the first request), and none of them is ever destroyed: dropping one closes nothing in use.
 * @type {{ httpAgent: import('node:http').Agent, httpsAgent: import('node:https').Agent } | undefined}
 */
let sharedAgents;

function agents() {
  if (!sharedAgents) {
    const http = require('node:http');
    const https = require('node:https');
    // The SDK's own defaults for the agents it would create.
    sharedAgents = {
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: 50 }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: 50 }),
    };
  }
  return sharedAgents;
}

/**
 * The last connection made per service, with the settings it was made with. A v2 client asks for it on each
 * request, so the lib's five clients per invocation share three v3 clients across warm invocations; other
 * settings (new credentials, another region or endpoint) make a new connection that replaces it.
 * @type {WeakMap<Connect, { key: string, connection: Connection }>}
 */
const lastConnections = new WeakMap();

/**
 * @param {Connect} connect
 * @param {V3ClientConfig} config
 * @returns {Connection}
 */
function connectionFor(connect, config) {
  // Everything the v3 client is built from, besides the shared, fixed request handler.
  const key = JSON.stringify([
    config.region ?? null,
    config.endpoint ?? null,
    config.credentials?.accessKeyId ?? null,
    config.credentials?.secretAccessKey ?? null,
    config.credentials?.sessionToken ?? null,
  ]);
  const last = lastConnections.get(connect);
  if (last?.key === key) return last.connection;
  const connection = connect(config);
  lastConnections.set(connect, { key, connection });
  return connection;
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, unknown>}
 */
function isPlainObject(value) {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * SDK v2 leaves null and undefined members out of a request; v3 would send `null` for some. The lib passes
 * `sequenceToken: null` to putLogEvents.
 * @param {unknown} value
 * @returns {unknown}
 */
function withoutNulls(value) {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isPlainObject(value)) return value;
  /** @type {Record<string, unknown>} */
  const kept = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== null && member !== undefined) kept[key] = withoutNulls(member);
  }
  return kept;
}

/**
 * @param {unknown} request
 * @returns {request is { headers: Record<string, string> }}
 */
function hasHeaders(request) {
  return (
    typeof request === 'object' && request !== null && 'headers' in request && isPlainObject(request.headers)
  );
}

/**
 * Adds to a v3 client the build-step middleware that puts a request's 'build'-listener headers on the HTTP
 * request (before signing, as v2 did, so they are signed).
 * @template {object} Input
 * @template {object} Output
 * @param {import('@smithy/types').MiddlewareStack<Input, Output>} stack
 */
function addHeaderMiddleware(stack) {
  stack.add(
    (next) => async (args) => {
      const headers = headersByInput.get(args.input);
      if (headers && hasHeaders(args.request)) Object.assign(args.request.headers, headers);
      return next(args);
    },
    { step: 'build', name: 'awsSdkV2BridgeHeadersMiddleware' },
  );
}

/**
 * The v3 error, described as v2 did (`code`, `statusCode`, `requestId`, `time`). `retryable` is left
 * unset: the v3 client has already retried, and the lib's metrics.js rethrows a `retryable` error, which
 * would fail the handler's request over a metric.
 * @param {unknown} error
 * @returns {unknown}
 */
function asAwsError(error) {
  if (!(error instanceof Error)) return error;
  const metadata = '$metadata' in error && isPlainObject(error.$metadata) ? error.$metadata : {};
  const statusCode = metadata.httpStatusCode;
  const requestId = metadata.requestId;
  return Object.assign(error, {
    code: 'code' in error && typeof error.code === 'string' ? error.code : error.name,
    time: new Date(),
    ...(typeof statusCode === 'number' ? { statusCode } : {}),
    ...(typeof requestId === 'string' ? { requestId } : {}),
  });
}

/**
 * @param {object} output
 * @returns {object}
 */
function withoutMetadata(output) {
  if (!('$metadata' in output)) return output;
  const { $metadata: _metadata, ...rest } = output;
  return rest;
}

/** @implements {ServiceConfiguration} */
class Config {
  /** @param {ServiceConfigurationOptions} options */
  constructor(options) {
    /** @type {ServiceConfigurationOptions['credentials']} */
    this.credentials = options.credentials;
    /** @type {string | undefined} */
    this.region = options.region;
    /** @type {string | undefined} */
    this.endpoint = options.endpoint;
  }

  /** @param {ServiceConfigurationOptions} options */
  update(options) {
    if ('credentials' in options) this.credentials = options.credentials;
    if ('region' in options) this.region = options.region;
    if ('endpoint' in options) this.endpoint = options.endpoint;
  }

  /** @returns {V3ClientConfig} */
  toV3() {
    const credentials = this.credentials;
    return {
      region: this.region,
      // A copy: v3 annotates the credentials object it is given.
      ...(credentials
        ? {
            credentials: {
              accessKeyId: credentials.accessKeyId,
              secretAccessKey: credentials.secretAccessKey,
              ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
            },
          }
        : {}),
      ...(this.endpoint ? { endpoint: this.endpoint } : {}),
      requestHandler: {
        connectionTimeout: CONNECTION_TIMEOUT_MS,
        requestTimeout: REQUEST_TIMEOUT_MS,
        ...agents(),
      },
    };
  }
}

/** @implements {V2Request} */
class BridgedRequest {
  /**
   * @param {(headers: Record<string, string>) => Promise<object>} send
   */
  constructor(send) {
    this.send = send;
    /** Where 'build' listeners put headers, as on v2's `request.httpRequest`. */
    this.httpRequest = { headers: /** @type {Record<string, string>} */ ({}) };
    /** @type {Array<(request: BridgedRequest) => void>} */
    this.buildListeners = [];
  }

  /**
   * @param {'build'} event
   * @param {(request: BridgedRequest) => void} listener
   */
  on(event, listener) {
    if (event !== 'build')
      throw new Error(`The aws-sdk v2 bridge serves the request event 'build' only, not '${event}'`);
    this.buildListeners.push(listener);
    return this;
  }

  promise() {
    for (const listener of this.buildListeners) listener(this);
    return this.send({ ...this.httpRequest.headers });
  }
}

/**
 * A v2-shaped client of one service. Subclasses name the service and how to connect to it.
 * @implements {V2Service}
 */
class BridgedService {
  /**
   * @param {string} serviceIdentifier SDK v2's identifier of the service
   * @param {Connect} connect builds the v3 client (loading its package) and the operation table
   * @param {ServiceConfigurationOptions} [options]
   */
  constructor(serviceIdentifier, connect, options = {}) {
    this.serviceIdentifier = serviceIdentifier;
    this.connect = connect;
    this.config = new Config(options);
  }

  /**
   * @param {string} operation a v2 operation name (lowerCamelCase), e.g. 'putLogEvents'
   * @param {object} [params]
   */
  makeRequest(operation, params = {}) {
    return new BridgedRequest((headers) => this.send(operation, params, headers));
  }

  /**
   * @param {string} operation
   * @param {object} params
   * @param {Record<string, string>} headers
   * @returns {Promise<object>}
   */
  async send(operation, params, headers) {
    // Looked up per request: the settings may have changed since (config.update).
    const { operations } = connectionFor(this.connect, this.config.toV3());
    const call = Object.hasOwn(operations, operation) ? operations[operation] : undefined;
    if (!call) {
      throw Object.assign(
        new Error(`The aws-sdk v2 bridge does not serve ${this.serviceIdentifier}.${operation}`),
        { code: 'UnsupportedOperation', time: new Date() },
      );
    }
    const input = withoutNulls(params);
    if (!isPlainObject(input)) throw new TypeError(`${operation}: the parameters must be an object`);
    if (Object.keys(headers).length > 0) headersByInput.set(input, headers);
    try {
      return withoutMetadata(await call(input));
    } catch (error) {
      throw asAwsError(error);
    }
  }
}

module.exports = { BridgedService, addHeaderMiddleware };

/**
 * The HTTP front end: AWS JSON 1.1 on `POST /` (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html)
 * plus the emulator's admin routes under `/__emulator/`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { ServiceError, throttled, validationError, type ErrorName } from './errors';
import { FaultController, parseFaultRequest } from './faults';
import { IdentityStoreService, isIdentityStoreOperation } from './identity-store';
import { serviceModel, shapeViolations, validationMessage, type EmulatedService } from './model';
import {
  asOrganizationsError,
  invalidInput,
  isOrganizationsOperation,
  OrganizationsService,
  tooManyRequests,
} from './organizations';
import { SYSTEM_CLOCK, TokenBucket, type Clock } from './rate-limit';
import { SsoAdminService, type JsonObject } from './service';
import { applyStateMutation, EmulatorState, parseStateMutation } from './state';
import { DEFAULT_WORLD, type World } from './world';

/** The operations the emulator implements; any other target gets UnknownOperationException. */
export const EMULATED_OPERATIONS = [
  'ListInstances',
  'DescribeInstance',
  'CreatePermissionSet',
  'DescribePermissionSet',
  'ListPermissionSets',
  'DeletePermissionSet',
  'CreateAccountAssignment',
  'DeleteAccountAssignment',
  'DescribeAccountAssignmentCreationStatus',
  'DescribeAccountAssignmentDeletionStatus',
  'ListAccountAssignmentCreationStatus',
  'ListAccountAssignmentDeletionStatus',
  'ListAccountAssignments',
  'ListAccountAssignmentsForPrincipal',
  'ListAccountsForProvisionedPermissionSet',
  'ListPermissionSetsProvisionedToAccount',
  'CreateApplicationAssignment',
  'DeleteApplicationAssignment',
  'DescribeApplicationAssignment',
  'ListApplicationAssignments',
  'ListApplicationAssignmentsForPrincipal',
] as const;

export type EmulatedOperation = (typeof EMULATED_OPERATIONS)[number];

export interface EmulatorOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Time source in ms for provisioning and rate limiting; default Date.now. */
  clock?: Clock;
  /** How long an account-assignment write stays IN_PROGRESS; default 1000 ms. */
  provisioningMs?: number;
  /** Collective request rate (token bucket, one second of burst); default 20. Infinity or 0 disables it. */
  requestsPerSecond?: number;
  /** Outstanding IN_PROGRESS account-assignment writes allowed; default 15. */
  maxOutstandingAsyncWrites?: number;
  /** Seed DEFAULT_WORLD (default true). With false the world has the instance only: no permission sets,
   * principals, accounts or applications. */
  seed?: boolean;
  /** Page size of List operations when MaxResults is absent; default 20. */
  defaultPageSize?: number;
  /** Organizations' own request rate (token bucket, one second of burst); default 10. Infinity or 0 disables it. */
  organizationsRequestsPerSecond?: number;
  /**
   * The most one Organizations List page holds (MaxResults asks for at most 20); default 10, so a larger
   * MaxResults gets fewer items and a NextToken, as Organizations may answer.
   */
  organizationsPageSize?: number;
}

export interface ApiCallRecord {
  /**
   * Which service was called: SSO Admin (`SWBExternalService.*`), the Identity Store (`AWSIdentityStore.*`) or
   * Organizations (`AWSOrganizationsV20161128.*`).
   */
  service: EmulatedService;
  operation: string;
  /** The request body as parsed JSON (null when it was not JSON). Headers are never recorded. */
  input: unknown;
  /** Clock time (ms) when the request arrived. */
  at: number;
  outcome: 'ok' | ErrorName;
}

export interface RunningEmulator {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  region: string;
  calls(): readonly ApiCallRecord[];
  clearCalls(): void;
  faults: FaultController;
  state: EmulatorState;
  /** Back to the seeded world, no faults, calls cleared, rate limiter full. */
  reset(): void;
  close(): Promise<void>;
}

/** The default provisioning time, outstanding-write limit and collective rate. */
export const DEFAULTS = {
  provisioningMs: 1000,
  // Throttle limits: "a collective throttle limit of 20 transactions per second (TPS) … The write API
  // operations have a limit of 15 outstanding asynchronous calls."
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/aam-quotas.html)
  requestsPerSecond: 20,
  maxOutstandingAsyncWrites: 15,
  // The model documents no default page size for these List operations; 20 keeps pagination visible.
  defaultPageSize: 20,
  // Organizations has a request quota of its own, apart from SSO Admin's 20/s, but AWS publishes no figure for
  // it (awsdocs/aws-organizations-docs#39 asked for one; none was given). 10 per second is the emulator's
  // assumption: small, as Organizations throttles readily (TooManyRequestsException at a few callers).
  organizationsRequestsPerSecond: 10,
  // The model caps MaxResults at 20 and documents no default; 10 makes the seeded 60 accounts six pages.
  organizationsPageSize: 10,
} as const;

/** The X-Amz-Target prefix of each service (the models' `metadata.targetPrefix`); one port serves all three. */
const TARGET_PREFIXES: readonly (readonly [EmulatedService, string])[] = [
  ['sso-admin', `${serviceModel('sso-admin').metadata.targetPrefix}.`],
  ['identitystore', `${serviceModel('identitystore').metadata.targetPrefix}.`],
  ['organizations', `${serviceModel('organizations').metadata.targetPrefix}.`],
];

function targetOf(header: string | string[] | undefined): { service: EmulatedService; operation: string } {
  const target = typeof header === 'string' ? header : '';
  for (const [service, prefix] of TARGET_PREFIXES) {
    if (target.startsWith(prefix)) return { service, operation: target.slice(prefix.length) };
  }
  return { service: 'sso-admin', operation: '' };
}
const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';
const MAX_BODY_BYTES = 1024 * 1024;

/** The instance, and an organisation of its root alone. */
function emptyWorld(world: World): World {
  return {
    ...world,
    permissionSets: [],
    users: [],
    groups: [],
    accounts: [],
    organization: { ...world.organization, organizationalUnits: [] },
    applications: [],
  };
}

function isEmulatedOperation(name: string): name is EmulatedOperation {
  return (EMULATED_OPERATIONS as readonly string[]).includes(name);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new ServiceError('SerializationException', 'Request body too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(
  response: ServerResponse,
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(statusCode, {
    'content-type': JSON_CONTENT_TYPE,
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  response.end(text);
}

/**
 * Framework errors carry the Coral namespace AWS JSON services use (e.g.
 * `com.amazon.coral.service#UnknownOperationException`); the SDK strips everything up to `#`.
 */
function wireErrorType(name: ErrorName): string {
  return name === 'UnknownOperationException' || name === 'SerializationException'
    ? `com.amazon.coral.service#${name}`
    : name;
}

function sendError(response: ServerResponse, error: ServiceError): void {
  if (error.bare) {
    // No body at all, as a load balancer in front of the service would answer.
    response.writeHead(error.statusCode, { 'content-length': 0 });
    response.end();
    return;
  }
  const type = wireErrorType(error.errorName);
  sendJson(
    response,
    error.statusCode,
    { __type: type, message: error.message, ...error.members },
    { 'x-amzn-errortype': type },
  );
}

class Emulator implements RunningEmulator {
  endpoint = '';
  readonly region: string;
  readonly faults = new FaultController();
  readonly state: EmulatorState;
  private readonly service: SsoAdminService;
  private readonly identityStore: IdentityStoreService;
  private readonly organizations: OrganizationsService;
  private readonly bucket: TokenBucket;
  private readonly organizationsBucket: TokenBucket;
  private readonly clock: Clock;
  private records: ApiCallRecord[] = [];
  private readonly server: Server;

  constructor(options: EmulatorOptions) {
    this.clock = options.clock ?? SYSTEM_CLOCK;
    const seedWorld = options.seed === false ? emptyWorld(DEFAULT_WORLD) : DEFAULT_WORLD;
    this.region = seedWorld.region;
    this.service = new SsoAdminService(
      this.clock,
      this.faults,
      {
        provisioningMs: options.provisioningMs ?? DEFAULTS.provisioningMs,
        maxOutstandingAsyncWrites: options.maxOutstandingAsyncWrites ?? DEFAULTS.maxOutstandingAsyncWrites,
        defaultPageSize: options.defaultPageSize ?? DEFAULTS.defaultPageSize,
      },
      seedWorld,
    );
    const world = (): World => this.service.currentWorld;
    this.identityStore = new IdentityStoreService(world, {
      defaultPageSize: options.defaultPageSize ?? DEFAULTS.defaultPageSize,
    });
    this.organizations = new OrganizationsService(world, this.clock, this.faults, {
      pageSize: options.organizationsPageSize ?? DEFAULTS.organizationsPageSize,
    });
    this.state = new EmulatorState(this.service, this.organizations);
    this.bucket = new TokenBucket(this.clock, options.requestsPerSecond ?? DEFAULTS.requestsPerSecond);
    this.organizationsBucket = new TokenBucket(
      this.clock,
      options.organizationsRequestsPerSecond ?? DEFAULTS.organizationsRequestsPerSecond,
    );
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        const serviceError =
          error instanceof ServiceError
            ? error
            : new ServiceError('InternalServerException', 'The emulator failed to handle the request', 500);
        if (!response.headersSent) sendError(response, serviceError);
        else response.end();
      });
    });
    // SDK clients keep connections alive; do not let an idle one hold close() up.
    this.server.keepAliveTimeout = 1000;
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    this.endpoint = `http://127.0.0.1:${address.port}`;
  }

  calls(): readonly ApiCallRecord[] {
    return this.records.map((record) => structuredClone(record));
  }

  clearCalls(): void {
    this.records = [];
  }

  reset(): void {
    this.faults.clear();
    this.service.reset();
    this.bucket.reset();
    this.organizationsBucket.reset();
    this.records = [];
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/__emulator/')) return this.handleAdmin(request, response, url.pathname);
    const arrivedAt = this.clock.now();
    const { service, operation } = targetOf(request.headers['x-amz-target']);
    // Recorded in arrival order; the outcome is filled in when the request is answered.
    const record: ApiCallRecord = { service, operation, input: null, at: arrivedAt, outcome: 'ok' };
    this.records.push(record);
    try {
      const body = await readBody(request);
      try {
        record.input = body.trim() === '' ? {} : (JSON.parse(body) as unknown);
      } catch {
        record.input = null;
      }
      const output = await this.dispatch(request, service, operation, record.input);
      sendJson(response, 200, output);
    } catch (caught) {
      if (!(caught instanceof ServiceError)) throw caught;
      // Faults and framework checks name errors as SSO Admin does; Organizations' model names its own.
      const error = service === 'organizations' ? asOrganizationsError(caught) : caught;
      record.outcome = error.errorName;
      sendError(response, error);
    }
  }

  private async dispatch(
    request: IncomingMessage,
    service: EmulatedService,
    operation: string,
    input: unknown,
  ): Promise<JsonObject> {
    const known = {
      'sso-admin': isEmulatedOperation,
      identitystore: isIdentityStoreOperation,
      organizations: isOrganizationsOperation,
    }[service](operation);
    if (request.method !== 'POST' || !known) {
      // What AWS JSON services answer for a target they do not know.
      throw new ServiceError(
        'UnknownOperationException',
        operation ? `Unknown operation ${operation}` : 'Unknown operation',
      );
    }
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new ServiceError('SerializationException', 'Request body is not a JSON object');
    }
    // Stand-in for SigV4: the signature is not verified, only its presence. (AWS itself answers a missing
    // signature with MissingAuthenticationTokenException; the emulator uses the modelled AccessDeniedException.)
    if (!request.headers.authorization) {
      throw new ServiceError(
        'AccessDeniedException',
        'Missing Authentication Token: no Authorization header',
      );
    }
    if (this.faults.latencyMs > 0) await delay(this.faults.latencyMs);
    const injected = this.faults.takeRequestFault(operation);
    if (injected) throw injected;
    // The 20 requests/s are SSO Admin's collective quota; Organizations has its own bucket, and the Identity
    // Store quotas of its own that the emulator does not model.
    if (service === 'sso-admin' && !this.bucket.tryTake()) throw throttled('Rate exceeded');
    if (service === 'organizations' && !this.organizationsBucket.tryTake()) throw tooManyRequests();
    const model = serviceModel(service);
    const inputShape = model.operations[operation]?.input?.shape;
    if (inputShape) {
      const violations = shapeViolations(inputShape, input, '', model);
      if (violations.length > 0) {
        const message = validationMessage(violations.map((violation) => violation.message));
        throw service === 'organizations' ? invalidInput(message, violations) : validationError(message);
      }
    }
    if (service === 'identitystore' && isIdentityStoreOperation(operation)) {
      return this.identityStore.invoke(operation, input as JsonObject);
    }
    if (service === 'organizations' && isOrganizationsOperation(operation)) {
      return this.organizations.invoke(operation, input as JsonObject);
    }
    return this.service.invoke(operation, input as JsonObject);
  }

  private async handleAdmin(request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
    const route = `${request.method ?? 'GET'} ${path}`;
    const readJson = async (): Promise<unknown> => {
      const body = await readBody(request);
      try {
        return body.trim() === '' ? {} : (JSON.parse(body) as unknown);
      } catch {
        return undefined;
      }
    };
    const badRequest = (message: string): void => sendJson(response, 400, { error: message });
    switch (route) {
      case 'GET /__emulator/state':
        return sendJson(response, 200, this.state.snapshot());
      case 'POST /__emulator/state': {
        const mutation = parseStateMutation(await readJson());
        if (typeof mutation === 'string') return badRequest(mutation);
        try {
          return sendJson(response, 200, applyStateMutation(this.state, mutation));
        } catch (error) {
          return badRequest(error instanceof Error ? error.message : String(error));
        }
      }
      case 'GET /__emulator/faults':
        return sendJson(response, 200, this.faults.snapshot());
      case 'POST /__emulator/faults': {
        const fault = parseFaultRequest(await readJson());
        if (typeof fault === 'string') return badRequest(fault);
        this.faults.apply(fault);
        return sendJson(response, 200, this.faults.snapshot());
      }
      case 'DELETE /__emulator/faults':
        this.faults.clear();
        return sendJson(response, 200, this.faults.snapshot());
      case 'GET /__emulator/calls':
        return sendJson(response, 200, this.calls());
      case 'DELETE /__emulator/calls':
        this.clearCalls();
        return sendJson(response, 200, []);
      case 'POST /__emulator/reset':
        this.reset();
        return sendJson(response, 200, { reset: true });
      default:
        return sendJson(response, 404, { error: `No admin route ${route}` });
    }
  }
}

/** Starts an emulator on 127.0.0.1. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const emulator = new Emulator(options);
  await emulator.listen(options.port ?? 0);
  return emulator;
}

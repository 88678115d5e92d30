/**
 * A loopback stand-in for the three services the runtime lib delivers logs and metrics to, enough for the
 * SDK v3 clients behind the aws-sdk bridge:
 * - CloudWatch Logs, AWS JSON 1.1, `X-Amz-Target: Logs_20140328.<Operation>`;
 * - CloudWatch, AWS JSON 1.0 with query compatibility (@aws-sdk/client-cloudwatch ≥ 3.9xx),
 *   `X-Amz-Target: GraniteServiceVersion20100801.<Operation>`;
 * - S3, REST-XML, path-style (`/<bucket>/<key>`; the SDK uses path style for an IP-address endpoint).
 * Every request is recorded, with its body and the headers the tests look at.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  readonly service: 'logs' | 'cloudwatch' | 's3';
  readonly operation: string;
  /** The request path (S3: /<bucket>/<key>). */
  readonly path: string;
  /** JSON bodies parsed; S3 bodies as text. */
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

export interface FakeAwsOptions {
  /** Log groups that exist from the start. */
  readonly logGroups?: readonly string[];
  /** Log streams (`group/stream`… keyed by group) that exist from the start. */
  readonly logStreams?: ReadonlyMap<string, readonly string[]>;
}

export interface FakeAws {
  readonly endpoint: string;
  calls(service?: RecordedCall['service'], operation?: string): RecordedCall[];
  close(): Promise<void>;
}

const LOGS_TARGET = 'Logs_20140328.';
const CLOUDWATCH_TARGET = 'GraniteServiceVersion20100801.';

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, contentType: string, status: number, body: object): void {
  response.writeHead(status, { 'content-type': contentType });
  response.end(JSON.stringify(body));
}

function sendXml(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'application/xml' });
  response.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
}

function parseJson(text: string): Record<string, unknown> {
  const value: unknown = text === '' ? {} : JSON.parse(text);
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

export async function startFakeAws(options: FakeAwsOptions = {}): Promise<FakeAws> {
  const recorded: RecordedCall[] = [];
  const logGroups = new Set(options.logGroups ?? []);
  const logStreams = new Map<string, Set<string>>();
  for (const [group, streams] of options.logStreams ?? []) logStreams.set(group, new Set(streams));
  const buckets = new Set<string>();
  let sequence = 0;

  const logs = (operation: string, input: Record<string, unknown>, response: ServerResponse) => {
    const json = (status: number, body: object) =>
      sendJson(response, 'application/x-amz-json-1.1', status, body);
    const group = String(input.logGroupName ?? '');
    switch (operation) {
      case 'DescribeLogGroups': {
        const prefix = String(input.logGroupNamePrefix ?? '');
        return json(200, {
          logGroups: [...logGroups]
            .filter((name) => name.startsWith(prefix))
            .map((logGroupName) => ({ logGroupName })),
        });
      }
      case 'CreateLogGroup':
        if (logGroups.has(group)) {
          return json(400, {
            __type: 'ResourceAlreadyExistsException',
            message: 'The specified log group already exists',
          });
        }
        logGroups.add(group);
        return json(200, {});
      case 'CreateLogStream': {
        const streams = logStreams.get(group) ?? new Set<string>();
        logStreams.set(group, streams);
        if (streams.has(String(input.logStreamName))) {
          return json(400, {
            __type: 'ResourceAlreadyExistsException',
            message: 'The specified log stream already exists',
          });
        }
        streams.add(String(input.logStreamName));
        return json(200, {});
      }
      case 'DescribeLogStreams':
        return json(200, { logStreams: [] });
      case 'PutLogEvents':
        sequence += 1;
        return json(200, { nextSequenceToken: String(sequence) });
      default:
        return json(400, { __type: 'UnknownOperationException', message: operation });
    }
  };

  const s3 = (method: string, url: URL, response: ServerResponse): string => {
    const [, bucket = '', ...keyParts] = url.pathname.split('/');
    const key = keyParts.join('/');
    if (method === 'GET' && url.searchParams.get('list-type') === '2') {
      if (!buckets.has(bucket)) {
        sendXml(
          response,
          404,
          `<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>${bucket}</BucketName></Error>`,
        );
      } else {
        sendXml(
          response,
          200,
          `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${bucket}</Name><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>`,
        );
      }
      return 'ListObjectsV2';
    }
    if (method === 'PUT' && key === '') {
      buckets.add(bucket);
      response.writeHead(200, { location: `/${bucket}` });
      response.end();
      return 'CreateBucket';
    }
    if (method === 'PUT') {
      response.writeHead(200, { etag: '"0"' });
      response.end();
      return 'PutObject';
    }
    sendXml(response, 405, '<Error><Code>MethodNotAllowed</Code><Message>not served</Message></Error>');
    return `${method} ${url.pathname}`;
  };

  const server = createServer((request, response) => {
    void readBody(request).then((text) => {
      const target = request.headers['x-amz-target'];
      const url = new URL(request.url ?? '/', 'http://localhost');
      const header = (name: string) => {
        const value = request.headers[name];
        return Array.isArray(value) ? value.join(',') : value;
      };
      const headers = {
        authorization: header('authorization'),
        'x-amz-security-token': header('x-amz-security-token'),
        'x-amzn-logs-format': header('x-amzn-logs-format'),
        host: header('host'),
      };
      if (typeof target === 'string' && target.startsWith(LOGS_TARGET)) {
        const operation = target.slice(LOGS_TARGET.length);
        const input = parseJson(text);
        recorded.push({ service: 'logs', operation, path: url.pathname, body: input, headers });
        return logs(operation, input, response);
      }
      if (typeof target === 'string' && target.startsWith(CLOUDWATCH_TARGET)) {
        const operation = target.slice(CLOUDWATCH_TARGET.length);
        recorded.push({
          service: 'cloudwatch',
          operation,
          path: url.pathname,
          body: parseJson(text),
          headers,
        });
        return sendJson(response, 'application/x-amz-json-1.0', 200, {});
      }
      const operation = s3(request.method ?? 'GET', url, response);
      recorded.push({ service: 's3', operation, path: url.pathname, body: text, headers });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls: (service, operation) =>
      recorded.filter(
        (call) => (!service || call.service === service) && (!operation || call.operation === operation),
      ),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

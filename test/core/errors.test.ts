import { HandlerErrorCode } from '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib';
import { classifyError, codeForFailureReason, ERROR_TABLE } from '../../src/core/errors';

function namedError(name: string): Error {
  return Object.assign(new Error(`${name} from test`), { name });
}

const rows = ERROR_TABLE.flatMap((row) => row.names.map((name) => [name, row] as const));

test.each(rows)('%s → its table code for reads', (name, row) => {
  expect(classifyError(namedError(name), 'read')).toEqual({
    kind: 'fail',
    code: row.code,
    message: `${name}: ${name} from test`,
  });
});

test.each(rows)('%s on a write: retried later only where the table says so', (name, row) => {
  for (const kind of ['create', 'delete'] as const) {
    const outcome = classifyError(namedError(name), kind);
    expect(outcome.code).toBe((kind === 'create' && row.codeOnCreate) || row.code);
    expect(outcome.kind).toBe(row.writesRetryLater ? 'retry-later' : 'fail');
  }
  expect(classifyError(namedError(name), 'list').kind).toBe('fail');
});

test('on CREATE a missing referenced resource is InvalidRequest, elsewhere NotFound', () => {
  const error = namedError('ResourceNotFoundException');
  expect(classifyError(error, 'create').code).toBe(HandlerErrorCode.InvalidRequest);
  expect(classifyError(error, 'delete').code).toBe(HandlerErrorCode.NotFound);
  expect(classifyError(error, 'read').code).toBe(HandlerErrorCode.NotFound);
});

test('Node socket errors are matched by their code', () => {
  const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  expect(classifyError(error, 'read').code).toBe(HandlerErrorCode.NetworkFailure);
});

test('anything else is InternalFailure with its message', () => {
  expect(classifyError(namedError('BrandNewException'), 'create')).toEqual({
    kind: 'fail',
    code: HandlerErrorCode.InternalFailure,
    message: 'BrandNewException: BrandNewException from test',
  });
  expect(classifyError('a string', 'read')).toMatchObject({ code: HandlerErrorCode.InternalFailure });
});

test.each([
  ['User is not authorized to perform iam:CreateRole', HandlerErrorCode.AccessDenied],
  ['Rate exceeded', HandlerErrorCode.Throttling],
  ['Quota for roles per account reached: limit exceeded', HandlerErrorCode.ServiceLimitExceeded],
  ['The account 123456789012 is suspended', HandlerErrorCode.InvalidRequest],
  ["EntitlementItem doesn't exist", HandlerErrorCode.InvalidRequest],
  ['Something unexpected happened', HandlerErrorCode.GeneralServiceException],
])('FailureReason %j → %s', (reason, code) => {
  expect(codeForFailureReason(reason)).toBe(code);
});

test.each([
  [503, 'read', HandlerErrorCode.ServiceInternalError, 'fail'],
  [502, 'create', HandlerErrorCode.ServiceInternalError, 'retry-later'],
  [429, 'read', HandlerErrorCode.Throttling, 'fail'],
  [429, 'delete', HandlerErrorCode.Throttling, 'retry-later'],
  [404, 'read', HandlerErrorCode.InternalFailure, 'fail'],
])('an unnamed error with HTTP status %i on %s → %s (%s)', (status, kind, code, outcome) => {
  // What the SDK makes of a response with no JSON body, e.g. a bare 503 from a load balancer.
  const error = Object.assign(new Error('UnknownError'), {
    name: 'Unknown',
    $metadata: { httpStatusCode: status },
  });
  expect(classifyError(error, kind as 'read' | 'create' | 'delete')).toMatchObject({ code, kind: outcome });
});

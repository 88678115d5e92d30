import { HandlerErrorCode } from '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib';
import {
  classifyError,
  codeForFailureReason,
  ERROR_TABLE,
  isResourceAbsent,
  KMS_REASON_TABLE,
} from '../../src/core/errors';

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
  // AWS's own internal error (pulumi/pulumi-aws#1927, aws/aws-cli#8356).
  ['An unexpected internal service exception was encountered', HandlerErrorCode.ServiceInternalError],
  ['Internal server error', HandlerErrorCode.ServiceInternalError],
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

describe('a KMS Reason (the instance’s customer managed key) is never taken for absence', () => {
  function kmsError(name: string, reason: string): Error {
    return Object.assign(new Error('KMS says no'), { name, Reason: reason });
  }

  test.each(Object.entries(KMS_REASON_TABLE))(
    '%s → %s on every operation, with what to do',
    (reason, rule) => {
      for (const kind of ['create', 'read', 'delete', 'list'] as const) {
        const outcome = classifyError(kmsError('ResourceNotFoundException', reason), kind);
        expect(outcome).toMatchObject({ kind: 'fail', code: rule.code });
        expect(outcome.message).toContain(reason);
        expect(outcome.message).toContain(rule.advice);
        expect(outcome.code).not.toBe(HandlerErrorCode.NotFound);
      }
    },
  );

  test('KMS_ThrottlingException stays transient: a write calls back later, with the reason in the message', () => {
    const outcome = classifyError(kmsError('ThrottlingException', 'KMS_ThrottlingException'), 'delete');
    expect(outcome).toMatchObject({ kind: 'retry-later', code: HandlerErrorCode.Throttling });
    expect(outcome.message).toContain('KMS_ThrottlingException');
  });

  test('isResourceAbsent: a plain ResourceNotFoundException is absence, one with a KMS Reason is not', () => {
    expect(isResourceAbsent(namedError('ResourceNotFoundException'))).toBe(true);
    expect(isResourceAbsent(kmsError('ResourceNotFoundException', 'KMS_NotFoundException'))).toBe(false);
    expect(isResourceAbsent(namedError('ValidationException'))).toBe(false);
  });
});

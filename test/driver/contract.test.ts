import { HandlerErrorCode } from '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib/dist/interface';
import {
  checkResponse,
  CONTRACT_RULES,
  type ContractRuleId,
  ContractViolation,
  missingPrimaryIdentifiers,
  valueAtPointer,
} from '../../dev/driver/contract';
import type { HandlerAction } from '../../dev/driver/types';

const rules = { primaryIdentifier: ['/properties/InstanceArn', '/properties/Target/Id'] };
const model = {
  InstanceArn: 'arn:aws:sso:::instance/ssoins-1111111111111111',
  Target: { Id: '111111111111' },
};
const modelWithoutTargetId = { InstanceArn: model.InstanceArn, Target: {} };

const success = (extra: Record<string, unknown> = {}) => ({
  status: 'SUCCESS',
  message: '',
  callbackDelaySeconds: 0,
  ...extra,
});
const failed = (extra: Record<string, unknown> = {}) => ({
  status: 'FAILED',
  errorCode: 'NotFound',
  message: 'Assignment not found',
  callbackDelaySeconds: 0,
  ...extra,
});
const inProgress = (extra: Record<string, unknown> = {}) => ({
  status: 'IN_PROGRESS',
  message: '',
  callbackDelaySeconds: 5,
  resourceModel: model,
  callbackContext: { requestId: 'r-1' },
  ...extra,
});

type RuleCase = {
  rule: ContractRuleId;
  action: HandlerAction;
  compliant: unknown;
  violating: unknown;
};

// One compliant and one violating response per rule; the violating one differs only in what the rule forbids.
const cases: RuleCase[] = [
  {
    rule: 'response-json-object',
    action: 'CREATE',
    compliant: success({ resourceModel: model }),
    violating: null,
  },
  {
    rule: 'response-json-object',
    action: 'CREATE',
    compliant: success({ resourceModel: model }),
    violating: 'ok',
  },
  {
    rule: 'response-json-object',
    action: 'CREATE',
    compliant: success({ resourceModel: model }),
    violating: success({ resourceModel: model, size: BigInt(1) }),
  },
  { rule: 'status-valid', action: 'DELETE', compliant: success(), violating: success({ status: 'PENDING' }) },
  { rule: 'status-valid', action: 'DELETE', compliant: success(), violating: { message: 'no status' } },
  {
    rule: 'field-types',
    action: 'DELETE',
    compliant: failed(),
    violating: failed({ message: ['Assignment not found'] }),
  },
  {
    rule: 'field-types',
    action: 'CREATE',
    compliant: inProgress(),
    violating: inProgress({ callbackContext: 'x' }),
  },
  {
    rule: 'field-types',
    action: 'LIST',
    compliant: success({ resourceModels: [model] }),
    violating: success({ resourceModels: [model, 'id'] }),
  },
  {
    rule: 'callback-delay-non-negative',
    action: 'CREATE',
    compliant: inProgress({ callbackDelaySeconds: 0 }),
    violating: inProgress({ callbackDelaySeconds: -1 }),
  },
  {
    rule: 'callback-delay-non-negative',
    action: 'CREATE',
    compliant: inProgress({ callbackDelaySeconds: 2 }),
    violating: inProgress({ callbackDelaySeconds: '2' }),
  },
  {
    rule: 'success-no-error-code',
    action: 'DELETE',
    compliant: success(),
    violating: success({ errorCode: 'NotFound' }),
  },
  {
    rule: 'failed-error-code-valid',
    action: 'CREATE',
    compliant: failed({ errorCode: 'AlreadyExists' }),
    violating: failed({ errorCode: 'Conflict' }),
  },
  {
    rule: 'failed-error-code-valid',
    action: 'CREATE',
    compliant: failed({ errorCode: 'InvalidRequest' }),
    violating: failed({ errorCode: undefined }),
  },
  {
    rule: 'failed-message-non-empty',
    action: 'READ',
    compliant: failed(),
    violating: failed({ message: ' ' }),
  },
  {
    rule: 'failed-message-non-empty',
    action: 'READ',
    compliant: failed(),
    violating: failed({ message: undefined }),
  },
  {
    rule: 'in-progress-no-error-code',
    action: 'DELETE',
    compliant: inProgress(),
    violating: inProgress({ errorCode: 'Throttling' }),
  },
  {
    rule: 'in-progress-has-primary-identifier',
    action: 'CREATE',
    compliant: inProgress(),
    violating: inProgress({ resourceModel: modelWithoutTargetId }),
  },
  {
    rule: 'in-progress-has-primary-identifier',
    action: 'DELETE',
    compliant: inProgress(),
    violating: inProgress({ resourceModel: undefined }),
  },
  {
    rule: 'read-list-synchronous',
    action: 'READ',
    compliant: success({ resourceModel: model }),
    violating: inProgress(),
  },
  {
    rule: 'read-list-synchronous',
    action: 'LIST',
    compliant: success({ resourceModels: [] }),
    violating: inProgress(),
  },
  {
    rule: 'terminal-no-callback-delay',
    action: 'CREATE',
    compliant: success({ resourceModel: model }),
    violating: success({ resourceModel: model, callbackDelaySeconds: 3 }),
  },
  {
    rule: 'terminal-no-callback-delay',
    action: 'CREATE',
    compliant: failed(),
    violating: failed({ callbackDelaySeconds: 3 }),
  },
  {
    rule: 'no-resource-models-unless-success',
    action: 'CREATE',
    compliant: inProgress(),
    violating: inProgress({ resourceModels: [model] }),
  },
  {
    rule: 'no-resource-models-unless-success',
    action: 'LIST',
    compliant: failed(),
    violating: failed({ resourceModels: [] }),
  },
  {
    rule: 'delete-success-no-model',
    action: 'DELETE',
    compliant: success(),
    violating: success({ resourceModel: model }),
  },
  {
    rule: 'read-success-has-primary-identifier',
    action: 'READ',
    compliant: success({ resourceModel: model }),
    violating: success({ resourceModel: modelWithoutTargetId }),
  },
  {
    rule: 'read-success-has-primary-identifier',
    action: 'READ',
    compliant: success({ resourceModel: model }),
    violating: success(),
  },
  {
    rule: 'write-success-has-primary-identifier',
    action: 'CREATE',
    compliant: success({ resourceModel: model }),
    violating: success({ resourceModel: { ...model, InstanceArn: '' } }),
  },
  {
    rule: 'write-success-has-primary-identifier',
    action: 'UPDATE',
    compliant: success({ resourceModel: model }),
    violating: success(),
  },
  {
    rule: 'list-success-has-models',
    action: 'LIST',
    compliant: success({ resourceModels: [] }),
    violating: success({ resourceModel: model }),
  },
  {
    rule: 'list-models-have-primary-identifier',
    action: 'LIST',
    compliant: success({ resourceModels: [model, model] }),
    violating: success({ resourceModels: [model, modelWithoutTargetId] }),
  },
];

describe('checkResponse', () => {
  it('has at least one case per rule', () => {
    const covered = new Set(cases.map((c) => c.rule));
    expect([...covered].sort()).toEqual(Object.keys(CONTRACT_RULES).sort());
  });

  describe.each(cases)('$rule on $action (case $#)', ({ rule, action, compliant, violating }) => {
    it('accepts the compliant response', () => {
      expect(() => checkResponse(action, compliant, rules)).not.toThrow();
    });

    it('rejects the violating response, naming the rule and the action', () => {
      let thrown: unknown;
      try {
        checkResponse(action, violating, rules);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ContractViolation);
      const violation = thrown as ContractViolation;
      expect(violation.rule).toBe(rule);
      expect(violation.action).toBe(action);
      expect(violation.message).toContain(`[${rule}]`);
      expect(violation.message).toContain(action);
    });
  });

  it('returns the parsed event, dropping nulls and unknown fields and defaulting message and delay', () => {
    const parsed = checkResponse(
      'CREATE',
      { status: 'SUCCESS', resourceModel: model, errorCode: null, nextToken: null, extra: 1 },
      rules,
    );
    expect(parsed).toEqual({ status: 'SUCCESS', message: '', callbackDelaySeconds: 0, resourceModel: model });
  });

  it('serializes class instances through toJSON as Lambda does', () => {
    class SerializableEvent {
      toJSON() {
        return { status: 'SUCCESS', message: '', callbackDelaySeconds: 0 };
      }
    }
    expect(checkResponse('DELETE', new SerializableEvent(), rules)).toEqual({
      status: 'SUCCESS',
      message: '',
      callbackDelaySeconds: 0,
    });
  });

  it('accepts every error code of the lib and honours an explicit allow-list', () => {
    for (const errorCode of Object.values(HandlerErrorCode)) {
      expect(() => checkResponse('CREATE', failed({ errorCode }), rules)).not.toThrow();
    }
    expect(() =>
      checkResponse('CREATE', failed({ errorCode: 'NonCompliant' }), {
        ...rules,
        allowedErrorCodes: ['NonCompliant'],
      }),
    ).not.toThrow();
    expect(() =>
      checkResponse('CREATE', failed({ errorCode: 'NotFound' }), {
        ...rules,
        allowedErrorCodes: ['NonCompliant'],
      }),
    ).toThrow(ContractViolation);
  });
});

describe('schema pointers', () => {
  it('reads nested values with RFC 6901 escapes', () => {
    const doc = { 'a/b': { '~c': [{ Key: 'k' }] } };
    expect(valueAtPointer(doc, '/properties/a~1b/~0c/0/Key')).toBe('k');
    expect(valueAtPointer(doc, '/properties/a~1b/missing/0')).toBeUndefined();
  });

  it('rejects pointers outside /properties', () => {
    expect(() => valueAtPointer({}, '/definitions/X')).toThrow('/properties/');
  });

  it('lists the missing identifiers', () => {
    expect(missingPrimaryIdentifiers(modelWithoutTargetId, rules.primaryIdentifier)).toEqual([
      '/properties/Target/Id',
    ]);
    expect(missingPrimaryIdentifiers(undefined, rules.primaryIdentifier)).toEqual(rules.primaryIdentifier);
    expect(missingPrimaryIdentifiers(model, rules.primaryIdentifier)).toEqual([]);
  });
});

import { LIST_PAGE } from '../../src/core/list-pages';
import { listed } from '../../src/core/progress';
import { modelFromKey } from '../../src/assignment/handlers';

test("a full LIST page of assignments at the schema's longest values serializes far below Lambda's 6 MB response quota", () => {
  const partition = 'aws-abcde-abcde-abcde';
  const instanceId = 'ssoins-abcdefghijklmnop';
  const models = Array.from({ length: LIST_PAGE.maxModels }, (_, index) =>
    modelFromKey({
      instanceArn: `arn:${partition}:sso:::instance/${instanceId}`,
      permissionSetArn: `arn:${partition}:sso:::permissionSet/${instanceId}/ps-abcdefghijklmnop`,
      principalId: `0123456789-${String(index).padStart(8, '0')}-aaaa-bbbb-cccc-dddddddddddd`,
      principalType: 'GROUP',
      targetId: '123456789012',
      targetType: 'AWS_ACCOUNT',
    }),
  );
  const bytes = Buffer.byteLength(JSON.stringify(listed(models, 'token').serialize()));
  expect(bytes).toBeLessThan(1024 * 1024);
  expect(JSON.stringify(models[0].serialize())).toMatch(
    /"PrincipalId":"0123456789-00000000-aaaa-bbbb-cccc-dddddddddddd"/,
  );
});

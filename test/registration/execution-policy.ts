// The execution role's policy statements a schema should get, worked out here independently of the generator
// (dev/generate/registration.ts): every handler action on `*`, except that a type with a StateTable type
// configuration gets its dynamodb: actions on its state table's ARN only.
import type { RegistrySchema } from '../../dev/generate/registry-schema';
import type { TemplateNode } from './cloudformation-yaml';

export const STATE_TABLE_ARN = {
  'Fn::Sub': 'arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${StateTableName}',
};

export function keepsState(schema: RegistrySchema): boolean {
  return schema.typeConfiguration?.properties?.StateTable !== undefined;
}

export function expectedExecutionStatements(schema: RegistrySchema): Record<string, TemplateNode>[] {
  const union = [
    ...new Set(Object.values(schema.handlers ?? {}).flatMap((handler) => handler.permissions)),
  ].sort();
  const onTable = keepsState(schema) ? union.filter((action) => action.startsWith('dynamodb:')) : [];
  const elsewhere = union.filter((action) => !onTable.includes(action));
  return [
    ...(elsewhere.length > 0 ? [{ Effect: 'Allow', Action: elsewhere, Resource: '*' }] : []),
    ...(onTable.length > 0
      ? [{ Sid: 'StateTable', Effect: 'Allow', Action: onTable, Resource: STATE_TABLE_ARN }]
      : []),
  ];
}

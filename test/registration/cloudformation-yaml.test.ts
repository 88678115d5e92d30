import { isIntrinsic, parseTemplate, unresolvedReferences } from './cloudformation-yaml';

describe('CloudFormation YAML reader', () => {
  test('reads short-form intrinsics into their long form', () => {
    const template = parseTemplate(`
Resources:
  Thing:
    Type: Org::Test::Thing
    Properties:
      A: !Ref AWS::Region
      B: !GetAtt Other.Arn
      C: !Sub ['\${Name}-x', { Name: !Join ['-', !Split ['::', !Ref AWS::StackName]] }]
      D: !If [IsProd, yes, !Ref AWS::NoValue]
`);
    expect(template.Resources.Thing.Properties).toEqual({
      A: { Ref: 'AWS::Region' },
      B: { 'Fn::GetAtt': ['Other', 'Arn'] },
      C: {
        'Fn::Sub': [
          '${Name}-x',
          { Name: { 'Fn::Join': ['-', { 'Fn::Split': ['::', { Ref: 'AWS::StackName' }] }] } },
        ],
      },
      D: { 'Fn::If': ['IsProd', 'yes', { Ref: 'AWS::NoValue' }] },
    });
    expect(isIntrinsic({ Ref: 'X' })).toBe(true);
    expect(isIntrinsic('USER')).toBe(false);
  });

  test('finds references to undeclared parameters, resources, attributes, variables and conditions', () => {
    const template = parseTemplate(`
Parameters:
  Known: { Type: String }
Resources:
  Thing:
    Type: Org::Test::Thing
    Condition: Missing
    DependsOn: [Thing, Absent]
    Properties:
      A: !Ref Known
      B: !Ref Unknown
      C: !GetAtt Ghost.Arn
      D: !Sub '\${Known}-\${Nope}-\${Thing.Arn}-\${!Literal}'
Outputs:
  O: { Value: !GetAtt Thing.Arn }
`);
    expect(unresolvedReferences(template)).toEqual([
      'Resources.Thing: condition Missing',
      'Resources.Thing: DependsOn Absent',
      'Resources.Thing.Properties.B: Ref Unknown',
      'Resources.Thing.Properties.C: GetAtt Ghost',
      'Resources.Thing.Properties.D: Sub ${Nope}',
    ]);
  });
});

/**
 * Reads CloudFormation YAML (short-form intrinsics such as !Ref, !Sub, !GetAtt) into the JSON form, and
 * checks that every reference in a template points at something the template or CloudFormation defines.
 */
import { readFileSync } from 'node:fs';
import { parse, ScalarTag, CollectionTag, YAMLMap, YAMLSeq } from 'yaml';

export type TemplateNode =
  string | number | boolean | null | TemplateNode[] | { [key: string]: TemplateNode };

export interface CloudFormationTemplate {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Parameters?: Record<string, { Type: string; Default?: TemplateNode; AllowedPattern?: string }>;
  Conditions?: Record<string, TemplateNode>;
  Resources: Record<
    string,
    {
      Type: string;
      Properties?: Record<string, TemplateNode>;
      Condition?: string;
      DependsOn?: string | string[];
      DeletionPolicy?: string;
      UpdateReplacePolicy?: string;
    }
  >;
  Outputs?: Record<string, { Value: TemplateNode }>;
}

/** The short forms CloudFormation accepts (Intrinsic function reference). */
const INTRINSICS = [
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'And',
  'Or',
  'Select',
  'Split',
  'Sub',
  'Transform',
];

function longName(shortName: string): string {
  return shortName === 'Ref' || shortName === 'Condition' ? shortName : `Fn::${shortName}`;
}

function cloudFormationTags(): (ScalarTag | CollectionTag)[] {
  const tags: (ScalarTag | CollectionTag)[] = [];
  for (const shortName of ['Ref', 'Condition', ...INTRINSICS]) {
    const key = longName(shortName);
    tags.push({
      tag: `!${shortName}`,
      // !GetAtt Resource.Attribute is the one scalar short form that splits.
      resolve: (value: string) => ({ [key]: shortName === 'GetAtt' ? value.split('.') : value }),
    });
    tags.push({
      tag: `!${shortName}`,
      collection: 'seq',
      resolve: (value: YAMLSeq.Parsed | YAMLMap.Parsed) => ({ [key]: value.toJSON() as TemplateNode }),
    });
    tags.push({
      tag: `!${shortName}`,
      collection: 'map',
      resolve: (value: YAMLSeq.Parsed | YAMLMap.Parsed) => ({ [key]: value.toJSON() as TemplateNode }),
    });
  }
  return tags;
}

export function parseTemplate(text: string): CloudFormationTemplate {
  return parse(text, { customTags: cloudFormationTags() }) as CloudFormationTemplate;
}

export function readTemplate(file: string): CloudFormationTemplate {
  return parseTemplate(readFileSync(file, 'utf8'));
}

/** CloudFormation's pseudo parameters (Pseudo parameters reference). */
const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

function isObject(node: TemplateNode): node is { [key: string]: TemplateNode } {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

/** `${Name}` / `${Resource.Attribute}` variables of an Fn::Sub string; `${!Literal}` is not a variable. */
function subVariables(text: string): string[] {
  return [...text.matchAll(/\$\{([^!}][^}]*)\}/g)].map((match) => match[1]);
}

/** Every reference that cannot be resolved: unknown Ref, GetAtt or Sub targets, or unknown conditions. */
export function unresolvedReferences(template: CloudFormationTemplate): string[] {
  const parameters = new Set(Object.keys(template.Parameters ?? {}));
  const resources = new Set(Object.keys(template.Resources));
  const conditions = new Set(Object.keys(template.Conditions ?? {}));
  const problems: string[] = [];
  const knownName = (name: string) =>
    parameters.has(name) || resources.has(name) || PSEUDO_PARAMETERS.has(name);

  const visit = (node: TemplateNode, where: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, `${where}[${index}]`));
      return;
    }
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'Ref' && typeof value === 'string' && !knownName(value))
        problems.push(`${where}: Ref ${value}`);
      if (key === 'Fn::GetAtt') {
        const target = Array.isArray(value) ? value[0] : typeof value === 'string' ? value.split('.')[0] : '';
        if (typeof target !== 'string' || !resources.has(target))
          problems.push(`${where}: GetAtt ${String(target)}`);
      }
      if (key === 'Fn::Sub') {
        const [text, variables] = Array.isArray(value) ? value : [value, {}];
        const local = new Set(isObject(variables) ? Object.keys(variables) : []);
        if (typeof text === 'string') {
          for (const variable of subVariables(text)) {
            const name = variable.split('.')[0];
            if (
              !local.has(variable) &&
              !knownName(variable) &&
              !(variable.includes('.') && resources.has(name))
            ) {
              problems.push(`${where}: Sub \${${variable}}`);
            }
          }
        }
      }
      if ((key === 'Fn::If' && Array.isArray(value)) || key === 'Condition') {
        const name = key === 'Condition' ? value : (value as TemplateNode[])[0];
        if (typeof name === 'string' && !conditions.has(name)) problems.push(`${where}: condition ${name}`);
      }
      visit(value, `${where}.${key}`);
    }
  };
  visit((template.Conditions ?? {}) as TemplateNode, 'Conditions');
  for (const [name, resource] of Object.entries(template.Resources)) {
    if (resource.Condition !== undefined && !conditions.has(resource.Condition)) {
      problems.push(`Resources.${name}: condition ${resource.Condition}`);
    }
    for (const dependency of [resource.DependsOn ?? []].flat()) {
      if (!resources.has(dependency)) problems.push(`Resources.${name}: DependsOn ${dependency}`);
    }
    visit((resource.Properties ?? {}) as TemplateNode, `Resources.${name}.Properties`);
  }
  visit((template.Outputs ?? {}) as TemplateNode, 'Outputs');
  return problems;
}

/** True when a property value is an intrinsic function (decided at deployment) rather than a literal. */
export function isIntrinsic(node: TemplateNode): boolean {
  if (!isObject(node)) return false;
  const keys = Object.keys(node);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

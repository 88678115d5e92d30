// Docs and examples must never tell users to declare our types under the repository's own AWS:: names:
// copied as is, `Type: AWS::SSO::Assignment` deploys AWS's native type, silently. They also use one example
// name for the user's own namespace (Org::SSO::…), so readers never wonder whether two names differ.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RegistrySchema } from '../../dev/generate/registry-schema';
import { RESOURCE_TYPES } from '../../dev/types';
import { DEFAULT_ORGANIZATION, EXAMPLE_ORGANIZATION } from '../../dev/package/type-name';
import { escapeRegExp, type Kind, typeDeclarations } from './type-declarations';

const ROOT = path.resolve(__dirname, '..', '..');

/** Not docs or examples: dependencies, build output, test fixtures, copies of AWS's own material. */
const SKIPPED_FOLDERS = new Set([
  'node_modules',
  '.git',
  'build',
  'dist',
  'coverage',
  '.aws-sam',
  'test',
  'schema',
]);

function kindOf(file: string): Kind | undefined {
  if (file.endsWith('.md')) return 'markdown';
  if (file.endsWith('.yaml') || file.endsWith('.yml')) return 'yaml';
  return undefined;
}

function docsAndExamples(folder = ROOT): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) return SKIPPED_FOLDERS.has(entry.name) ? [] : docsAndExamples(file);
    return kindOf(entry.name) ? [path.relative(ROOT, file)] : [];
  });
}

/** The names our types have in this repository (AWS::SSO::Assignment, …), from the schemas. */
const SOURCE_TYPE_NAMES = RESOURCE_TYPES.map(
  ({ schemaFile }) =>
    (JSON.parse(readFileSync(path.join(ROOT, schemaFile), 'utf8')) as RegistrySchema).typeName,
);

const FILES = docsAndExamples();

describe('docs and examples declare our types under a registered name, never AWS::', () => {
  test('the scan covers the READMEs, the generated reference pages and the example templates', () => {
    expect(FILES).toEqual(
      expect.arrayContaining([
        'README.md',
        ...RESOURCE_TYPES.map(({ docsDir }) => path.relative(ROOT, path.join(docsDir, 'README.md'))),
        'examples/README.md',
        'examples/user-assignment.yaml',
        'templates/README.md',
      ]),
    );
  });

  test.each(FILES)('%s', (file) => {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    expect(typeDeclarations(text, kindOf(file) as Kind, SOURCE_TYPE_NAMES)).toEqual([]);
  });
});

describe('typeDeclarations', () => {
  // Any type names: made up, so no real type's declaration decides the outcome.
  const ours = ['AWS::Fake::Thing', 'AWS::Fake::OtherThing'];

  test('finds YAML and JSON declarations in fenced and <pre> blocks of Markdown', () => {
    const markdown = [
      '```yaml',
      'Access:',
      '  Type: AWS::Fake::Thing',
      '```',
      '<pre>',
      '{',
      '    "Type" : "AWS::Fake::OtherThing",',
      '}',
      '</pre>',
      '~~~json',
      '{ "Resources": { "A": { "Type": "AWS::Fake::Thing", "Properties": {} } } }',
      '~~~',
    ].join('\n');
    expect(typeDeclarations(markdown, 'markdown', ours)).toEqual([
      '3: Type: AWS::Fake::Thing',
      '7: "Type" : "AWS::Fake::OtherThing",',
      '11: { "Resources": { "A": { "Type": "AWS::Fake::Thing", "Properties": {} } } }',
    ]);
  });

  test('finds declarations in YAML templates, quoted or not, but not in comments', () => {
    const yaml = [
      '# Type: AWS::Fake::Thing is the native type',
      'Resources:',
      '  A:',
      "    Type: 'AWS::Fake::Thing'",
      '  B:',
      '    Type: AWS::Fake::OtherThing # ours?',
    ].join('\n');
    expect(typeDeclarations(yaml, 'yaml', ours)).toEqual([
      "4: Type: 'AWS::Fake::Thing'",
      '6: Type: AWS::Fake::OtherThing # ours?',
    ]);
  });

  test('leaves alone prose, registered names, other native types and fields that only end in Type', () => {
    const markdown = [
      'A drop-in mirror of AWS::Fake::Thing; declaring `Type: AWS::Fake::Thing` gets the native type.',
      '```yaml',
      'Type: Org::Fake::Thing',
      'Type: AWS::Fake::PermissionSet',
      'Type: AWS::Fake::ThingGroup',
      'resourceType: AWS::Fake::Thing',
      'TypeName: AWS::Fake::Thing',
      '```',
    ].join('\n');
    expect(typeDeclarations(markdown, 'markdown', ours)).toEqual([]);
  });
});

describe(`one example name: ${EXAMPLE_ORGANIZATION}::SSO::…`, () => {
  const suffixes = SOURCE_TYPE_NAMES.map((name) => name.split('::').slice(1).join('::'));
  // Any Namespace::SSO::Assignment (or ::ApplicationAssignment) as a whole name.
  const privateName = new RegExp(
    `(?<![A-Za-z0-9:])([A-Za-z0-9]+)::(?:${suffixes.map(escapeRegExp).join('|')})(?![A-Za-z0-9:])`,
    'g',
  );
  const allowed = new Set([
    // The repository's own names, in prose about the mirrors.
    ...SOURCE_TYPE_NAMES.map((name) => name.split('::')[0]),
    // The package's default name, documented as such.
    DEFAULT_ORGANIZATION,
    EXAMPLE_ORGANIZATION,
  ]);

  test.each(FILES)('%s', (file) => {
    const text = readFileSync(path.join(ROOT, file), 'utf8');
    const others = [...text.matchAll(privateName)]
      .filter((match) => !allowed.has(match[1]))
      .map((match) => match[0]);
    expect(others).toEqual([]);
  });
});

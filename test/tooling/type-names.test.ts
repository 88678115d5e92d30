// The registry (dev/types.ts) is the one place a resource type is named: tooling and every-type suites iterate it,
// so adding a type is its folder, its handlers and one registry entry. This test fails on a type key, type name
// (under any organisation), src folder, schema file or type folder of a registered type written anywhere else in
// the tracked tooling: dev/, bench/, test/, scripts, Makefile, package.json.
//
// Not scanned: the registry; the per-type test folders (test/<key>/) and bench/native/ (the stand-in for one
// type's native AWS handler), which are that type's own code; Markdown, where a doc names example types to explain
// them; bench/results/ (measured output); and whole-line comments, for the same reason as docs.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPOSITORY_ROOT, RESOURCE_TYPES, type ResourceTypeEntry } from '../../dev/types';

const SCANNED = [/^dev\//, /^bench\//, /^test\//, /^scripts\//, /^\.ci\//, /^Makefile$/, /^package\.json$/];
const NOT_SCANNED = [
  /^dev\/types\.ts$/,
  ...RESOURCE_TYPES.map((type) => new RegExp(`^test/${escapeRegExp(type.key)}/`)),
  /^bench\/native\//,
  /^bench\/results\//,
  /\.md$/,
];
const WHOLE_LINE_COMMENT = /^\s*(\/\/|\/\*|\*|#)/;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** What names a type: each pattern with what it finds. */
function namingPatterns(type: ResourceTypeEntry): { what: string; pattern: RegExp }[] {
  const [, service, resource] = type.typeName.split('::');
  const key = escapeRegExp(type.key);
  const patterns = [
    { what: 'type name', pattern: new RegExp(`\\b[A-Za-z0-9]+::${service}::${resource}\\b`) },
    { what: 'type key', pattern: new RegExp(`(['"\`])${key}\\1`) },
    { what: 'src folder', pattern: new RegExp(`\\b${escapeRegExp(type.sourceDir)}(?![\\w-])`) },
    { what: 'schema file', pattern: new RegExp(escapeRegExp(path.posix.basename(type.schemaFile))) },
  ];
  if (type.folder !== '') {
    // As a repository path; a relative import of a per-type test folder (../<key>/…) is that folder's code.
    patterns.push({
      what: 'type folder',
      pattern: new RegExp(`(^|['"\`\\s(])${escapeRegExp(type.folder)}/`),
    });
  }
  return patterns;
}

/** `file:line: <what> of <typeName>: <line>` for every line of `text` that names a registered type. */
export function typeMentions(file: string, text: string): string[] {
  const mentions: string[] = [];
  text.split('\n').forEach((line, index) => {
    if (WHOLE_LINE_COMMENT.test(line)) return;
    for (const type of RESOURCE_TYPES) {
      for (const { what, pattern } of namingPatterns(type)) {
        if (pattern.test(line))
          mentions.push(`${file}:${index + 1}: ${what} of ${type.typeName}: ${line.trim()}`);
      }
    }
  });
  return mentions;
}

function scannedFiles(): string[] {
  return execFileSync('git', ['ls-files'], { cwd: REPOSITORY_ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((file) => SCANNED.some((pattern) => pattern.test(file)))
    .filter((file) => !NOT_SCANNED.some((pattern) => pattern.test(file)));
}

function mentionsIn(file: string): string[] {
  return typeMentions(file, readFileSync(path.join(REPOSITORY_ROOT, file), 'utf8'));
}

test('no tracked tooling or every-type suite names a registered type outside the registry', () => {
  const mentions = scannedFiles().flatMap(mentionsIn);
  if (mentions.length > 0) {
    throw new Error(
      `Types are named only in dev/types.ts (iterate RESOURCE_TYPES, or move a type's own cells to test/<key>/):\n` +
        mentions.join('\n'),
    );
  }
});

describe.each(RESOURCE_TYPES)('the scan finds $typeName named', (type) => {
  const [, service, resource] = type.typeName.split('::');
  test.each([
    ['its type name', `const name = '${type.typeName}';`],
    ['its name under another organisation', `typeName: 'Org::${service}::${resource}',`],
    ['its key', `bundleHandlers('${type.key}', outdir);`],
    ['its src folder', `import { entrypoint } from '../../${type.sourceDir}/handlers';`],
    ['its schema file', `readFileSync('${type.schemaFile}')`],
  ])('%s', (_, line) => {
    const mentions = typeMentions('dev/stray.ts', `const ok = 1;\n${line}\n`);
    expect(mentions.length).toBeGreaterThan(0);
    for (const mention of mentions) expect(mention).toMatch(/^dev\/stray\.ts:2: .* of /);
  });

  test('but not in a whole-line comment, nor as part of a longer name', () => {
    const text = [
      `// e.g. ${type.typeName}`,
      ` * ${type.sourceDir}/handlers.ts`,
      `const other = '${type.typeName}Group';`,
      `const key = '${type.key}-group';`,
    ].join('\n');
    // Mentions of this type only: a longer name may well be another registered type's (…AssignmentGroup).
    const ofThisType = typeMentions('dev/fine.ts', text).filter((mention) =>
      mention.includes(` of ${type.typeName}: `),
    );
    expect(ofThisType).toEqual([]);
  });
});

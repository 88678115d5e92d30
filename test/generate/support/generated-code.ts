import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { ModelSchema } from '../../../dev/generate/models';

export const FIXTURE_FILE = path.join(__dirname, '..', 'fixtures', 'nested-lists.json');

export function fixtureSchema(): ModelSchema & { required: string[] } {
  return JSON.parse(readFileSync(FIXTURE_FILE, 'utf8')) as ModelSchema & { required: string[] };
}

// The project's compiler settings that matter to generated code (tsconfig.json).
const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2021,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  strict: true,
  noImplicitOverride: true,
  esModuleInterop: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: false,
  useDefineForClassFields: false,
  skipLibCheck: true,
  types: [],
};

/**
 * Runs generated TypeScript as the bundle would: transpiled to CommonJS and evaluated with this test's
 * `require`, so it shares the runtime lib and class-transformer with the test.
 */
export function evaluate(source: string): Record<string, unknown> {
  const { outputText } = ts.transpileModule(source, { compilerOptions: COMPILER_OPTIONS });
  const module = { exports: {} as Record<string, unknown> };
  new Function('exports', 'require', 'module', outputText)(module.exports, require, module);
  return module.exports;
}

/**
 * Strict type errors of a generated file, checked as if it were `fileName` (a path in the repository, so
 * imports resolve from node_modules). The file never touches the disk.
 */
export function typeErrors(source: string, fileName: string): string[] {
  const host = ts.createCompilerHost(COMPILER_OPTIONS);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => file === fileName || fileExists(file);
  host.getSourceFile = (file, language, ...rest) =>
    file === fileName ? ts.createSourceFile(file, source, language) : getSourceFile(file, language, ...rest);
  const program = ts.createProgram([fileName], COMPILER_OPTIONS, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

/**
 * Finds where a doc or example declares a resource type by name, to catch the repository's own AWS::
 * names being handed to users as the Type to declare (that silently deploys AWS's native type).
 */

export type Kind = 'markdown' | 'yaml';

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `Type: X` (YAML) or `"Type" : "X"` (JSON) for one of `typeNames`, as a whole name. */
function declarationPattern(typeNames: readonly string[]): RegExp {
  const names = typeNames.map(escapeRegExp).join('|');
  return new RegExp(`(?<![A-Za-z0-9])["']?Type["']?\\s*:\\s*["']?(${names})(?![A-Za-z0-9:])`);
}

/**
 * The lines that declare one of `typeNames` as a resource's Type: in YAML files every line but comments;
 * in Markdown only code (fenced blocks and <pre> blocks), where a reader copies from. Prose that merely
 * names the native type is fine.
 */
export function typeDeclarations(text: string, kind: Kind, typeNames: readonly string[]): string[] {
  const pattern = declarationPattern(typeNames);
  const found: string[] = [];
  let inCode = kind === 'yaml';
  text.split('\n').forEach((line, index) => {
    if (kind === 'markdown') {
      if (/^\s*(```|~~~)/.test(line)) {
        inCode = !inCode;
        return;
      }
      if (/<pre>/i.test(line)) inCode = true;
    }
    const isComment = kind === 'yaml' && /^\s*#/.test(line);
    if (inCode && !isComment && pattern.test(line)) found.push(`${index + 1}: ${line.trim()}`);
    if (kind === 'markdown' && /<\/pre>/i.test(line)) inCode = false;
  });
  return found;
}

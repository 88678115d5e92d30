// Reads the event file `npm run invoke` is given. Every problem (no such file, a directory, unreadable,
// not JSON, JSON that is not an object) is an EventFileError naming the file and what is wrong with it.
import { readdirSync, readFileSync } from 'node:fs';

export class EventFileError extends Error {
  override readonly name = 'EventFileError';
}

function errorCode(error: unknown): string | undefined {
  const code: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, 'code') : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** For a directory given instead of a file: the event files in it, as a hint. */
function jsonFilesIn(directory: string): string[] {
  try {
    return readdirSync(directory)
      .filter((name) => name.endsWith('.json'))
      .sort();
  } catch {
    return [];
  }
}

function readProblem(file: string, error: unknown): string {
  switch (errorCode(error)) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR': {
      const files = jsonFilesIn(file);
      const hint = files.length > 0 ? `; it holds ${files.join(', ')}` : '';
      return `is a directory, not an event file${hint}`;
    }
    case 'EACCES':
    case 'EPERM':
      return 'cannot be read: permission denied';
    default:
      return `cannot be read: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** The event file's JSON object. Throws EventFileError naming the file and the problem. */
export function readEventFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error: unknown) {
    throw new EventFileError(`${file}: ${readProblem(file, error)}`);
  }
  // Editors on Windows may start a UTF-8 file with a byte order mark, which JSON.parse refuses.
  const json = text.replace(/^\uFEFF/, '');
  if (json.trim() === '') throw new EventFileError(`${file}: the file is empty, expected a JSON object`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error: unknown) {
    throw new EventFileError(
      `${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (!isJsonObject(parsed)) {
    throw new EventFileError(
      `${file}: the JSON is ${kindOf(parsed)}, not an object; an event is a sam-tests TestEvent or a ` +
        'CloudFormation HandlerRequest',
    );
  }
  return parsed;
}

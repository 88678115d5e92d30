/** A JSON object (not null, not an array): what the handlers narrow untrusted input to before reading fields. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

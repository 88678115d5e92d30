/** What in a section's results is a handler bug: each is a note in the results and makes the run exit non-zero. */
import type { GroupScaleResult, ListScaleResult } from './results';

/** The contract's limit for one LIST answer (resource-type-test-contract.md: "within 30 seconds"). */
const LIST_ANSWER_LIMIT_MS = 30_000;

/** Section 7: a failed page, a repeated or missing assignment, a page over 30 s. */
export function listScaleProblems(list: ListScaleResult): string[] {
  const problems: string[] = [];
  if (list.failure) problems.push(`LIST at scale failed at ${list.failure}`);
  if (list.duplicates > 0 || list.missing > 0) {
    problems.push(
      `LIST at scale listed ${list.duplicates} duplicates and missed ${list.missing} assignments`,
    );
  }
  if (list.slowestPageMs >= LIST_ANSWER_LIMIT_MS) {
    problems.push(`a LIST page took ${list.slowestPageMs} ms, beyond the contract's 30 s`);
  }
  return problems.map((problem) => `${problem}: a handler bug to fix.`);
}

/** The operations section 8 runs, in order; each starts from the previous one's end state. */
export const GROUP_OPERATIONS = ['CREATE', 'UPDATE', 'READ', 'DELETE'] as const;

/** Section 8: an operation that failed (its answer, the end state, a timeout) or was never reached. */
export function groupScaleProblems(group: GroupScaleResult): string[] {
  const problems = group.operations
    .filter((operation) => !operation.succeeded)
    .map(
      (operation) =>
        `The ${group.assignments}-assignment group's ${operation.operation} failed: ${operation.failure ?? 'no reason given'}`,
    );
  const ran = new Set(group.operations.map((operation) => operation.operation));
  const missing = GROUP_OPERATIONS.filter((operation) => !ran.has(operation));
  if (missing.length > 0) {
    problems.push(`The ${group.assignments}-assignment group's ${missing.join(', ')} did not run`);
  }
  return problems.map((problem) => `${problem}: a handler bug to fix.`);
}

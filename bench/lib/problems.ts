/** What in sections 8 and 9's results is a handler bug: a note in the results that makes the run exit non-zero. */
import type { GroupScaleResult, ResolutionResult } from './results';

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

/**
 * Section 9: a CREATE that failed, resolved another number of accounts than the organisation holds for its targets,
 * or left other assignments than its principals x permission sets x those accounts.
 */
export function resolutionProblems(resolution: ResolutionResult): string[] {
  return resolution.cases
    .filter((entry) => !entry.create.succeeded || !entry.accounts.exact)
    .map(
      (entry) =>
        `Section 9's ${entry.label} CREATE ` +
        (entry.create.succeeded
          ? `resolved ${entry.accounts.resolved} accounts, expected exactly ${entry.accounts.expected}`
          : `failed: ${entry.create.failure ?? 'no reason given'}`) +
        ': a handler bug to fix.',
    );
}

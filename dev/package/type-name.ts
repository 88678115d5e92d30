/**
 * The private type name a package is stamped with. CloudFormation reserves some organisation namespaces
 * for itself, so the repository's own names (AWS::SSO::Assignment, a drop-in mirror of the native type)
 * cannot be registered as they are.
 */

/**
 * A resource type name: three `::`-separated parts of 2-64 letters or digits (`typeName` in
 * schema/meta/base.definition.schema.v1.json; RegisterType's TypeName).
 */
export const TYPE_NAME_PATTERN = '^[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}::[A-Za-z0-9]{2,64}$';
const TYPE_NAME = new RegExp(TYPE_NAME_PATTERN);

/**
 * "The following organization namespaces are reserved and can't be used in your extension names: Alexa,
 * AMZN, Amazon, AWS, Custom, Dev" (CloudFormation API Reference, RegisterType, TypeName). Compared without
 * regard to case, as AWS Config's documentation of the same list writes them in lower case.
 */
export const RESERVED_ORGANIZATIONS = ['Alexa', 'AMZN', 'Amazon', 'AWS', 'Custom', 'Dev'] as const;

/**
 * The organisation segment packages get when no name is given. Project-specific, so it is not reserved
 * and does not collide with published community types (e.g. the org-formation `Community::SSO::…` ones)
 * or with the native AWS::SSO::Assignment / AWS::SSO::ApplicationAssignment.
 */
export const DEFAULT_ORGANIZATION = 'SSOTypes';

/**
 * The organisation every doc, example and message uses to stand for the user's own (`Org::SSO::Assignment`):
 * one example name, so a reader never wonders whether `Org` and `Acme` are different things.
 */
export const EXAMPLE_ORGANIZATION = 'Org';

export class TypeNameError extends Error {
  override readonly name = 'TypeNameError';
}

const PART_ROLES = ['organization', 'service', 'resource'] as const;
const PART_CHARACTER = /[A-Za-z0-9]/;
const PART_MIN_LENGTH = 2;
const PART_MAX_LENGTH = 64;

function reservedOrganization(organization: string): string | undefined {
  return RESERVED_ORGANIZATIONS.find((name) => name.toLowerCase() === organization.toLowerCase());
}

/** What is wrong with one `::`-separated part, by the meta-schema's rule for every part. */
function partProblem(role: (typeof PART_ROLES)[number], part: string): string | undefined {
  if (part === '') return `the ${role} part is empty`;
  const badCharacters = [...new Set([...part].filter((character) => !PART_CHARACTER.test(character)))];
  if (badCharacters.length > 0) {
    return (
      `the ${role} '${part}' contains ${badCharacters.map((character) => JSON.stringify(character)).join(', ')}: ` +
      'each part is ASCII letters and digits only'
    );
  }
  const length = [...part].length;
  if (length < PART_MIN_LENGTH || length > PART_MAX_LENGTH) {
    return (
      `the ${role} '${length > PART_MAX_LENGTH ? `${part.slice(0, 12)}…` : part}' is ${length} ` +
      `character${length === 1 ? '' : 's'} long: each part is ${PART_MIN_LENGTH}-${PART_MAX_LENGTH}`
    );
  }
  return undefined;
}

/**
 * Every rule `typeName` breaks, each named (empty when it is a valid private name). All are reported
 * at once, so `Custom::X::Y` hears both that `Custom` is reserved and that `X` and `Y` are too short.
 */
export function typeNameProblems(typeName: string): string[] {
  if (typeName.trim() === '') {
    return ['it is empty: a type name is Organization::Service::Resource'];
  }
  const parts = typeName.split('::');
  const problems: string[] = [];
  if (parts.length !== PART_ROLES.length) {
    let hint = '';
    if (parts.some((part) => part.includes(':'))) hint = " (parts are separated by two colons, '::')";
    else if (parts.length === 4 && parts[3] === 'MODULE') {
      hint = " ('::MODULE' ends a module's name; this is a resource type)";
    }
    problems.push(
      `it has ${parts.length} part${parts.length === 1 ? '' : 's'}; a resource type name has exactly three, ` +
        `Organization::Service::Resource${hint}`,
    );
  }
  const reserved = reservedOrganization(parts[0]);
  if (reserved) {
    problems.push(
      `the organization '${parts[0]}' is reserved by CloudFormation (${RESERVED_ORGANIZATIONS.join(', ')}, ` +
        'in any letter case): use your own',
    );
  }
  if (parts.length === PART_ROLES.length) {
    PART_ROLES.forEach((role, index) => {
      // A reserved organisation is already reported, and is well formed.
      if (role === 'organization' && reserved) return;
      const problem = partProblem(role, parts[index]);
      if (problem) problems.push(problem);
    });
  }
  return problems;
}

/** Throws a TypeNameError that names every rule the name breaks; returns the name otherwise. */
export function validateTypeName(typeName: string): string {
  const problems = typeNameProblems(typeName);
  if (problems.length > 0) {
    const [, service, resource] = typeName.split('::');
    // Suggest the user's own namespace on the same service and resource, when those are valid.
    const suggestion =
      typeName.split('::').length === 3 && TYPE_NAME.test(`${EXAMPLE_ORGANIZATION}::${service}::${resource}`)
        ? `${EXAMPLE_ORGANIZATION}::${service}::${resource}`
        : `${EXAMPLE_ORGANIZATION}::SSO::Assignment`;
    throw new TypeNameError(
      `Type name '${typeName}': ${problems.join('; ')}. For example ${suggestion}, with your own name for ` +
        `'${EXAMPLE_ORGANIZATION}'.`,
    );
  }
  // The rules above are the pattern's, spelled out; the pattern stays the single source of truth.
  if (!TYPE_NAME.test(typeName)) {
    throw new TypeNameError(`Type name '${typeName}' does not match ${TYPE_NAME_PATTERN}`);
  }
  return typeName;
}

/** `sourceTypeName` under the example organisation (AWS::SSO::Assignment → Org::SSO::Assignment). */
export function exampleTypeName(sourceTypeName: string): string {
  return withOrganization(sourceTypeName, EXAMPLE_ORGANIZATION);
}

/** `sourceTypeName` with its organisation segment replaced (AWS::SSO::Assignment → Org::SSO::Assignment). */
export function withOrganization(sourceTypeName: string, organization: string): string {
  const [, service, resource] = sourceTypeName.split('::');
  return validateTypeName(`${organization}::${service}::${resource}`);
}

/**
 * `Org::SSO::Assignment` → `SSO::Assignment`: what a registered name keeps of its source type whatever the
 * organisation (the part package, register and invoke match on).
 */
export function withoutOrganization(typeName: string): string {
  return typeName.split('::').slice(1).join('::');
}

/** `Org::Service::Type` → `Org-Service-Type`, the form in type ARNs and package file names. */
export function hyphenated(typeName: string): string {
  return typeName.split('::').join('-');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces every whole occurrence of a type name, in its `::` and its hyphenated form, in a text such as
 * the execution role template (its description, and the `aws:SourceArn` condition naming the type's ARN).
 */
export function replaceTypeName(text: string, from: string, to: string): string {
  let result = text;
  for (const [source, target] of [
    [from, to],
    [hyphenated(from), hyphenated(to)],
  ]) {
    result = result.replace(
      new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(source)}(?![A-Za-z0-9])`, 'g'),
      target,
    );
  }
  return result;
}

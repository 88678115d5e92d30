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

export class TypeNameError extends Error {
  override readonly name = 'TypeNameError';
}

/** Throws a TypeNameError that says what is wrong; returns the name otherwise. */
export function validateTypeName(typeName: string): string {
  if (!TYPE_NAME.test(typeName)) {
    throw new TypeNameError(
      `Type name '${typeName}' must be Organization::Service::Resource: three parts separated by '::', ` +
        'each 2-64 letters or digits (e.g. Org::SSO::Assignment)',
    );
  }
  const [organization] = typeName.split('::');
  const reserved = RESERVED_ORGANIZATIONS.find((name) => name.toLowerCase() === organization.toLowerCase());
  if (reserved) {
    throw new TypeNameError(
      `Type name '${typeName}': the organization '${organization}' is reserved by CloudFormation ` +
        `(${RESERVED_ORGANIZATIONS.join(', ')}); use your own, e.g. Org::${typeName.split('::').slice(1).join('::')}`,
    );
  }
  return typeName;
}

/** `sourceTypeName` with its organisation segment replaced (AWS::SSO::Assignment → Org::SSO::Assignment). */
export function withOrganization(sourceTypeName: string, organization: string): string {
  const [, service, resource] = sourceTypeName.split('::');
  return validateTypeName(`${organization}::${service}::${resource}`);
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

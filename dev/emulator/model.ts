/**
 * The API models of the emulated services (botocore JSON, schema/aws-models/<service>.service-2.json) and a small
 * validator driven by their input shapes: required members, types, string lengths, patterns, enums, integer
 * ranges, lists, nested structures, unions and documents.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRecord } from '../../src/core/records';

interface ShapeRef {
  shape: string;
}

export interface ModelShape {
  type: string;
  required?: string[];
  members?: Record<string, ShapeRef>;
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  /** A union: exactly one member is set (Smithy `@union`, e.g. Identity Store's AlternateIdentifier). */
  union?: boolean;
  /** A document: any JSON value (Smithy `document`, e.g. Identity Store's AttributeValue). */
  document?: boolean;
}

export interface ModelOperation {
  name: string;
  input?: ShapeRef;
  output?: ShapeRef;
  errors?: ShapeRef[];
}

export interface ServiceModel {
  metadata: { targetPrefix: string; jsonVersion: string };
  operations: Record<string, ModelOperation>;
  shapes: Record<string, ModelShape>;
}

export interface PaginatorModel {
  pagination: Record<
    string,
    { input_token: string; output_token: string; limit_key?: string; result_key: string }
  >;
}

const MODEL_DIR = join(__dirname, '..', '..', 'schema', 'aws-models');

function isServiceModel(value: unknown): value is ServiceModel {
  return isRecord(value) && isRecord(value.metadata) && isRecord(value.operations) && isRecord(value.shapes);
}

function isPaginatorModel(value: unknown): value is PaginatorModel {
  return isRecord(value) && isRecord(value.pagination);
}

/** The AWS services the emulator serves, by the file-name prefix of their botocore models. */
export type EmulatedService = 'sso-admin' | 'identitystore' | 'organizations';

const cachedModels = new Map<EmulatedService, ServiceModel>();
let cachedPaginators: PaginatorModel | undefined;

export function serviceModel(service: EmulatedService = 'sso-admin'): ServiceModel {
  let model = cachedModels.get(service);
  if (!model) {
    const file = `${service}.service-2.json`;
    const parsed: unknown = JSON.parse(readFileSync(join(MODEL_DIR, file), 'utf8'));
    if (!isServiceModel(parsed)) throw new Error(`${file} is not a botocore service model`);
    model = parsed;
    cachedModels.set(service, model);
  }
  return model;
}

export function paginatorModel(): PaginatorModel {
  if (!cachedPaginators) {
    const parsed: unknown = JSON.parse(readFileSync(join(MODEL_DIR, 'sso-admin.paginators-1.json'), 'utf8'));
    if (!isPaginatorModel(parsed))
      throw new Error('sso-admin.paginators-1.json is not a botocore paginator model');
    cachedPaginators = parsed;
  }
  return cachedPaginators;
}

/** Characters that may follow a backslash in a `u`-flag regular expression outside of \p{…}, \d, \w and friends. */
const SYNTAX_CHARACTERS = new Set('^$\\.*+?()[]{}|/-'.split(''));

/**
 * The model's patterns are Java regular expressions. They are unanchored there (Java's `matches()` tests the
 * whole string), so we anchor them. The `u` flag is needed for `\p{L}`; it rejects identity escapes of
 * non-syntax characters (the RelayState pattern writes `\ `), so those escapes are reduced to the literal
 * character, which means the same thing.
 */
export function compileModelPattern(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    const cleaned = pattern.replace(/\\(.)/gu, (whole: string, escaped: string) =>
      /[A-Za-z0-9]/u.test(escaped) || SYNTAX_CHARACTERS.has(escaped) ? whole : escaped,
    );
    return new RegExp(`^(?:${cleaned})$`, 'u');
  }
}

const patternCache = new Map<string, RegExp>();

function patternFor(pattern: string): RegExp {
  let compiled = patternCache.get(pattern);
  if (!compiled) {
    compiled = compileModelPattern(pattern);
    patternCache.set(pattern, compiled);
  }
  return compiled;
}

/** AWS's validation messages name members in lowerCamelCase paths, e.g. `filter.accountId`. */
function memberPathName(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `'${text.length > 100 ? `${text.slice(0, 100)}...` : text}'`;
}

/** Which kind of constraint a value broke (a service that reports a reason code maps it, e.g. Organizations). */
export type ConstraintKind =
  'required' | 'type' | 'enum' | 'minLength' | 'maxLength' | 'pattern' | 'minValue' | 'maxValue' | 'union';

export interface Violation {
  /** AWS's form: "Value … at '<member>' failed to satisfy constraint: …". */
  message: string;
  kind: ConstraintKind;
  /** The member's path, e.g. `parentId` or `filter.accountId`. */
  path: string;
}

function violation(path: string, value: unknown, kind: ConstraintKind, constraint: string): Violation {
  return {
    message: `Value ${describeValue(value)} at '${path}' failed to satisfy constraint: ${constraint}`,
    kind,
    path,
  };
}

/**
 * Validates `value` against model shape `shapeName`, returning one message per violation in AWS's
 * "Value … at '<member>' failed to satisfy constraint: …" form.
 *
 * Unknown members are ignored, as AWS JSON services do (the Smithy AWS JSON protocols tell servers to skip
 * unknown members so that clients built from newer models keep working).
 *
 * A value of the wrong JSON type is reported here as a validation violation. Real AWS answers that with a
 * SerializationException before validation; the emulator keeps it a ValidationException so that callers see
 * one modelled error class for any bad input.
 */
export function validateShape(
  shapeName: string,
  value: unknown,
  path = '',
  model: ServiceModel = serviceModel(),
): string[] {
  return shapeViolations(shapeName, value, path, model).map((problem) => problem.message);
}

/** validateShape's violations with the kind of constraint each one broke. */
export function shapeViolations(
  shapeName: string,
  value: unknown,
  path = '',
  model: ServiceModel = serviceModel(),
): Violation[] {
  const shape = model.shapes[shapeName];
  if (!shape) throw new Error(`Unknown model shape ${shapeName}`);
  const problems: Violation[] = [];
  // A document member takes any JSON value; what it must hold is the operation's business.
  if (shape.document) return problems;
  const at = path || shapeName;
  switch (shape.type) {
    case 'structure': {
      if (!isRecord(value)) {
        problems.push(violation(at, value, 'type', 'Member must be of type structure'));
        break;
      }
      for (const required of shape.required ?? []) {
        if (value[required] === undefined || value[required] === null) {
          problems.push(
            violation(
              path ? `${path}.${memberPathName(required)}` : memberPathName(required),
              null,
              'required',
              'Member must not be null',
            ),
          );
        }
      }
      if (shape.union) {
        const set = Object.keys(shape.members ?? {}).filter(
          (member) => value[member] !== undefined && value[member] !== null,
        );
        if (set.length !== 1) {
          problems.push(violation(at, value, 'union', 'Member must have exactly one of its members set'));
        }
      }
      for (const [memberName, ref] of Object.entries(shape.members ?? {})) {
        const memberValue = value[memberName];
        if (memberValue === undefined || memberValue === null) continue;
        const memberPath = path ? `${path}.${memberPathName(memberName)}` : memberPathName(memberName);
        problems.push(...shapeViolations(ref.shape, memberValue, memberPath, model));
      }
      break;
    }
    case 'list': {
      if (!Array.isArray(value)) {
        problems.push(violation(at, value, 'type', 'Member must be of type list'));
        break;
      }
      if (shape.min !== undefined && value.length < shape.min) {
        problems.push(
          violation(at, value, 'minLength', `Member must have length greater than or equal to ${shape.min}`),
        );
      }
      if (shape.max !== undefined && value.length > shape.max) {
        problems.push(
          violation(at, value, 'maxLength', `Member must have length less than or equal to ${shape.max}`),
        );
      }
      if (shape.member) {
        const memberShape = shape.member.shape;
        value.forEach((item: unknown, index) => {
          problems.push(...shapeViolations(memberShape, item, `${at}.${index + 1}.member`, model));
        });
      }
      break;
    }
    case 'map': {
      if (!isRecord(value)) {
        problems.push(violation(at, value, 'type', 'Member must be of type map'));
        break;
      }
      if (shape.key && shape.value) {
        const keyShape = shape.key.shape;
        const valueShape = shape.value.shape;
        for (const [key, item] of Object.entries(value)) {
          problems.push(...shapeViolations(keyShape, key, `${at}.key`, model));
          problems.push(...shapeViolations(valueShape, item, `${at}.${key}`, model));
        }
      }
      break;
    }
    case 'string': {
      if (typeof value !== 'string') {
        problems.push(violation(at, value, 'type', 'Member must be of type string'));
        break;
      }
      if (shape.enum && !shape.enum.includes(value)) {
        problems.push(
          violation(at, value, 'enum', `Member must satisfy enum value set: [${shape.enum.join(', ')}]`),
        );
      }
      // Lengths are in characters (code points), as Java's String.codePointCount counts them.
      const length = [...value].length;
      if (shape.min !== undefined && length < shape.min) {
        problems.push(
          violation(at, value, 'minLength', `Member must have length greater than or equal to ${shape.min}`),
        );
      }
      if (shape.max !== undefined && length > shape.max) {
        problems.push(
          violation(at, value, 'maxLength', `Member must have length less than or equal to ${shape.max}`),
        );
      }
      if (shape.pattern !== undefined && !patternFor(shape.pattern).test(value)) {
        problems.push(
          violation(at, value, 'pattern', `Member must satisfy regular expression pattern: ${shape.pattern}`),
        );
      }
      break;
    }
    case 'integer':
    case 'long': {
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        problems.push(violation(at, value, 'type', `Member must be of type ${shape.type}`));
        break;
      }
      if (shape.min !== undefined && value < shape.min) {
        problems.push(
          violation(at, value, 'minValue', `Member must have value greater than or equal to ${shape.min}`),
        );
      }
      if (shape.max !== undefined && value > shape.max) {
        problems.push(
          violation(at, value, 'maxValue', `Member must have value less than or equal to ${shape.max}`),
        );
      }
      break;
    }
    case 'boolean': {
      if (typeof value !== 'boolean')
        problems.push(violation(at, value, 'type', 'Member must be of type boolean'));
      break;
    }
    case 'timestamp': {
      if (typeof value !== 'number' && typeof value !== 'string') {
        problems.push(violation(at, value, 'type', 'Member must be of type timestamp'));
      }
      break;
    }
    default:
      // blob, double, float: not used by the emulated operations' inputs.
      break;
  }
  return problems;
}

/** AWS reports the violations of one request together: "N validation error(s) detected: …; …". */
export function validationMessage(problems: readonly string[]): string {
  const count = problems.length;
  return `${count} validation error${count === 1 ? '' : 's'} detected: ${problems.join('; ')}`;
}

/** Every pattern used by an operation's input, for a test that they all compile. */
export function inputPatterns(operation: string, service: EmulatedService = 'sso-admin'): string[] {
  const model = serviceModel(service);
  const inputShape = model.operations[operation]?.input?.shape;
  const patterns = new Set<string>();
  const seen = new Set<string>();
  const walk = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const shape = model.shapes[name];
    if (!shape) return;
    if (shape.pattern !== undefined) patterns.add(shape.pattern);
    for (const ref of Object.values(shape.members ?? {})) walk(ref.shape);
    if (shape.member) walk(shape.member.shape);
    if (shape.key) walk(shape.key.shape);
    if (shape.value) walk(shape.value.shape);
  };
  if (inputShape) walk(inputShape);
  return [...patterns];
}

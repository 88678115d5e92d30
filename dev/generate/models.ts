/**
 * Renders a type's `models.ts`: class-transformer models in the shape the cloudformation-cli TypeScript
 * plugin's `cfn generate` writes. What this follows (read, not copied) in the plugin and the cloudformation-cli
 * core it uses:
 * - rpdk core's JsonSchemaFlattener and ModelResolver: every object with `properties` becomes its own model,
 *   named after the nearest property or definition name (`#/properties/Principals/items` is `Principals`,
 *   `#/definitions/Target` is `Target`); a `$ref` to a non-object definition is inlined; an object without
 *   `properties` is a dict (`Map`); an array is a list, or a set when `uniqueItems` is true and
 *   `insertionOrder` is false; a multi-type property is a plain object;
 * - the plugin's resolver.py and templates/models.ts: nested models extend BaseModel; a model, or a list of
 *   models, is decorated `@Type(() => Model)`; anything else is `@Transform` through the runtime lib's
 *   `transformValue` with the container classes (`[Array]`, `[Set]`, `[Map]`); types are
 *   `Optional<Array<...>>`, `Set<...>`, `Map<string, ...>`; integers are the lib's `integer`; property names
 *   that are TypeScript keywords get a trailing underscore;
 * - `cfn generate` resolves the schema's `typeConfiguration` (with the schema's definitions) into
 *   `TypeConfigurationModel` and its nested models.
 * One deliberate difference: the plugin leaves the members of a set of models as plain objects (transformValue
 * does not build models), so a set of models here is `@Type` for the members plus a `@Transform` to a Set.
 */

/** The JSON Schema a resource schema's properties use, as far as the models need it. */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  $ref?: string;
  enum?: readonly unknown[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  patternProperties?: Record<string, JsonSchema>;
  uniqueItems?: boolean;
  insertionOrder?: boolean;
}

export interface ModelSchema {
  typeName: string;
  properties: Record<string, JsonSchema>;
  primaryIdentifier: string[];
  additionalIdentifiers?: string[][];
  definitions?: Record<string, JsonSchema>;
  typeConfiguration?: JsonSchema;
}

type Primitive = 'string' | 'integer' | 'boolean' | 'number' | 'object';

/** A property's type: rpdk core's container kinds. */
export type ResolvedType =
  | { readonly container: 'primitive'; readonly type: Primitive }
  | { readonly container: 'model'; readonly name: string }
  | { readonly container: 'list' | 'set' | 'dict'; readonly item: ResolvedType };

interface ResolvedProperty {
  readonly type: ResolvedType;
  readonly description?: string;
}

export interface ResolvedModel {
  readonly name: string;
  /** Where the model's schema is, as a JSON pointer: names must not clash across places. */
  readonly pointer: string;
  readonly properties: Map<string, ResolvedProperty>;
}

const PRIMITIVES: readonly string[] = ['string', 'integer', 'boolean', 'number'];
const WRAPPERS: Record<Primitive, string> = {
  string: 'String',
  integer: 'Integer',
  boolean: 'Boolean',
  number: 'Number',
  object: 'Object',
};
const CONTAINER_CLASSES = { list: 'Array', set: 'Set', dict: 'Map' } as const;
// Property names TypeScript or the models reserve; the field gets a trailing underscore (the @Expose name
// keeps the schema's).
const RESERVED = new Set(
  (
    'abstract any as async await bigint boolean break case catch class const constructor continue debugger ' +
    'declare default delete do else enum export extends false finally for from function get if implements ' +
    'import in instanceof interface is let module namespace never new null number of package private ' +
    'protected public readonly require return set static string super switch symbol this throw true try type ' +
    'typeof undefined unique unknown var void while with yield'
  ).split(' '),
);
const SCHEMA_KEYWORDS = new Set(['items', 'patternProperties', 'properties']);

function upperFirst(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function fieldName(property: string): string {
  const field = lowerFirst(property);
  return RESERVED.has(field) ? `${field}_` : field;
}

/** The model name for an inline object at `path`: the nearest property or definition name above it. */
function modelNameAt(path: readonly string[]): string {
  for (let index = path.length - 1; index >= 0; index -= 1) {
    const parent = index > 0 ? path[index - 1] : '';
    const named = parent === 'properties' || parent === 'definitions';
    if (named || (!SCHEMA_KEYWORDS.has(path[index]) && parent !== 'patternProperties')) {
      return upperFirst(path[index]);
    }
  }
  throw new Error(`generate: no model name can be made for #/${path.join('/')}`);
}

function definitionNameOf(ref: string): string {
  const match = /^#\/definitions\/([^/]+)$/.exec(ref);
  if (!match) throw new Error(`generate: $ref ${ref} is not supported (only #/definitions/<name>)`);
  return match[1];
}

/** Resolves a schema's properties, and its typeConfiguration's, into models, in `cfn generate`'s order. */
export class ModelResolver {
  readonly models = new Map<string, ResolvedModel>();
  private readonly byPointer = new Map<string, string>();

  constructor(private readonly definitions: Record<string, JsonSchema>) {}

  /** Resolves a root (ResourceModel, TypeConfigurationModel); `scope` keeps roots' inline models apart. */
  addRoot(name: string, schema: JsonSchema, scope: string): ResolvedModel {
    this.addModel(name, schema, scope, []);
    const model = this.models.get(name);
    if (!model) throw new Error(`generate: ${name} was not resolved`);
    return model;
  }

  private addModel(name: string, schema: JsonSchema, scope: string, path: readonly string[]): string {
    const pointer = `${scope}#/${path.join('/')}`;
    const known = this.byPointer.get(pointer);
    if (known) return known;
    const clash = this.models.get(name);
    if (clash) throw new Error(`generate: model name ${name} is used by ${clash.pointer} and ${pointer}`);
    const model: ResolvedModel = { name, pointer, properties: new Map() };
    // Registered before its properties, so a recursive reference finds it, and so models come out in the
    // flattener's depth-first order.
    this.byPointer.set(pointer, name);
    this.models.set(name, model);
    for (const [property, propertySchema] of Object.entries(schema.properties ?? {})) {
      model.properties.set(property, {
        type: this.resolve(propertySchema, scope, [...path, 'properties', property]),
        description: propertySchema.description,
      });
    }
    return name;
  }

  private resolve(schema: JsonSchema, scope: string, path: readonly string[]): ResolvedType {
    if (schema.$ref !== undefined) {
      const name = definitionNameOf(schema.$ref);
      const target = this.definitions[name];
      if (!target) throw new Error(`generate: $ref ${schema.$ref} names no definition`);
      // Definitions are shared by the resource and its type configuration: one scope for both.
      if (target.properties) {
        return {
          container: 'model',
          name: this.addModel(upperFirst(name), target, '', ['definitions', name]),
        };
      }
      return this.resolve(target, '', ['definitions', name]);
    }
    const types = schema.type === undefined ? ['object'] : [schema.type].flat();
    if (new Set(types).size > 1) return { container: 'primitive', type: 'object' };
    const [type] = types;
    if (type === 'array') {
      const set = schema.uniqueItems === true && schema.insertionOrder === false;
      return {
        container: set ? 'set' : 'list',
        item: schema.items
          ? this.resolve(schema.items, scope, [...path, 'items'])
          : { container: 'primitive', type: 'object' },
      };
    }
    if (type === 'object') {
      if (schema.properties) {
        return { container: 'model', name: this.addModel(modelNameAt(path), schema, scope, path) };
      }
      const patterns = Object.entries(schema.patternProperties ?? {});
      const item: ResolvedType =
        patterns.length === 1
          ? this.resolve(patterns[0][1], scope, [...path, 'patternProperties', patterns[0][0]])
          : { container: 'primitive', type: 'object' };
      return { container: 'dict', item };
    }
    if (PRIMITIVES.includes(type)) return { container: 'primitive', type: type as Primitive };
    throw new Error(`generate: type ${JSON.stringify(schema.type)} at #/${path.join('/')} is not supported`);
  }
}

/** The TypeScript type of a resolved type (the plugin's translate_type). */
export function tsTypeOf(type: ResolvedType): string {
  switch (type.container) {
    case 'primitive':
      return type.type;
    case 'model':
      return type.name;
    case 'list':
      return `Array<${tsTypeOf(type.item)}>`;
    case 'set':
      return `Set<${tsTypeOf(type.item)}>`;
    case 'dict':
      return `Map<string, ${tsTypeOf(type.item)}>`;
  }
}

/** The model inside a model or a list of models (the plugin's contains_model), if any. */
function listedModel(type: ResolvedType): string | undefined {
  if (type.container === 'model') return type.name;
  return type.container === 'list' ? listedModel(type.item) : undefined;
}

function containsModel(type: ResolvedType): boolean {
  if (type.container === 'model') return true;
  return type.container !== 'primitive' && containsModel(type.item);
}

/** The innermost type and the container classes around it, outermost first (the plugin's get_inner_type). */
function innerType(type: ResolvedType, classes: string[] = []): { wrapper: string; classes: string[] } {
  if (type.container === 'primitive') return { wrapper: WRAPPERS[type.type], classes };
  if (type.container === 'model') return { wrapper: type.name, classes };
  return innerType(type.item, [...classes, CONTAINER_CLASSES[type.container]]);
}

function renderProperty(name: string, { type, description }: ResolvedProperty): string[] {
  const field = fieldName(name);
  const lines: string[] = [];
  if (description) lines.push(`  /** ${description.replace(/\*\//g, '*\\/')} */`);
  lines.push(`  @Expose({ name: '${name}' })`);
  const model = listedModel(type);
  if (model) {
    lines.push(`  @Type(() => ${model})`);
  } else if (type.container === 'set' && type.item.container === 'model') {
    lines.push(
      `  @Type(() => ${type.item.name})`,
      '  @Transform(({ value }) => (value == null ? value : new Set(value)), { toClassOnly: true })',
    );
  } else if (containsModel(type)) {
    throw new Error(`generate: property ${name} (${tsTypeOf(type)}) is not supported: models inside a map`);
  } else {
    const { wrapper, classes } = innerType(type);
    lines.push(
      '  @Transform(',
      `    ({ value, obj }) => transformValue(${wrapper}, '${field}', value, obj, [${classes.join(', ')}]),`,
      '    { toClassOnly: true },',
      '  )',
    );
  }
  lines.push(`  ${field}?: Optional<${tsTypeOf(type)}>;`, '');
  return lines;
}

function identifierKey(pointer: string): string {
  return `IDENTIFIER_KEY_${pointer.split('/').slice(2).join('_').toUpperCase()}`;
}

function identifierField(pointer: string): string {
  const parts = pointer.split('/');
  if (parts.length !== 3 || parts[1] !== 'properties') {
    throw new Error(`generate: nested identifier ${pointer} is not supported`);
  }
  return fieldName(parts[2]);
}

function renderIdentifierMethods(schema: ModelSchema): string[] {
  const lines = [
    '  @Exclude()',
    '  public getPrimaryIdentifier(): Dict | null {',
    '    const identifier: Dict = {};',
  ];
  for (const pointer of schema.primaryIdentifier) {
    const field = identifierField(pointer);
    lines.push(
      `    if (this.${field} != null) {`,
      `      identifier[this.${identifierKey(pointer)}] = this.${field};`,
      '    }',
    );
  }
  lines.push(
    '    // Only a complete identifier can be used.',
    `    return Object.keys(identifier).length === ${schema.primaryIdentifier.length} ? identifier : null;`,
    '  }',
    '',
    '  @Exclude()',
    '  public getAdditionalIdentifiers(): Array<Dict> | null {',
    '    const identifiers: Array<Dict> = new Array<Dict>();',
    '    // Only return the identifiers if any can be used.',
    '    return identifiers.length === 0 ? null : identifiers;',
    '  }',
  );
  return lines;
}

function renderModel(model: ResolvedModel, schema: ModelSchema): string[] {
  const lines = [`export class ${model.name} extends BaseModel {`];
  const root = model.name === 'ResourceModel' || model.name === 'TypeConfigurationModel';
  if (root) {
    lines.push(
      '  @Exclude()',
      `  public static override readonly TYPE_NAME: string = '${schema.typeName}';`,
      '',
    );
  }
  if (model.name === 'ResourceModel') {
    const identifiers = [...schema.primaryIdentifier, ...(schema.additionalIdentifiers ?? []).flat()];
    for (const pointer of new Set(identifiers)) {
      lines.push(
        '  @Exclude()',
        `  protected readonly ${identifierKey(pointer)}: string = '${pointer}';`,
        '',
      );
    }
  }
  for (const [name, property] of model.properties) lines.push(...renderProperty(name, property));
  if (model.name === 'ResourceModel') lines.push(...renderIdentifierMethods(schema));
  while (lines[lines.length - 1] === '') lines.pop();
  lines.push('}', '');
  return lines;
}

export function renderModels(schema: ModelSchema, banner: string): string {
  const resolver = new ModelResolver(schema.definitions ?? {});
  resolver.addRoot('ResourceModel', { properties: schema.properties }, 'resource');
  resolver.addRoot('TypeConfigurationModel', schema.typeConfiguration ?? {}, 'typeConfiguration');
  const models = [...resolver.models.values()];
  const body = models.flatMap((model) => renderModel(model, schema));
  // Import only the decorators the models use: an unused import fails the lint.
  const decorators = ['Exclude', 'Expose', 'Transform', 'Type'].filter(
    (name) => name === 'Exclude' || body.some((line) => line.includes(`@${name}(`)),
  );
  const lib = ['BaseModel', 'Dict', 'integer', 'Integer', 'Optional'];
  if (body.some((line) => line.includes('transformValue('))) lib.push('transformValue');
  const lines: string[] = [
    banner,
    `import { ${lib.join(', ')} } from '@amazon-web-services-cloudformation/cloudformation-cli-typescript-lib';`,
    `import { ${decorators.join(', ')} } from 'class-transformer';`,
    '',
    // ResourceModel and its nested models come first, then TypeConfigurationModel and its own, as in the
    // plugin's output.
    ...body,
  ];
  // Keep the `integer`/`Integer` imports used even for all-string schemas, as the plugin's output does.
  lines.push('export type GeneratedNumericTypes = integer | typeof Integer;', '');
  return lines.join('\n');
}

import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone';
import type { CompiledValidators } from '../../src/core/validation';

/** The parts of a resource schema that describe valid input. */
export interface InputSchema {
  readonly properties: Record<string, object>;
  readonly required?: readonly string[];
  readonly primaryIdentifier?: readonly string[];
  readonly definitions?: Record<string, object>;
  readonly handlers?: {
    readonly list?: { readonly handlerSchema?: { readonly required?: readonly string[] } };
  };
}

/**
 * The JSON Schemas the handlers validate raw input against:
 * - model (CREATE, UPDATE): every schema rule, additionalProperties false;
 * - identifier (READ, DELETE): the primary identifier's properties required, every present property checked
 *   against its rule (the handler contract: READ and DELETE receive only the primary identifier);
 * - list: only the list handlerSchema's required properties, every present property checked against its
 *   rule (contract tests pass the whole created model to LIST);
 * - shared: one schema per property and per definition, which model and list reference by `$id`. Ajv
 *   compiles a referenced whole schema once, so with inlineRefs off each property's checks are emitted once
 *   and called from both validators instead of being copied into each.
 */
export function inputSchemas(schema: InputSchema): {
  model: object;
  identifier: object;
  list: object;
  shared: object[];
} {
  const shape = (id: string, required: readonly string[] | undefined) => ({
    $id: id,
    type: 'object',
    properties: Object.fromEntries(
      Object.keys(schema.properties).map((name) => [name, { $ref: `/properties/${name}` }]),
    ),
    required: [...(required ?? [])],
    additionalProperties: false,
  });
  const shared = [
    ...Object.entries(schema.definitions ?? {}).map(([name, definition]) => ({
      ...rulesOf(definition),
      $id: idOf('definitions', name),
    })),
    ...Object.entries(schema.properties).map(([name, property]) => ({
      ...rulesOf(property),
      $id: idOf('properties', name),
    })),
  ];
  return {
    model: shape('/model', schema.required),
    identifier: shape(
      '/identifier',
      (schema.primaryIdentifier ?? []).map((pointer) => pointer.replace(/^\/properties\//, '')),
    ),
    list: shape('/list', schema.handlers?.list?.handlerSchema?.required),
    shared,
  };
}

function idOf(section: 'definitions' | 'properties', name: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(name))
    throw new Error(`generate: ${section} name ${name} cannot be a schema id`);
  return `/${section}/${name}`;
}

// Keywords whose values are schemas, or maps or lists of schemas; everything else is a rule's value.
const SUBSCHEMA = new Set([
  'items',
  'additionalItems',
  'additionalProperties',
  'not',
  'contains',
  'propertyNames',
]);
const SUBSCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', 'dependencies']);
const SUBSCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf']);
// Annotations change no verdict. Dropping them keeps descriptions out of the bundle, and CloudFormation's own
// (insertionOrder, arrayType, relationshipRef) would be unknown keywords to Ajv's strict mode.
const ANNOTATIONS = new Set([
  'description',
  'title',
  '$comment',
  'examples',
  'default',
  'insertionOrder',
  'arrayType',
  'relationshipRef',
]);

/** A schema's validation rules: annotations removed, `#/definitions/X` pointing at the shared `/definitions/X`. */
function rulesOf(schema: object): Record<string, unknown> {
  const rules: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    if (keyword === '$ref') {
      const match = typeof value === 'string' ? /^#\/definitions\/([^/]+)$/.exec(value) : null;
      if (!match)
        throw new Error(`generate: $ref ${String(value)} is not supported (only #/definitions/<name>)`);
      rules.$ref = idOf('definitions', match[1]);
    } else if (SUBSCHEMA.has(keyword) && isObject(value)) {
      rules[keyword] = rulesOf(value);
    } else if (SUBSCHEMA_LISTS.has(keyword) && Array.isArray(value)) {
      rules[keyword] = value.map((item: unknown) => (isObject(item) ? rulesOf(item) : item));
    } else if (SUBSCHEMA_MAPS.has(keyword) && isObject(value)) {
      rules[keyword] = Object.fromEntries(
        Object.entries(value).map(([name, item]) => [name, isObject(item) ? rulesOf(item) : item]),
      );
    } else {
      rules[keyword] = value;
    }
  }
  return rules;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Ajv options shared by the precompiled validators and the tests that compile them at run time. inlineRefs off
 * keeps each shared property schema one function; loopRequired checks required properties in a loop rather
 * than a copied block each; messages off leaves Ajv's message text out of the generated code, since the handler
 * words every message itself from the keyword and its parameters (src/core/validation.ts).
 */
export const AJV_OPTIONS = {
  messages: false,
  allErrors: true,
  strict: true,
  allowUnionTypes: true,
  inlineRefs: false,
  loopRequired: 1,
} as const;

function ajvWith(schema: InputSchema, options: object = {}): Ajv {
  const { model, identifier, list, shared } = inputSchemas(schema);
  return new Ajv({ ...AJV_OPTIONS, ...options, schemas: [...shared, model, identifier, list] });
}

/** The validators compiled at run time, as the precompiled ones behave (for tests). */
export function compileValidators(schema: InputSchema): CompiledValidators {
  const ajv = ajvWith(schema);
  const compiled = (id: string) => {
    const validate = ajv.getSchema(id);
    if (!validate) throw new Error(`validators: ${id} was not compiled`);
    return validate;
  };
  return { model: compiled('/model'), identifier: compiled('/identifier'), list: compiled('/list') };
}

/**
 * Precompiled validators (Ajv standalone code), so the Lambda neither loads Ajv's compiler nor compiles the
 * schema on a cold start. The module exports `validateModel`, `validateIdentifier` and `validateList`.
 */
export function renderValidators(schema: InputSchema, banner: string): string {
  const ajv = ajvWith(schema, { code: { source: true, esm: true } });
  const code = standaloneCode(ajv, {
    validateModel: '/model',
    validateIdentifier: '/identifier',
    validateList: '/list',
  });
  return [
    banner,
    '// Ajv standalone code: type checking and linting do not apply to it.',
    '/* eslint-disable */',
    '// @ts-nocheck',
    code.replace(/^"use strict";/, ''),
    '',
  ].join('\n');
}

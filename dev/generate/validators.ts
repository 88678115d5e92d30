import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone';

/** The parts of a resource schema that describe valid input. */
export interface InputSchema {
  readonly properties: Record<string, object>;
  readonly required?: readonly string[];
  readonly definitions?: Record<string, object>;
  readonly handlers?: {
    readonly list?: { readonly handlerSchema?: { readonly required?: readonly string[] } };
  };
}

/**
 * The JSON Schemas the handlers validate raw input against:
 * - model (CREATE, READ, DELETE): every schema rule, additionalProperties false;
 * - list: only the list handlerSchema's required properties, every present property checked against its
 *   rule (contract tests pass the whole created model to LIST).
 */
export function inputSchemas(schema: InputSchema): { model: object; list: object } {
  const shape = (required: readonly string[] | undefined) => ({
    type: 'object',
    properties: schema.properties,
    definitions: schema.definitions ?? {},
    required: [...(required ?? [])],
    additionalProperties: false,
  });
  return { model: shape(schema.required), list: shape(schema.handlers?.list?.handlerSchema?.required) };
}

/** Ajv options shared by the precompiled validators and the tests that compile them at run time. */
export const AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true } as const;

/**
 * Precompiled validators (Ajv standalone code), so the Lambda neither loads Ajv's compiler nor compiles the
 * schema on a cold start. The module exports `validateModel` and `validateList`.
 */
export function renderValidators(schema: InputSchema, banner: string): string {
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, esm: true } });
  const { model, list } = inputSchemas(schema);
  ajv.addSchema({ $id: 'model', ...model });
  ajv.addSchema({ $id: 'list', ...list });
  const code = standaloneCode(ajv, { validateModel: 'model', validateList: 'list' });
  return [
    banner,
    '// Ajv standalone code: type checking and linting do not apply to it.',
    '/* eslint-disable */',
    '// @ts-nocheck',
    code.replace(/^"use strict";/, ''),
    '',
  ].join('\n');
}

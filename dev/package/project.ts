/**
 * A resource type's CloudFormation CLI project files, read the way `cfn submit` reads them
 * (cloudformation-cli src/rpdk/core/project.py): `.rpdk-config` in the type's folder, the schema named
 * after the type (`aws-sso-assignment.json` for AWS::SSO::Assignment), `inputs/`, `resource-role.yaml`.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isRecord } from '../../src/core/records';
import { REPOSITORY_ROOT, resourceType, type TypeKey } from '../types';
import { hyphenated, TypeNameError } from './type-name';

export class PackageError extends Error {
  override readonly name: string = 'PackageError';
}

/** A command line that cannot be followed (exit code 2, with usage). */
export class UsageError extends PackageError {
  override readonly name = 'UsageError';
}

/** Errors of the command line itself: ours, and node:util parseArgs' unknown options or missing values. */
export function isUsageError(error: unknown): boolean {
  if (error instanceof UsageError || error instanceof TypeNameError) return true;
  return error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
}

/** The `.rpdk-config` fields packaging reads; every other field is kept as it is. */
export interface RpdkConfig {
  readonly typeName: string;
  readonly entrypoint: string;
  readonly testEntrypoint: string;
  readonly [field: string]: unknown;
}

export interface TypeProject {
  readonly key: TypeKey;
  /** The type's project folder (absolute). */
  readonly folder: string;
  readonly rpdkConfig: RpdkConfig;
  /** The schema file (absolute), `<org>-<service>-<resource>.json` in lower case. */
  readonly schemaFile: string;
  /** src/<type>/handlers.ts (absolute). */
  readonly handlersSource: string;
  /** Where the bundle goes inside the Lambda package (`dist/assignment/handlers.js`), from the entrypoint. */
  readonly bundlePath: string;
  /** The execution role template (absolute); it may be missing, which packaging reports. */
  readonly roleTemplateFile: string;
  readonly inputsDir: string;
}

export function readJsonObject(file: string): Record<string, unknown> {
  if (!existsSync(file)) throw new PackageError(`${path.relative(REPOSITORY_ROOT, file)} is missing`);
  const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!isRecord(value))
    throw new PackageError(`${path.relative(REPOSITORY_ROOT, file)} is not a JSON object`);
  return value;
}

function stringField(object: Record<string, unknown>, field: string, file: string): string {
  const value = object[field];
  if (typeof value !== 'string' || value === '') {
    throw new PackageError(`${path.relative(REPOSITORY_ROOT, file)} has no ${field}`);
  }
  return value;
}

/** `dist/assignment/handlers.entrypoint` → `dist/assignment/handlers.js` (Lambda's handler notation). */
function moduleFileOf(handler: string): string {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) throw new PackageError(`Handler '${handler}' is not <module path>.<export name>`);
  return `${handler.slice(0, dot)}.js`;
}

export function readTypeProject(key: TypeKey): TypeProject {
  const entry = resourceType(key);
  const folder = path.join(REPOSITORY_ROOT, entry.folder);
  const configFile = path.join(folder, '.rpdk-config');
  const raw = readJsonObject(configFile);
  const rpdkConfig: RpdkConfig = {
    ...raw,
    typeName: stringField(raw, 'typeName', configFile),
    entrypoint: stringField(raw, 'entrypoint', configFile),
    testEntrypoint: stringField(raw, 'testEntrypoint', configFile),
  };
  const bundlePath = moduleFileOf(rpdkConfig.entrypoint);
  if (moduleFileOf(rpdkConfig.testEntrypoint) !== bundlePath) {
    throw new PackageError(`${key}: entrypoint and testEntrypoint must name the same module (one bundle)`);
  }
  return {
    key,
    folder,
    rpdkConfig,
    schemaFile: path.join(folder, `${hyphenated(rpdkConfig.typeName).toLowerCase()}.json`),
    handlersSource: path.join(REPOSITORY_ROOT, entry.handlersFile),
    bundlePath,
    roleTemplateFile: path.join(folder, 'resource-role.yaml'),
    inputsDir: path.join(folder, 'inputs'),
  };
}

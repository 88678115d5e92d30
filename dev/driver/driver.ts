// A CloudFormation stand-in bound to one handler entrypoint and one stack: each call is one operation
// (fresh bearer token), driven to a terminal status with contract checks.
import { toHandlerRequest } from './events';
import { DEFAULT_ACCOUNT_ID, DEFAULT_REGION, DEFAULT_STACK_NAME, stackArn } from './request';
import { DriverError, runAction, runRequest, type RunOptions, type RunResult } from './run';
import type { Entrypoint, HandlerAction, ProgressEventPayload, ResourceProperties } from './types';

/** Options fixed for the driver's lifetime; per-operation fields (bearerToken, ...) go in each call's overrides. */
export type DriverOptions = Omit<
  RunOptions,
  'previousProperties' | 'bearerToken' | 'callbackContext' | 'nextToken'
> & {
  entrypoint: Entrypoint;
};

export type OperationOverrides = Partial<RunOptions>;

export type ListAllResult = {
  /** Every page's resourceModels, in order. */
  models: ResourceProperties[];
  /** The last page's event (FAILED if a page failed). */
  final: ProgressEventPayload;
  pages: RunResult[];
};

export const DEFAULT_MAX_LIST_PAGES = 50;

export class Driver {
  readonly entrypoint: Entrypoint;
  readonly options: Readonly<RunOptions>;

  constructor({ entrypoint, ...options }: DriverOptions) {
    this.entrypoint = entrypoint;
    const region = options.region ?? DEFAULT_REGION;
    const awsAccountId = options.awsAccountId ?? DEFAULT_ACCOUNT_ID;
    this.options = {
      ...options,
      // One stack for every operation of this driver, as for resources declared in one template.
      stackId: options.stackId ?? stackArn(region, awsAccountId, DEFAULT_STACK_NAME),
    };
  }

  get stackId(): string {
    return this.options.stackId as string;
  }

  run(
    action: HandlerAction,
    properties: ResourceProperties,
    overrides: OperationOverrides = {},
  ): Promise<RunResult> {
    return runAction(this.entrypoint, action, properties, { ...this.options, ...overrides });
  }

  create(properties: ResourceProperties, overrides?: OperationOverrides): Promise<RunResult> {
    return this.run('CREATE', properties, overrides);
  }

  read(model: ResourceProperties, overrides?: OperationOverrides): Promise<RunResult> {
    return this.run('READ', model, overrides);
  }

  update(
    properties: ResourceProperties,
    previousProperties: ResourceProperties,
    overrides?: OperationOverrides,
  ): Promise<RunResult> {
    return this.run('UPDATE', properties, { ...overrides, previousProperties });
  }

  del(model: ResourceProperties, overrides?: OperationOverrides): Promise<RunResult> {
    return this.run('DELETE', model, overrides);
  }

  /** One LIST page; pass overrides.nextToken for a later page. */
  list(properties: ResourceProperties, overrides?: OperationOverrides): Promise<RunResult> {
    return this.run('LIST', properties, overrides);
  }

  /**
   * Follows nextToken across LIST pages, as CloudFormation does: each page is a new LIST request carrying the
   * previous page's token in the HandlerRequest's top-level `nextToken`, until a page has none. (Lib 1.0.6 drops
   * that field before the handler sees it; patches/ carries it through.) A token coming back twice, or more than
   * `maxPages` pages, fails with DriverError 'list-pagination'.
   */
  async listAll(
    properties: ResourceProperties,
    { maxPages = DEFAULT_MAX_LIST_PAGES, ...overrides }: OperationOverrides & { maxPages?: number } = {},
  ): Promise<ListAllResult> {
    const pages: RunResult[] = [];
    const models: ResourceProperties[] = [];
    const seenTokens = new Set<string>();
    let nextToken: string | undefined;
    for (;;) {
      const page = await this.list(properties, { ...overrides, nextToken });
      pages.push(page);
      models.push(...(page.final.resourceModels ?? []));
      nextToken = page.final.nextToken;
      if (page.final.status !== 'SUCCESS' || nextToken === undefined) {
        return { models, final: page.final, pages };
      }
      if (seenTokens.has(nextToken)) {
        throw new DriverError(
          'list-pagination',
          'LIST',
          `nextToken returned twice after ${pages.length} pages`,
          [],
        );
      }
      if (pages.length >= maxPages) {
        throw new DriverError(
          'list-pagination',
          'LIST',
          `still returning nextToken after ${maxPages} pages`,
          [],
        );
      }
      seenTokens.add(nextToken);
    }
  }

  /**
   * Replays an event file (HandlerRequest or sam-tests TestEvent) through the entrypoint, re-invoking while
   * IN_PROGRESS. The event's own bearer token, credentials, callbackContext and region are used.
   */
  runEvent(json: unknown, overrides: OperationOverrides = {}): Promise<RunResult> {
    const options = { ...this.options, ...overrides };
    return runRequest(this.entrypoint, toHandlerRequest(json, options), options);
  }
}

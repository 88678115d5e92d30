import { AWSError } from './error';
import { CredentialsOptions } from './credentials';
import { Request } from './request';

/** The client settings the bridge passes on to SDK v3 (other v2 settings are ignored). */
export interface ServiceConfigurationOptions {
  credentials?: CredentialsOptions | null;
  region?: string;
  endpoint?: string;
}

export interface ServiceConfiguration extends ServiceConfigurationOptions {
  /** Merges settings; the next request uses them. */
  update(options: ServiceConfigurationOptions): void;
}

/** The part of SDK v2's `AWS.Service` the CloudFormation runtime lib uses. */
export declare class Service {
  constructor(options?: ServiceConfigurationOptions);
  readonly serviceIdentifier: string;
  readonly config: ServiceConfiguration;
  makeRequest(operation: string, params?: object): Request<object, AWSError>;
}

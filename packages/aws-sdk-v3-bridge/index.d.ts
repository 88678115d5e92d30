export type { AWSError } from './lib/error';
export type { CredentialsOptions } from './lib/credentials';
export type { Service } from './lib/service';
export { CloudWatch, CloudWatchLogs, S3 } from './clients/all';

import { Service } from '../lib/service';

/** CloudWatch through SDK v3: putMetricData. */
export declare class CloudWatch extends Service {}

export declare namespace CloudWatch {
  type DimensionName = string;
  type DimensionValue = string;
  interface Dimension {
    Name: DimensionName;
    Value: DimensionValue;
  }
}

/**
 * CloudWatch Logs through SDK v3: createLogGroup, createLogStream, describeLogGroups, describeLogStreams,
 * putLogEvents.
 */
export declare class CloudWatchLogs extends Service {}

/** S3 through SDK v3: createBucket, listObjectsV2, putObject. */
export declare class S3 extends Service {}

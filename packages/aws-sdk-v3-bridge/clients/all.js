// @ts-check
'use strict';

/** The bridged clients by SDK v2 class name (what `session.client('CloudWatchLogs')` looks up). */
module.exports = {
  CloudWatch: require('./cloudwatch'),
  CloudWatchLogs: require('./cloudwatchlogs'),
  S3: require('./s3'),
};

// @ts-check
'use strict';

const { BridgedService, addHeaderMiddleware } = require('../lib/bridge');

/** @typedef {import('@aws-sdk/client-cloudwatch-logs')} Sdk */

/**
 * CloudWatch Logs, for the runtime lib's provider log delivery (log-delivery.js). v2 params are passed as
 * the v3 input unchanged: both SDKs name members as the service model does.
 * @type {import('../lib/bridge').Connect}
 */
function connect(config) {
  /** @type {Sdk} */
  const sdk = require('@aws-sdk/client-cloudwatch-logs');
  const client = new sdk.CloudWatchLogsClient(config);
  addHeaderMiddleware(client.middlewareStack);
  return {
    operations: {
      createLogGroup: (input) =>
        client.send(
          new sdk.CreateLogGroupCommand(
            /** @type {import('@aws-sdk/client-cloudwatch-logs').CreateLogGroupCommandInput} */ (input),
          ),
        ),
      createLogStream: (input) =>
        client.send(
          new sdk.CreateLogStreamCommand(
            /** @type {import('@aws-sdk/client-cloudwatch-logs').CreateLogStreamCommandInput} */ (input),
          ),
        ),
      describeLogGroups: (input) =>
        client.send(
          new sdk.DescribeLogGroupsCommand(
            /** @type {import('@aws-sdk/client-cloudwatch-logs').DescribeLogGroupsCommandInput} */ (input),
          ),
        ),
      describeLogStreams: (input) =>
        client.send(
          new sdk.DescribeLogStreamsCommand(
            /** @type {import('@aws-sdk/client-cloudwatch-logs').DescribeLogStreamsCommandInput} */ (input),
          ),
        ),
      putLogEvents: (input) =>
        client.send(
          new sdk.PutLogEventsCommand(
            /** @type {import('@aws-sdk/client-cloudwatch-logs').PutLogEventsCommandInput} */ (input),
          ),
        ),
    },
  };
}

class CloudWatchLogs extends BridgedService {
  /** @param {import('../lib/service').ServiceConfigurationOptions} [options] */
  constructor(options) {
    super('cloudwatchlogs', connect, options);
  }
}

module.exports = CloudWatchLogs;

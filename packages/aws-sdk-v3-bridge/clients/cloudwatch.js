// @ts-check
'use strict';

const { BridgedService, addHeaderMiddleware } = require('../lib/bridge');

/** @typedef {import('@aws-sdk/client-cloudwatch')} Sdk */

/**
 * CloudWatch, for the runtime lib's handler metrics (metrics.js).
 * @type {import('../lib/bridge').Connect}
 */
function connect(config) {
  /** @type {Sdk} */
  const sdk = require('@aws-sdk/client-cloudwatch');
  const client = new sdk.CloudWatchClient(config);
  addHeaderMiddleware(client.middlewareStack);
  return {
    operations: {
      putMetricData: (input) =>
        client.send(
          new sdk.PutMetricDataCommand(
            /** @type {import('@aws-sdk/client-cloudwatch').PutMetricDataCommandInput} */ (input),
          ),
        ),
    },
  };
}

class CloudWatch extends BridgedService {
  /** @param {import('../lib/service').ServiceConfigurationOptions} [options] */
  constructor(options) {
    super('cloudwatch', connect, options);
  }
}

module.exports = CloudWatch;

// @ts-check
'use strict';

const { BridgedService, addHeaderMiddleware } = require('../lib/bridge');

/** @typedef {import('@aws-sdk/client-s3')} Sdk */

/**
 * S3, for the runtime lib's S3 log delivery (log-delivery.js S3LogHelper/S3LogPublisher). The lib calls
 * `makeRequest('createBucket', …)`, which in v2 skips the `createBucket` method's LocationConstraint
 * default, so none is added here either.
 * @type {import('../lib/bridge').Connect}
 */
function connect(config) {
  /** @type {Sdk} */
  const sdk = require('@aws-sdk/client-s3');
  const client = new sdk.S3Client(config);
  addHeaderMiddleware(client.middlewareStack);
  return {
    operations: {
      createBucket: (input) =>
        client.send(
          new sdk.CreateBucketCommand(
            /** @type {import('@aws-sdk/client-s3').CreateBucketCommandInput} */ (input),
          ),
        ),
      listObjectsV2: (input) =>
        client.send(
          new sdk.ListObjectsV2Command(
            /** @type {import('@aws-sdk/client-s3').ListObjectsV2CommandInput} */ (input),
          ),
        ),
      putObject: (input) =>
        client.send(
          new sdk.PutObjectCommand(/** @type {import('@aws-sdk/client-s3').PutObjectCommandInput} */ (input)),
        ),
    },
  };
}

class S3 extends BridgedService {
  /** @param {import('../lib/service').ServiceConfigurationOptions} [options] */
  constructor(options) {
    super('s3', connect, options);
  }
}

module.exports = S3;

// The CloudFormation stand-in that drives handler entrypoints locally (see README.md).
export * from './contract';
export * from './driver';
export * from './events';
export * from './request';
export * from './run';
export * from './types';

// Types only: the runtime lib's declarations name these CloudFormation shapes; no client is bridged.
export type ClientRequestToken = string;
export type LogGroupName = string;
export type LogicalResourceId = string;
export type NextToken = string;

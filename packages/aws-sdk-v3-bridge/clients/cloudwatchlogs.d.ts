import { CloudWatchLogs } from './all';

export = CloudWatchLogs;

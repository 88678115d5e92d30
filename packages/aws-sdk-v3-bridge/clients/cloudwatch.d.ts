import { CloudWatch } from './all';

export = CloudWatch;

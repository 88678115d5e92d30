import { S3 } from './all';

export = S3;

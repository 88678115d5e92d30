// This type as the reliability harness drives it.
import { underTest } from '../reliability/support/harness';

export const APPLICATION_ASSIGNMENT = underTest('application-assignment');
export const APPLICATION_MODEL = APPLICATION_ASSIGNMENT.model;

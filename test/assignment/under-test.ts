// This type as the reliability harness drives it, with the emulator tuple its own fault cells inject by.
import type { ResourceProperties } from '../../dev/driver';
import type { AssignmentTuple } from '../../dev/emulator';
import { underTest } from '../reliability/support/harness';

export const ACCOUNT_ASSIGNMENT = underTest('assignment');
export const ACCOUNT_MODEL = ACCOUNT_ASSIGNMENT.model;

function text(model: ResourceProperties, name: string): string {
  const value = model[name];
  if (typeof value !== 'string') throw new TypeError(`model.${name} must be a string`);
  return value;
}

/** The emulator's tuple for an account-assignment model. */
export function tupleOf(model: ResourceProperties): AssignmentTuple {
  const principalType = model.PrincipalType;
  if (principalType !== 'USER' && principalType !== 'GROUP') {
    throw new TypeError('model.PrincipalType must be USER or GROUP');
  }
  return {
    targetId: text(model, 'TargetId'),
    permissionSetArn: text(model, 'PermissionSetArn'),
    principalType,
    principalId: text(model, 'PrincipalId'),
  };
}

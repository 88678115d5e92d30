// Every registered type runs the handler-permission check (test/reliability/support/permissions.ts) from its
// own folder, where its mocked SSO Admin answers and request paths are: test/<key>/permissions.test.ts.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPOSITORY_ROOT, RESOURCE_TYPES } from '../../dev/types';
import { handlerPermissions } from './support/permissions';

describe.each(RESOURCE_TYPES)('$typeName', (entry) => {
  test('has its handler-permission cases in its test folder', () => {
    const file = path.join(REPOSITORY_ROOT, 'test', entry.key, 'permissions.test.ts');
    expect(existsSync(file)).toBe(true);
  });

  test('declares permissions for its create, read, delete and list handlers, and no wildcard', () => {
    const handlers = handlerPermissions(entry);
    expect(Object.keys(handlers)).toEqual(expect.arrayContaining(['create', 'delete', 'list', 'read']));
    for (const { permissions } of Object.values(handlers)) {
      expect(permissions.length).toBeGreaterThan(0);
      expect(permissions.filter((permission) => permission.includes('*'))).toEqual([]);
    }
  });
});

// The group's state item on the DynamoDB wire protocol (dynalite): versioned conditional writes, and a
// 10,000-assignment group (the per-group limit) with its whole plan in one item, under DynamoDB's 400 KB.
import { DEFAULT_WORLD, stateTableClient } from '../../dev/emulator';
import {
  expandDeclared,
  GroupProperties,
  MAX_ASSIGNMENTS_PER_GROUP,
} from '../../src/assignment-group/declaration';
import { StateConflictError, StateStore } from '../../src/assignment-group/state-store';
import { useHandlerEmulator } from '../support/emulator';

const emulator = useHandlerEmulator({ stateTable: true });
const store = () => new StateStore(stateTableClient(emulator.stateTable().endpoint));

function largest(): GroupProperties {
  const uuid = (n: number) => `${String(n).padStart(8, '0')}-1111-4222-8333-444455556666`;
  return {
    Name: 'everyone-everywhere',
    InstanceArn: DEFAULT_WORLD.instanceArn,
    Principals: Array.from({ length: 10 }, (_, n) => ({
      PrincipalType: 'GROUP' as const,
      PrincipalId: uuid(n),
    })),
    PermissionSets: Array.from(
      { length: 5 },
      (_, n) => `arn:aws:sso:::permissionSet/ssoins-72230b9a8e8e8b7a/ps-${String(n).padStart(16, 'a')}`,
    ),
    Targets: [
      {
        TargetType: 'AWS_ACCOUNT',
        TargetIds: Array.from({ length: 200 }, (_, n) => String(300000000000 + n * 7919)),
      },
    ],
  };
}

test('a write names the version it read: a second writer from the same version is refused, never overwrites', async () => {
  const declared = largest();
  const first = await store().put({ name: 'g', declared, owned: new Set() }, undefined);
  await expect(store().put({ name: 'g', declared, owned: new Set() }, undefined)).rejects.toBeInstanceOf(
    StateConflictError,
  );
  const second = await store().put({ name: 'g', declared, owned: new Set(['a']) }, first.version);
  await expect(store().put({ name: 'g', declared, owned: new Set(['b']) }, first.version)).rejects.toThrow(
    'changed by another operation',
  );
  expect((await store().get('g'))?.owned).toEqual(new Set(['a']));
  await expect(store().delete('g', first.version)).rejects.toBeInstanceOf(StateConflictError);
  await store().delete('g', second.version);
  expect(await store().get('g')).toBeUndefined();
});

test(`a ${MAX_ASSIGNMENTS_PER_GROUP}-assignment group with its whole plan fits one item and reads back intact`, async () => {
  const declared = largest();
  const keys = expandDeclared(declared);
  expect(keys).toHaveLength(MAX_ASSIGNMENTS_PER_GROUP);
  const operation = {
    kind: 'update' as const,
    token: 'token',
    stage: 'create' as const,
    create: keys,
    remove: keys,
    cursor: 0,
    inFlight: [],
    failures: [],
  };
  await store().put({ name: declared.Name ?? '', declared, owned: new Set(keys), operation }, undefined);
  const read = await store().get(declared.Name ?? '');
  expect(read?.owned).toEqual(new Set(keys));
  expect(read?.operation).toEqual(operation);
  expect(read?.declared).toEqual(declared);
});

test('positive control: the table does refuse an item over 400 KB (so the fit above is measured, not assumed)', async () => {
  const { randomBytes } = await import('node:crypto');
  const owned = new Set(Array.from({ length: 12_000 }, () => randomBytes(36).toString('base64')));
  await expect(store().put({ name: 'too-big', declared: largest(), owned }, undefined)).rejects.toThrow(
    /Item size has exceeded the maximum allowed size/,
  );
});

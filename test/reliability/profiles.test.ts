// Every registered type answers the every-type reliability suites' per-type questions from its own folder:
// test/<key>/reliability-profile.ts (support/profile.ts). A type registered without one fails here by name, as
// well as in each suite that needs it.
import { RESOURCE_TYPES } from '../../dev/types';
import { missingHooks, profileFile, reliabilityProfile } from './support/profile';

describe.each(RESOURCE_TYPES)('$typeName', (entry) => {
  test('has a complete reliability profile in its test folder', () => {
    expect(profileFile(entry.key)).toBe(`test/${entry.key}/reliability-profile.ts`);
    expect(() => reliabilityProfile(entry.key)).not.toThrow();
  });
});

describe('the profile check', () => {
  test('names every hook a module lacks or declares with the wrong kind', () => {
    expect(missingHooks(undefined)).toHaveLength(12);
    const partial = { createLogLine: 'x', injectConflict: 'not a function', parallelModels: () => [] };
    expect(missingHooks(partial)).toEqual([
      'injectConflict (function)',
      'failNextCreate (function)',
      'expectExactlyOne (function)',
      'expectNone (function)',
      'expectDeleteRefusedForMissingPrincipal (function)',
      'principalOf (function)',
      'expectReadAfterPrincipalRemoved (function)',
      'expectReadAfterOutOfBandDelete (function)',
      'expectDeleteAfterOutOfBandDelete (function)',
      'knownHandlerBugs (object)',
    ]);
  });
});

// The handler skeleton as every type gets it: answers that do not depend on the type's own hooks.
import { DEFAULT_WORLD } from '../../dev/emulator';
import { parseHandlerRequest } from '../../dev/driver/events';
import { createLambdaContext } from '../../dev/driver/request';
import { availableResourceTypes } from '../../dev/types';
import { asProgress, handlerRequest } from '../support/handler-request';
import { useHandlerEmulator } from '../support/emulator';

const emulator = useHandlerEmulator();

describe.each(availableResourceTypes().map((entry) => [entry.typeName, entry] as const))(
  '%s',
  (_name, entry) => {
    // Only a type without an update handler (all its properties createOnly); the group's UPDATE is in place
    // (test/contract/contract-suite.ts runs its UPDATE rules).
    (entry.updatable ? test.skip : test)(
      'UPDATE of a type whose properties are all createOnly is NotUpdatable, with no AWS call',
      async () => {
        const { entrypoint } = await entry.loadHandlers();
        const model = entry.demoModel(DEFAULT_WORLD);
        emulator().clearCalls();
        const request = handlerRequest('UPDATE', model, { resourceType: entry.typeName });
        const response = asProgress(
          await entrypoint(
            parseHandlerRequest(request, { typeName: entry.typeName }),
            createLambdaContext({ functionName: 'TypeFunction' }),
          ),
        );
        expect(response).toMatchObject({ status: 'FAILED', errorCode: 'NotUpdatable' });
        expect(response.message).toContain(`Every property of ${entry.typeName} is createOnly`);
        expect(emulator().calls()).toHaveLength(0);
      },
    );

    test.each(['CREATE', 'DELETE'] as const)(
      '%s with a callback context it did not write is InvalidRequest, with no AWS call',
      async (action) => {
        const { entrypoint } = await entry.loadHandlers();
        const model = entry.demoModel(DEFAULT_WORLD);
        emulator().clearCalls();
        const callbackContext = { version: 1, startedAt: Date.now(), phase: 'confirm', requestIds: ['r-1'] };
        const request = handlerRequest(action, model, { resourceType: entry.typeName, callbackContext });
        const response = asProgress(
          await entrypoint(
            parseHandlerRequest(request, { typeName: entry.typeName }),
            createLambdaContext({ functionName: 'TypeFunction' }),
          ),
        );
        expect(response).toMatchObject({ status: 'FAILED', errorCode: 'InvalidRequest' });
        expect(response.message).toContain('requestIds is not a field this handler writes');
        expect(emulator().calls()).toHaveLength(0);
      },
    );
  },
);

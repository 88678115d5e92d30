/**
 * The SDK's standard endpoint settings (`AWS_ENDPOINT_URL_<SERVICE>`) for every service the emulator serves on
 * its one port, so the handlers' clients reach it and nothing else.
 */
export const EMULATED_ENDPOINT_VARIABLES = [
  'AWS_ENDPOINT_URL_SSO_ADMIN',
  'AWS_ENDPOINT_URL_IDENTITYSTORE',
  // The SDK's service ID is "Organizations" (organizations.service-2.json metadata.serviceId).
  'AWS_ENDPOINT_URL_ORGANIZATIONS',
] as const;

/**
 * The setting for the assignment group's state table, served apart from the emulator (dynalite, see
 * state-table.ts). The SDK names it after the service ID, DynamoDB ("Service-specific endpoints", AWS SDKs and
 * Tools reference guide).
 */
export const STATE_TABLE_ENDPOINT_VARIABLE = 'AWS_ENDPOINT_URL_DYNAMODB';

export type EmulatedEndpointVariable = (typeof EMULATED_ENDPOINT_VARIABLES)[number];

export type EndpointEnvironment = Record<EmulatedEndpointVariable, string> &
  Partial<Record<typeof STATE_TABLE_ENDPOINT_VARIABLE, string>>;

/** The settings for `endpoint`, plus AWS_ENDPOINT_URL_DYNAMODB when a state table endpoint is given. */
export function endpointEnvironment(endpoint: string, stateTableEndpoint?: string): EndpointEnvironment {
  return {
    AWS_ENDPOINT_URL_SSO_ADMIN: endpoint,
    AWS_ENDPOINT_URL_IDENTITYSTORE: endpoint,
    AWS_ENDPOINT_URL_ORGANIZATIONS: endpoint,
    ...(stateTableEndpoint === undefined ? {} : { [STATE_TABLE_ENDPOINT_VARIABLE]: stateTableEndpoint }),
  };
}

/**
 * Points this process's SDK clients at `endpoint` (and DynamoDB at `stateTableEndpoint`, when given); the
 * returned function restores what was set before.
 */
export function pointSdkAt(endpoint: string, stateTableEndpoint?: string): () => void {
  const saved = { ...process.env };
  Object.assign(process.env, endpointEnvironment(endpoint, stateTableEndpoint));
  return () => {
    for (const name of [...EMULATED_ENDPOINT_VARIABLES, STATE_TABLE_ENDPOINT_VARIABLE]) {
      if (saved[name] === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = saved[name];
    }
  };
}

/**
 * The SDK's standard endpoint settings (`AWS_ENDPOINT_URL_<SERVICE>`) for every service the emulator serves on
 * its one port, so the handlers' clients reach it and nothing else.
 */
export const EMULATED_ENDPOINT_VARIABLES = [
  'AWS_ENDPOINT_URL_SSO_ADMIN',
  'AWS_ENDPOINT_URL_IDENTITYSTORE',
] as const;

export type EmulatedEndpointVariable = (typeof EMULATED_ENDPOINT_VARIABLES)[number];

export function endpointEnvironment(endpoint: string): Record<EmulatedEndpointVariable, string> {
  return {
    AWS_ENDPOINT_URL_SSO_ADMIN: endpoint,
    AWS_ENDPOINT_URL_IDENTITYSTORE: endpoint,
  };
}

/** Points this process's SDK clients at `endpoint`; the returned function restores what was set before. */
export function pointSdkAt(endpoint: string): () => void {
  const saved = { ...process.env };
  Object.assign(process.env, endpointEnvironment(endpoint));
  return () => {
    for (const name of EMULATED_ENDPOINT_VARIABLES) {
      if (saved[name] === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = saved[name];
    }
  };
}

// Where the handlers' AWS clients send their calls in a demo or invoke run. The handlers leave endpoint
// resolution to the SDK (src/core/client.ts), which reads AWS_ENDPOINT_URL_<SERVICE ID> and then
// AWS_ENDPOINT_URL (AWS SDKs and Tools reference guide, "Service-specific endpoints"). Set before the
// handler modules load and build their clients.
import { endpointEnvironment } from '../emulator';

/**
 * Points the handlers' clients (SSO Admin, the Identity Store and Organizations, which the emulator serves on one
 * port) at `endpoint`, and DynamoDB at `stateTable` when a type keeps state (the local dynalite). `everyService`
 * also sends any other AWS client in the process there (AWS_ENDPOINT_URL), so a local run cannot reach AWS
 * through a client it did not expect; a live run leaves the others alone.
 */
export function useEndpoint(
  endpoint: string,
  { everyService, stateTable }: { everyService: boolean; stateTable?: string },
): void {
  Object.assign(process.env, endpointEnvironment(endpoint, stateTable));
  if (everyService) process.env.AWS_ENDPOINT_URL = endpoint;
  // A profile's ignore_configured_endpoint_urls = true would make the SDK skip every setting above.
  process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS = 'false';
}

/** The static credentials a client is built with (the shape of SDK v2's `CredentialsOptions`). */
export interface CredentialsOptions {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

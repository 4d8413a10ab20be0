/** A Keycloak administrator of the master realm; the password never leaves memory. */
export interface AdminCredentials {
  readonly username: string;
  readonly password: string;
}

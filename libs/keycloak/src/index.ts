export type { AdminCredentials } from './admin-credentials.js';
export { KeycloakRealm, type KeycloakRealmOptions } from './keycloak-realm.js';
export { KeycloakUnavailableError } from './keycloak-unavailable-error.js';
export { KeycloakRequestError } from './keycloak-request-error.js';
export { KeycloakAuthError } from './keycloak-auth-error.js';
export { bootstrapRealm, type RealmBootstrapResult } from './realm-bootstrap.js';
export { requirableUserFields } from './realm-spec.js';
export type {
  RealmSpec,
  RequirableUserField,
  DeclaredAttribute,
  DeclaredAttributeKind,
  IdentityProviderRepresentation,
} from './realm-spec.js';
export { GroupDirectory } from './group-directory.js';
export { UserDirectory } from './user-directory.js';
export { UserBatchWriter, type UserWrite, type UserWriteResult } from './user-batch-writer.js';
export type { TargetUser, TargetUserDetail, FederatedLink } from './target-user.js';
export type { default as UserRepresentation } from '@keycloak/keycloak-admin-client/lib/defs/userRepresentation.js';
export { UserEventLog, type UserEvent, type UserEventPageQuery } from './user-event-log.js';
export { AdminEventLog, type UserCreatedAdminEvent, type AdminEventPageQuery } from './admin-event-log.js';
export {
  ensurePasswordMigrationStorage,
  PASSWORD_MIGRATION_PROVIDER,
  type PasswordMigrationBridge,
} from './password-migration-storage.js';
export { ensureDirectGrantClient, ensureSignInClient, type SignInClientSettings } from './sign-in-clients.js';
export { readLoginPage, type LoginPage, type RequiredActionPage, type FeedbackMessage } from './login-page.js';
export {
  outcomeOfPage,
  TEMPORARILY_UNAVAILABLE_MESSAGE,
  type LoginPageOutcome,
  type LoginPageVerdict,
  type LoginPageTimings,
  type IdTokenClaims,
} from './login-page-outcome.js';
export { BrowserSession, type BrowserResponse } from './browser-session.js';
export {
  signInThroughLoginPage,
  type LoginPageClient,
  type SignInThroughLoginPageOptions,
} from './login-page-sign-in.js';
export {
  dashboardRoles,
  ensureDashboardAccess,
  type DashboardClientSettings,
  type DashboardRole,
} from './dashboard-access.js';
export {
  AccessTokenVerifier,
  AccessUnverifiable,
  InvalidAccessToken,
  type AccessTokenVerifierOptions,
  type VerifiedAccess,
} from './access-token-verifier.js';

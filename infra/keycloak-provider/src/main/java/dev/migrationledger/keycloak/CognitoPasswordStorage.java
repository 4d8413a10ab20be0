package dev.migrationledger.keycloak;

import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.keycloak.authentication.ForkFlowException;
import org.keycloak.credential.CredentialInput;
import org.keycloak.credential.CredentialInputValidator;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.services.ErrorResponseException;
import org.keycloak.storage.UserStorageProvider;
import org.keycloak.storage.user.UserRegistrationProvider;

/**
 * Validates the password of a user imported from Cognito who has none in Keycloak yet. Keycloak
 * asks this provider first for every user federation-linked to it, in every flow; once Keycloak
 * holds the password the link is removed and the bridge is never asked about the user again.
 *
 * The bridge decides everything (outcome, whether to migrate, required actions) and records
 * nothing when it answers: only Keycloak knows whether the password was kept (the transaction may
 * roll back). Once the transaction that stored it has committed, the provider tells the bridge
 * (POST {bridgeUrl}/stored), which reads the credential back and records PasswordMigrated; a lost
 * confirmation is found later by the watcher's reconciliation pass.
 */
public final class CognitoPasswordStorage
    implements UserStorageProvider, CredentialInputValidator, UserRegistrationProvider {
  private static final Logger LOG = Logger.getLogger(CognitoPasswordStorage.class);
  static final String SUB_ATTRIBUTE = "cognito_sub";
  /** Shown on the login form (and as the token endpoint's description) when the check cannot be made now. */
  static final String UNAVAILABLE = "Sign-in is temporarily unavailable. Please try again in a moment.";
  static final String RESET_REQUIRED =
      "Your password has to be reset before you can sign in. Choose \"Forgot Password?\" to set a new one.";
  static final String NOT_MIGRATABLE = "This account does not sign in with a password here. Use the sign-in option it was created with.";
  /** Keycloak's own message key for a disabled account ("Account is disabled, contact your administrator."). */
  static final String ACCOUNT_DISABLED = "accountDisabledMessage";

  private final KeycloakSession session;
  private final BridgeClient bridge;

  CognitoPasswordStorage(KeycloakSession session, BridgeClient bridge) {
    this.session = session;
    this.bridge = bridge;
  }

  @Override
  public boolean supportsCredentialType(String credentialType) {
    return PasswordCredentialModel.TYPE.equals(credentialType);
  }

  /**
   * Always true for a linked user: false would make the username-first flow refuse them ("Cannot
   * login, credential setup required") before they could type the password.
   */
  @Override
  public boolean isConfiguredFor(RealmModel realm, UserModel user, String credentialType) {
    return supportsCredentialType(credentialType);
  }

  @Override
  public boolean isValid(RealmModel realm, UserModel user, CredentialInput input) {
    if (!supportsCredentialType(input.getType()) || !(input instanceof UserCredentialModel)) return false;
    // A local password (migrated, or set by an administrator or a reset e-mail): the link has done
    // its job, and Keycloak's own validator decides.
    if (user.credentialManager().getStoredCredentialsByTypeStream(PasswordCredentialModel.TYPE).findAny().isPresent()) {
      user.setFederationLink(null);
      return false;
    }
    String password = input.getChallengeResponse();
    if (password == null || password.isEmpty()) return false;
    String key = realm.getId() + "/" + user.getId();
    FirstSignIns.Earlier[] earlier = new FirstSignIns.Earlier[1];
    FirstSignIns.Attempt attempt = FirstSignIns.claim(key, password, bridge.timeoutMs() + 2000, earlier);
    if (attempt == null) {
      switch (earlier[0]) {
        case SAME_PASSWORD_STORED:
          return true;
        case OTHER_PASSWORD_STORED:
          return false;
        default:
          throw unavailable();
      }
    }
    boolean settled = false;
    try {
      BridgeClient.Answer answer = bridge.verify(callerOf(user), password);
      if (answer.migrate()) {
        settled = store(realm, user, password, answer, key, attempt);
        return true;
      }
      if (answer.status() == 0 || answer.status() == 429 || answer.status() >= 500) throw unavailable();
      if (answer.status() == 403 && answer.outcome() != null) {
        switch (answer.outcome()) {
          case "disabled":
            throw refused(ACCOUNT_DISABLED, "Account disabled");
          case "reset-required":
            throw refused(RESET_REQUIRED, "Password reset required");
          case "not-migratable":
            throw refused(NOT_MIGRATABLE, "Account does not sign in with a password");
          default:
            break;
        }
      }
      // A wrong password (or a user the bridge does not know): false, so Keycloak says "Invalid
      // username or password" and its brute-force protection counts it like any other.
      return false;
    } finally {
      if (!settled) FirstSignIns.released(key, attempt);
    }
  }

  /**
   * Stores the accepted password with the answer's required actions and unlinks the user. Returns
   * whether the claim is settled by the transaction's outcome (false: released by the caller).
   */
  private boolean store(
      RealmModel realm, UserModel user, String password, BridgeClient.Answer answer, String key,
      FirstSignIns.Attempt attempt) {
    for (String action : answer.requiredActions()) user.addRequiredAction(action);
    try {
      user.credentialManager().updateCredential(UserCredentialModel.password(password, false));
    } catch (ModelException e) {
      // The realm's password policy refuses the Cognito password: let the user in to choose another
      // one, and keep the link so that abandoning that page leaves them able to try again.
      user.addRequiredAction(UserModel.RequiredAction.UPDATE_PASSWORD);
      LOG.infof("password of user %s refused by the realm's policy: update required", user.getId());
      return false;
    }
    user.setFederationLink(null);
    String sub = user.getFirstAttribute(SUB_ATTRIBUTE);
    String userId = user.getId();
    session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
      @Override
      protected void commitImpl() {
        FirstSignIns.stored(key, attempt, password);
        bridge.confirmStored(sub, userId);
      }

      @Override
      protected void rollbackImpl() {
        // Nothing was kept: nothing to confirm, and the next sign-in asks the bridge again.
        FirstSignIns.released(key, attempt);
      }
    });
    LOG.infof("password of user %s migrated from Cognito", userId);
    return true;
  }

  private BridgeClient.Caller callerOf(UserModel user) {
    KeycloakContext context = session.getContext();
    String ip = context.getConnection() == null ? null : context.getConnection().getRemoteAddr();
    String userAgent = context.getRequestHeaders() == null ? null : context.getRequestHeaders().getHeaderString("User-Agent");
    return new BridgeClient.Caller(user.getUsername(), user.getFirstAttribute(SUB_ATTRIBUTE), user.getId(), ip, userAgent);
  }

  /** Whether this check runs for the token endpoint (password grant) rather than a login page. */
  private boolean tokenEndpoint() {
    KeycloakContext context = session.getContext();
    return context.getUri() != null && context.getUri().getPath().endsWith("/protocol/openid-connect/token");
  }

  /**
   * Not a failure: brute-force protection counts failures, and an outage of the bridge or of Cognito
   * must not lock anyone out (measured on 26.7.3: neither exception is counted). The login page shows
   * the form again with the message; the password grant answers 503 temporarily_unavailable.
   */
  private RuntimeException unavailable() {
    if (tokenEndpoint())
      return new ErrorResponseException("temporarily_unavailable", UNAVAILABLE, Response.Status.SERVICE_UNAVAILABLE);
    return new ForkFlowException(null, new FormMessage(UNAVAILABLE));
  }

  /** A state of the account, not of the password: the form again with what to do, or invalid_grant. */
  private RuntimeException refused(String message, String grantDescription) {
    if (tokenEndpoint()) return new ErrorResponseException("invalid_grant", grantDescription, Response.Status.BAD_REQUEST);
    return new ForkFlowException(null, new FormMessage(message));
  }

  /**
   * Users are created by Keycloak itself (null: "not here, store it locally"); this provider holds
   * no users of its own.
   */
  @Override
  public UserModel addUser(RealmModel realm, String username) {
    return null;
  }

  /**
   * Keycloak deletes a federation-linked user only when the linked provider agrees (measured on
   * 26.7.3: without UserRegistrationProvider an admin DELETE answers 400 "User couldn't be deleted"
   * and rolls back). There is nothing to delete on this side, so the local user may always go.
   */
  @Override
  public boolean removeUser(RealmModel realm, UserModel user) {
    return true;
  }

  @Override
  public void close() {}
}

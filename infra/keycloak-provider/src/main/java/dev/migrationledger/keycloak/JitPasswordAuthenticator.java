package dev.migrationledger.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.authentication.AuthenticationFlowError;
import org.keycloak.authentication.Authenticator;
import org.keycloak.events.Errors;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ModelException;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserCredentialModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.credential.PasswordCredentialModel;
import org.keycloak.representations.idm.OAuth2ErrorRepresentation;
import org.keycloak.util.JsonSerialization;

/**
 * A user imported from Cognito (attribute cognito_sub) has no password in Keycloak until the
 * bridge has verified one against Cognito; having a stored password is therefore the "migrated"
 * flag, and storing it clears the flag, so later logins never reach the bridge. The bridge decides
 * everything else (which outcome, whether to migrate, which required actions follow).
 *
 * The bridge records nothing when it answers: only Keycloak knows whether the password was kept
 * (this step may give up on a slow answer, the transaction may roll back). Once the transaction
 * that stored it has committed, the provider tells the bridge (POST {bridgeUrl}/stored), which
 * reads the credential back and records PasswordMigrated. A lost confirmation is found later by
 * the watcher's reconciliation pass.
 */
public final class JitPasswordAuthenticator implements Authenticator {
  private static final Logger LOG = Logger.getLogger(JitPasswordAuthenticator.class);
  private static final String SUB_ATTRIBUTE = "cognito_sub";
  private static final long CONFIRMATION_TIMEOUT_MS = 2000;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

  @Override
  public void authenticate(AuthenticationFlowContext context) {
    UserModel user = context.getUser();
    context.getEvent().user(user);
    String password = context.getHttpRequest().getDecodedFormParameters().getFirst("password");
    if (password == null || password.isEmpty()) {
      invalid(context);
      return;
    }
    boolean pending = user.getFirstAttribute(SUB_ATTRIBUTE) != null
        && !user.credentialManager().isConfiguredFor(PasswordCredentialModel.TYPE);
    if (!pending) {
      if (user.credentialManager().isValid(UserCredentialModel.password(password))) context.success();
      else invalid(context);
      return;
    }
    migrate(context, user, password);
  }

  private void migrate(AuthenticationFlowContext context, UserModel user, String password) {
    Map<String, String> config = configOf(context.getAuthenticatorConfig());
    String url = setting(config, JitPasswordAuthenticatorFactory.BRIDGE_URL, "MIGRATION_BRIDGE_URL");
    String secret = setting(config, JitPasswordAuthenticatorFactory.BRIDGE_SECRET, "MIGRATION_BRIDGE_SECRET");
    if (url == null || secret == null) {
      LOG.error("JIT password migration is not configured: bridgeUrl and bridgeSecret are needed");
      unavailable(context);
      return;
    }
    long timeoutMs = parseTimeout(config.get(JitPasswordAuthenticatorFactory.TIMEOUT_MS));
    JsonNode answer;
    int status;
    try {
      Map<String, String> body = new LinkedHashMap<>();
      body.put("login", user.getUsername());
      body.put("password", password);
      // The bridge finds the user by these, never by the (lower-cased) Keycloak username.
      body.put("sub", user.getFirstAttribute(SUB_ATTRIBUTE));
      body.put("userId", user.getId());
      String ip = context.getConnection() == null ? null : context.getConnection().getRemoteAddr();
      if (ip != null) body.put("ip", ip);
      String userAgent = context.getHttpRequest().getHttpHeaders().getHeaderString("User-Agent");
      if (userAgent != null) body.put("userAgent", userAgent);
      HttpRequest request = HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofMillis(timeoutMs))
          .header("Content-Type", "application/json")
          .header("Authorization", "Bearer " + secret)
          .POST(HttpRequest.BodyPublishers.ofString(JsonSerialization.writeValueAsString(body)))
          .build();
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      status = response.statusCode();
      answer = response.body() == null || response.body().isEmpty()
          ? null
          : JsonSerialization.readValue(response.body(), JsonNode.class);
    } catch (IOException e) {
      // Timeouts and refused connections: never shown as a wrong password.
      LOG.warnf("migration bridge not reachable for user %s: %s", user.getId(), e.getClass().getSimpleName());
      unavailable(context);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      unavailable(context);
      return;
    }
    boolean migrate = status == 200 && answer != null && answer.path("migrate").asBoolean(false);
    if (migrate) {
      store(context, user, password, answer, url, secret);
      return;
    }
    if (status == 429 || status >= 500) {
      unavailable(context);
      return;
    }
    invalid(context);
  }

  private void store(
      AuthenticationFlowContext context, UserModel user, String password, JsonNode answer, String url, String secret) {
    for (JsonNode action : answer.path("requiredActions")) user.addRequiredAction(action.asText());
    try {
      user.credentialManager().updateCredential(UserCredentialModel.password(password, false));
      confirmAfterCommit(context.getSession(), url, secret, user.getFirstAttribute(SUB_ATTRIBUTE), user.getId());
    } catch (ModelException e) {
      // The realm's password policy refuses the Cognito password: let the user in and make them choose another.
      user.addRequiredAction(UserModel.RequiredAction.UPDATE_PASSWORD);
    }
    LOG.infof("JIT password migration done for user %s", user.getId());
    context.success();
  }

  /**
   * After the transaction commits, and only then, tell the bridge that Keycloak holds the
   * password. Sent asynchronously with a short timeout so the login never waits for it; a failure
   * is only logged (the watcher's reconciliation pass records what a lost confirmation did not).
   */
  private static void confirmAfterCommit(KeycloakSession session, String url, String secret, String sub, String userId) {
    session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
      @Override
      protected void commitImpl() {
        try {
          Map<String, String> body = new LinkedHashMap<>();
          body.put("sub", sub);
          body.put("userId", userId);
          HttpRequest request = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + "/stored"))
              .timeout(Duration.ofMillis(CONFIRMATION_TIMEOUT_MS))
              .header("Content-Type", "application/json")
              .header("Authorization", "Bearer " + secret)
              .POST(HttpRequest.BodyPublishers.ofString(JsonSerialization.writeValueAsString(body)))
              .build();
          HTTP.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
            if (error != null) {
              LOG.warnf("password store of user %s not confirmed to the bridge: %s", userId, error.getClass().getSimpleName());
            } else if (response.statusCode() != 200) {
              LOG.warnf("password store of user %s not confirmed to the bridge: HTTP %d", userId, response.statusCode());
            }
          });
        } catch (IOException | RuntimeException e) {
          LOG.warnf("password store of user %s not confirmed to the bridge: %s", userId, e.getClass().getSimpleName());
        }
      }

      @Override
      protected void rollbackImpl() {
        // Nothing was stored: nothing to confirm, and the next login asks the bridge again.
      }
    });
  }

  private static void invalid(AuthenticationFlowContext context) {
    context.getEvent().error(Errors.INVALID_USER_CREDENTIALS);
    context.failure(AuthenticationFlowError.INVALID_CREDENTIALS, error(401, "invalid_grant", "Invalid user credentials"));
  }

  /**
   * A challenge, not a failure: brute-force detection counts failures, and an outage of the bridge
   * or of Cognito must not lock users out (measured: failures did, challenges did not).
   */
  private static void unavailable(AuthenticationFlowContext context) {
    context.getEvent().error(Errors.INVALID_REQUEST);
    context.challenge(error(503, "temporarily_unavailable", "Password migration service unavailable, retry later"));
  }

  private static Response error(int status, String error, String description) {
    return Response.status(status)
        .entity(new OAuth2ErrorRepresentation(error, description))
        .type(MediaType.APPLICATION_JSON_TYPE)
        .build();
  }

  private static Map<String, String> configOf(AuthenticatorConfigModel model) {
    return model == null || model.getConfig() == null ? Map.of() : model.getConfig();
  }

  private static String setting(Map<String, String> config, String name, String envName) {
    String value = config.get(name);
    if (value == null || value.isBlank()) value = System.getenv(envName);
    return value == null || value.isBlank() ? null : value;
  }

  private static long parseTimeout(String value) {
    try {
      return value == null ? 3000 : Math.max(100, Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      return 3000;
    }
  }

  @Override
  public void action(AuthenticationFlowContext context) {}

  @Override
  public boolean requiresUser() {
    return true;
  }

  @Override
  public boolean configuredFor(KeycloakSession session, RealmModel realm, UserModel user) {
    return true;
  }

  @Override
  public void setRequiredActions(KeycloakSession session, RealmModel realm, UserModel user) {}

  @Override
  public void close() {}
}

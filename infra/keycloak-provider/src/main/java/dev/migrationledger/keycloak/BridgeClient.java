package dev.migrationledger.keycloak;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.keycloak.component.ComponentModel;
import org.keycloak.util.JsonSerialization;

/** The bridge's own API as the provider speaks it: verify a password, confirm a stored one. */
final class BridgeClient {
  private static final Logger LOG = Logger.getLogger(BridgeClient.class);
  private static final long CONFIRMATION_TIMEOUT_MS = 2000;
  /** One client for all sign-ins: it pools connections to the bridge. */
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

  /** What the bridge said; `status` 0 when it could not be asked or did not answer in time. */
  record Answer(int status, String outcome, boolean migrate, List<String> requiredActions) {
    static final Answer UNREACHABLE = new Answer(0, "temporarily-unavailable", false, List.of());
  }

  /** What a sign-in tells the bridge besides the password. */
  record Caller(String login, String sub, String userId, String ip, String userAgent) {}

  private final String verifyUrl;
  private final String secret;
  private final long timeoutMs;

  private BridgeClient(String verifyUrl, String secret, long timeoutMs) {
    this.verifyUrl = verifyUrl;
    this.secret = secret;
    this.timeoutMs = timeoutMs;
  }

  static BridgeClient of(ComponentModel model) {
    return new BridgeClient(
        setting(model.get(CognitoPasswordStorageFactory.BRIDGE_URL_PROPERTY), "MIGRATION_BRIDGE_URL"),
        setting(model.get(CognitoPasswordStorageFactory.BRIDGE_SECRET_PROPERTY), "MIGRATION_BRIDGE_SECRET"),
        parseTimeout(model.get(CognitoPasswordStorageFactory.TIMEOUT_MS_PROPERTY)));
  }

  long timeoutMs() {
    return timeoutMs;
  }

  boolean configured() {
    return verifyUrl != null && secret != null;
  }

  Answer verify(Caller caller, String password) {
    if (!configured()) {
      LOG.error("Cognito password migration is not configured: the component needs bridgeUrl and bridgeSecret");
      return Answer.UNREACHABLE;
    }
    Map<String, String> body = new LinkedHashMap<>();
    body.put("login", caller.login());
    body.put("password", password);
    // The bridge finds the user by these, never by the (lower-cased) Keycloak username.
    body.put("sub", caller.sub());
    body.put("userId", caller.userId());
    if (caller.ip() != null) body.put("ip", caller.ip());
    if (caller.userAgent() != null) body.put("userAgent", caller.userAgent());
    try {
      HttpResponse<String> response = HTTP.send(post(verifyUrl, body, timeoutMs), HttpResponse.BodyHandlers.ofString());
      JsonNode answer = response.body() == null || response.body().isEmpty()
          ? null
          : JsonSerialization.readValue(response.body(), JsonNode.class);
      List<String> actions = new ArrayList<>();
      if (answer != null) for (JsonNode action : answer.path("requiredActions")) actions.add(action.asText());
      return new Answer(
          response.statusCode(),
          answer == null ? null : answer.path("outcome").asText(null),
          response.statusCode() == 200 && answer != null && answer.path("migrate").asBoolean(false),
          List.copyOf(actions));
    } catch (IOException e) {
      // Timeouts, refused connections, an answer that is not JSON: never shown as a wrong password.
      LOG.warnf("migration bridge not reachable for user %s: %s", caller.userId(), e.getClass().getSimpleName());
      return Answer.UNREACHABLE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Answer.UNREACHABLE;
    }
  }

  /**
   * Tells the bridge that Keycloak's transaction holding the user's password has committed.
   * Asynchronous with a short timeout so the sign-in never waits for it; a failure is only logged
   * (the watcher's reconciliation pass records what a lost confirmation did not).
   */
  void confirmStored(String sub, String userId) {
    if (!configured()) return;
    try {
      Map<String, String> body = new LinkedHashMap<>();
      body.put("sub", sub);
      body.put("userId", userId);
      HTTP.sendAsync(post(verifyUrl.replaceAll("/+$", "") + "/stored", body, CONFIRMATION_TIMEOUT_MS),
              HttpResponse.BodyHandlers.discarding())
          .whenComplete((response, error) -> {
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

  private HttpRequest post(String url, Map<String, String> body, long timeout) throws IOException {
    return HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofMillis(timeout))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + secret)
        .POST(HttpRequest.BodyPublishers.ofString(JsonSerialization.writeValueAsString(body)))
        .build();
  }

  private static String setting(String value, String envName) {
    if (value == null || value.isBlank()) value = System.getenv(envName);
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static long parseTimeout(String value) {
    try {
      return value == null || value.isBlank() ? 3000 : Math.max(100, Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      return 3000;
    }
  }
}

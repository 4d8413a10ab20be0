package dev.migrationledger.keycloak;

import java.net.URI;
import java.util.List;
import org.keycloak.component.ComponentModel;
import org.keycloak.component.ComponentValidationException;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;
import org.keycloak.storage.UserStorageProviderFactory;

/**
 * Registers the Cognito password check as a User Storage provider. Users imported from Cognito
 * are federation-linked to one component of this type (Keycloak's LDAP "import" mode): every flow
 * that validates a password — the login form, username-then-password forms, the password grant,
 * the account console, any flow an operator builds — asks the linked provider first, so no flow
 * has to be copied or edited.
 *
 * Never delete the component while users are still linked to it: Keycloak deletes those users with
 * it. A component without a bridge URL or secret answers "temporarily unavailable", it does not
 * refuse passwords, so it can be created before the bridge runs.
 */
public final class CognitoPasswordStorageFactory implements UserStorageProviderFactory<CognitoPasswordStorage> {
  public static final String ID = "cognito-password-migration";
  // The names of the component's configuration properties (what the realm's component config holds
  // under them is the value: the secret itself comes from the realm or MIGRATION_BRIDGE_SECRET).
  static final String BRIDGE_URL_PROPERTY = "bridgeUrl";
  static final String BRIDGE_SECRET_PROPERTY = "bridgeSecret";
  static final String TIMEOUT_MS_PROPERTY = "timeoutMs";

  @Override
  public String getId() {
    return ID;
  }

  @Override
  public String getHelpText() {
    return "Checks the password of a user imported from Cognito against Cognito (through the migration bridge) "
        + "at their first sign-in, stores it in Keycloak and unlinks the user.";
  }

  @Override
  public List<ProviderConfigProperty> getConfigProperties() {
    return ProviderConfigurationBuilder.create()
        .property().name(BRIDGE_URL_PROPERTY).label("Bridge verify URL")
        .helpText("The bridge's POST /v1/verify URL; falls back to env MIGRATION_BRIDGE_URL")
        .type(ProviderConfigProperty.STRING_TYPE).add()
        .property().name(BRIDGE_SECRET_PROPERTY).label("Bridge shared secret")
        .helpText("Sent as a bearer token; falls back to env MIGRATION_BRIDGE_SECRET")
        .type(ProviderConfigProperty.PASSWORD).secret(true).add()
        .property().name(TIMEOUT_MS_PROPERTY).label("Timeout (ms)")
        .helpText("Connect and answer time limit for one bridge call; default 3000")
        .type(ProviderConfigProperty.STRING_TYPE).defaultValue("3000").add()
        .build();
  }

  @Override
  public void validateConfiguration(KeycloakSession session, RealmModel realm, ComponentModel model)
      throws ComponentValidationException {
    String url = model.get(BRIDGE_URL_PROPERTY);
    if (url != null && !url.isBlank()) {
      try {
        URI uri = URI.create(url.trim());
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()))
          throw new ComponentValidationException("bridgeUrl must be an http(s) URL, got scheme " + uri.getScheme());
      } catch (IllegalArgumentException e) {
        throw new ComponentValidationException("bridgeUrl is not a URL");
      }
    }
    String timeout = model.get(TIMEOUT_MS_PROPERTY);
    if (timeout != null && !timeout.isBlank()) {
      try {
        if (Long.parseLong(timeout.trim()) < 100) throw new ComponentValidationException("timeoutMs must be at least 100");
      } catch (NumberFormatException e) {
        throw new ComponentValidationException("timeoutMs must be a whole number of milliseconds");
      }
    }
  }

  @Override
  public CognitoPasswordStorage create(KeycloakSession session, ComponentModel model) {
    return new CognitoPasswordStorage(session, BridgeClient.of(model));
  }
}

package dev.migrationledger.keycloak;

import java.util.List;
import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel.Requirement;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * Registers the JIT password step. It replaces the stock password step of a flow (which is set
 * DISABLED): Keycloak's REQUIRED steps cannot "pass" to the next one, so this step checks both
 * not-yet-migrated users (through the bridge) and migrated ones (locally).
 */
public final class JitPasswordAuthenticatorFactory implements AuthenticatorFactory {
  public static final String ID = "jit-password-migration";
  static final String BRIDGE_URL = "bridgeUrl";
  static final String BRIDGE_SECRET = "bridgeSecret";
  static final String TIMEOUT_MS = "timeoutMs";

  private static final JitPasswordAuthenticator SINGLETON = new JitPasswordAuthenticator();

  @Override
  public String getId() {
    return ID;
  }

  @Override
  public String getDisplayType() {
    return "Password, migrated from Cognito on first use";
  }

  @Override
  public String getReferenceCategory() {
    return "password";
  }

  @Override
  public String getHelpText() {
    return "Validates the password; a user imported from Cognito without one is checked by the migration bridge, "
        + "whose accepted password is then stored by Keycloak.";
  }

  @Override
  public boolean isConfigurable() {
    return true;
  }

  @Override
  public Requirement[] getRequirementChoices() {
    return new Requirement[] {Requirement.REQUIRED, Requirement.DISABLED};
  }

  @Override
  public boolean isUserSetupAllowed() {
    return false;
  }

  @Override
  public List<ProviderConfigProperty> getConfigProperties() {
    return ProviderConfigurationBuilder.create()
        .property().name(BRIDGE_URL).label("Bridge verify URL")
        .helpText("The bridge's POST /v1/verify URL; falls back to env MIGRATION_BRIDGE_URL")
        .type(ProviderConfigProperty.STRING_TYPE).add()
        .property().name(BRIDGE_SECRET).label("Bridge shared secret")
        .helpText("Sent as a bearer token; falls back to env MIGRATION_BRIDGE_SECRET")
        .type(ProviderConfigProperty.PASSWORD).secret(true).add()
        .property().name(TIMEOUT_MS).label("Timeout (ms)")
        .helpText("Connect and answer time limit for one bridge call; default 3000")
        .type(ProviderConfigProperty.STRING_TYPE).defaultValue("3000").add()
        .build();
  }

  @Override
  public Authenticator create(KeycloakSession session) {
    return SINGLETON;
  }

  @Override
  public void init(Config.Scope config) {}

  @Override
  public void postInit(KeycloakSessionFactory factory) {}

  @Override
  public void close() {}
}

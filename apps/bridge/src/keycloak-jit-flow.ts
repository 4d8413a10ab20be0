import type { KeycloakRealm } from '#keycloak';

export const JIT_AUTHENTICATOR = 'jit-password-migration';
export const JIT_DIRECT_GRANT_FLOW = 'direct-grant-jit';

export interface JitFlowSettings {
  /** The bridge's POST /v1/verify URL as Keycloak reaches it. */
  readonly verifyUrl: string;
  readonly sharedSecret: string;
  readonly timeoutMs?: number;
}

/**
 * Makes the realm's direct grant (password grant) ask the bridge for users imported without a
 * password: a copy of the stock flow where the project's provider (infra/keycloak-provider)
 * replaces the password step, which is set DISABLED. Idempotent; the configuration is rewritten
 * on every call. Priorities are set explicitly: Keycloak appends a new execution last and
 * `raise-priority` on a copied flow gives surprising orders (measured on 26.5).
 */
export async function installJitDirectGrantFlow(realm: KeycloakRealm, settings: JitFlowSettings): Promise<void> {
  const flow = JIT_DIRECT_GRANT_FLOW;
  const am = (c: KeycloakRealm['client']) => c.authenticationManagement;
  const flows = await realm.call('flow list', (c) => am(c).getFlows());
  if (!flows.some((f) => f.alias === flow)) {
    await realm.call('flow copy', (c) => am(c).copyFlow({ flow: 'direct grant', newName: flow }));
  }
  let executions = await realm.call('flow executions', (c) => am(c).getExecutions({ flow }));
  if (!executions.some((e) => e.providerId === JIT_AUTHENTICATOR)) {
    await realm.call('execution add', (c) => am(c).addExecutionToFlow({ flow, provider: JIT_AUTHENTICATOR }));
    executions = await realm.call('flow executions', (c) => am(c).getExecutions({ flow }));
  }
  const layout: Record<string, { requirement: string; priority: number }> = {
    'direct-grant-validate-username': { requirement: 'REQUIRED', priority: 10 },
    'direct-grant-validate-password': { requirement: 'DISABLED', priority: 15 },
    [JIT_AUTHENTICATOR]: { requirement: 'REQUIRED', priority: 20 },
  };
  for (const execution of executions) {
    const wanted = execution.level === 0 && execution.providerId ? layout[execution.providerId] : undefined;
    if (!wanted) continue;
    await realm.call('execution update', (c) => am(c).updateExecution({ flow }, { ...execution, ...wanted }));
  }
  const jit = executions.find((e) => e.providerId === JIT_AUTHENTICATOR)!;
  const config = {
    bridgeUrl: settings.verifyUrl,
    bridgeSecret: settings.sharedSecret,
    timeoutMs: String(settings.timeoutMs ?? 3000),
  };
  if (jit.authenticationConfig) {
    await realm.call('execution config', (c) =>
      am(c).updateConfig({ id: jit.authenticationConfig!, alias: 'jit-bridge', config }),
    );
  } else {
    await realm.call('execution config', (c) => am(c).createConfig({ id: jit.id!, alias: 'jit-bridge', config }));
  }
  await realm.call('realm direct grant flow', (c) =>
    c.realms.update({ realm: realm.config.realm }, { directGrantFlow: flow }),
  );
}

/** A public client with direct access grants, for password-grant logins (demo, tests); created when missing. */
export async function ensureDirectGrantClient(realm: KeycloakRealm, clientId: string): Promise<void> {
  const existing = await realm.call('client lookup', (c) => c.clients.find({ clientId }));
  if (existing.length > 0) return;
  await realm.call('client creation', (c) =>
    c.clients.create({ clientId, publicClient: true, directAccessGrantsEnabled: true }),
  );
}

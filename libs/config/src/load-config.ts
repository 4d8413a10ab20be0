import { z } from 'zod';
import { ConfigError, type ConfigIssue } from './config-error.js';
import type { Env } from './env.js';
import { sections, type ConfigOf, type SectionName } from './ledger-config.js';
import { localProfileDefaults, localProfileVariables } from './local-profile.js';
import { profileRule, type Profile } from './profile.js';
import { secretVariables } from './secret-variables.js';
import { logSection } from './sections/log-section.js';
import { stackSection } from './sections/stack-section.js';

/**
 * Validates the settings of the sections `names` (plus LEDGER_PROFILE and LOG_LEVEL) in one pass
 * of one composed schema and returns them typed. Every problem found is reported at once in a
 * ConfigError, one `VARIABLE: problem` per variable; a secret's value is never part of it.
 *
 * Under LEDGER_PROFILE=local the local stack's addresses are the defaults of the variables that
 * have none otherwise (local-profile.ts); the local stack's ports are then validated too, as
 * those defaults are made of them.
 */
export function loadConfig<const N extends SectionName>(env: Env, names: readonly N[]): ConfigOf<N> {
  const given = withoutEmptyValues(env);
  const profileResult = profileRule.safeParse(given.LEDGER_PROFILE);
  const profile: Profile = profileResult.success ? profileResult.data : 'production';
  const used = [logSection, ...(profile === 'local' ? [stackSection] : []), ...names.map((name) => sections[name])];
  const rules: z.ZodRawShape = Object.assign({ LEDGER_PROFILE: profileRule }, ...used.map((s) => s.variables));
  const layered = profile === 'local' ? { ...localProfileDefaults(stackOf(given)), ...given } : given;
  const values = Object.fromEntries(Object.keys(rules).map((variable) => [variable, layered[variable]]));

  const result = z.object(rules).safeParse(values);
  if (!result.success) throw new ConfigError(issuesOf(result.error, values, profile, given));
  const data = result.data as Readonly<Record<string, unknown>>;
  const config: Record<string, unknown> = { profile, log: logSection.build(data) };
  for (const name of names) config[name] = sections[name].build(data);
  // Never silently open: a production API without a login would publish every user's e-mail.
  if (data.DASHBOARD_ACCESS === 'open' && profile !== 'local') {
    throw new ConfigError(
      'DASHBOARD_ACCESS',
      'may be "open" only under LEDGER_PROFILE=local; elsewhere the dashboard and its API require a Keycloak login',
    );
  }
  return config as ConfigOf<N>;
}

/** An empty variable (`FOO=`) counts as unset, as shells and env files produce them. */
function withoutEmptyValues(env: Env): Env {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
}

/** The local stack's settings, with any malformed one at its default: that one is reported by the composed schema. */
function stackOf(given: Env) {
  const rules = z.object(stackSection.variables);
  const pick = (skip: ReadonlySet<string>) =>
    Object.fromEntries(
      Object.keys(stackSection.variables)
        .filter((variable) => !skip.has(variable))
        .map((variable) => [variable, given[variable]]),
    );
  const first = rules.safeParse(pick(new Set()));
  const data = first.success
    ? first.data
    : rules.parse(pick(new Set(first.error.issues.map((issue) => String(issue.path[0])))));
  return stackSection.build(data as Readonly<Record<string, unknown>>);
}

/** One issue per variable (the first rule it broke), in the order of the schema. */
function issuesOf(error: z.ZodError, values: Env, profile: Profile, given: Env): ConfigIssue[] {
  const issues = new Map<string, string>();
  for (const issue of error.issues) {
    const variable = String(issue.path[0] ?? 'environment');
    if (issues.has(variable)) continue;
    issues.set(variable, values[variable] === undefined ? missing(variable, profile) : issue.message);
  }
  return [...issues].map(([variable, problem]) => ({ variable, problem: withoutSecrets(variable, problem, given) }));
}

function missing(variable: string, profile: Profile): string {
  if (variable === 'KEYCLOAK_ADMIN_PASSWORD' && profile === 'local') {
    return 'is required but not set, and the local stack has not generated one yet (run `ledger stack up`)';
  }
  if (localProfileVariables.has(variable) && profile !== 'local') {
    return 'is required but not set (only LEDGER_PROFILE=local defaults it to the local stack)';
  }
  return 'is required but not set';
}

/**
 * The rules' messages never quote a value; this keeps it so for any future rule: a message that
 * contains a secret's value is replaced (for the secret itself) or has the value masked.
 */
function withoutSecrets(variable: string, problem: string, given: Env): string {
  let text = problem;
  for (const secret of secretVariables) {
    const value = given[secret];
    if (value === undefined || !text.includes(value)) continue;
    if (secret === variable || value.length < 4) return 'is not valid (the value is a secret and is not shown)';
    text = text.split(value).join('[secret]');
  }
  return text;
}

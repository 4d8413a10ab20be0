import fc from 'fast-check';
import { createEvent, type LedgerEvent, type UserExportedData } from '#events';

/*
 * fast-check arbitraries of whole ledgers: users with random histories of the facts the product
 * records (exports, imports and revisions, failures, password migrations, MFA re-enrolments,
 * federated re-binding, resets, disagreements with the target and their resolutions), at random
 * times over a few months. Histories stay within what the ledger can hold: one target account per
 * user (a second one is refused by the domain and dead-lettered by the projector), revisions
 * numbered from 1, a disagreement contradicting a fact of its user.
 */

export interface GeneratedUser {
  readonly sub: string;
  readonly facts: readonly LedgerEvent[];
}

export interface GeneratedLedger {
  readonly users: readonly GeneratedUser[];
  /** The clock the figures are read at: a midnight at or after the end of the histories. */
  readonly now: Date;
  /** Policy knobs the time-dependent counts depend on. */
  readonly observationWindowDays: number;
  readonly remainingResetDaysAgo: number;
}

const start = Date.parse('2025-01-01T00:00:00Z');
const DAY = 86_400_000;
const target = { kind: 'keycloak' as const, realm: 'generated' };
const providers = ['Google', 'SignInWithApple', 'AcmeEntraID'] as const;
const statuses = ['CONFIRMED', 'UNCONFIRMED', 'RESET_REQUIRED', 'FORCE_CHANGE_PASSWORD', 'EXTERNAL_PROVIDER'];

/**
 * A time of a history: anywhere in four months, to the millisecond, or at midnight in the weeks
 * before `now` (itself a midnight), where it can fall exactly on a bound the figures depend on
 * (`now` minus a policy's days): `>=` against `>` must show.
 */
const instant = () =>
  fc.oneof(
    fc.integer({ min: 0, max: 120 * DAY }).map((ms) => new Date(start + ms)),
    fc.integer({ min: 80, max: 120 }).map((d) => new Date(start + d * DAY)),
  );

const exportArb = fc.record({
  at: instant(),
  updatedAt: instant(),
  // Mostly enabled, as in a real pool; disabled users test the "active" definitions.
  enabled: fc.integer({ min: 0, max: 99 }).map((n) => n < 85),
  status: fc.constantFrom(...statuses),
  sms: fc.boolean(),
  totp: fc.constantFrom(true, false, null),
  identities: fc.subarray([...providers]),
  email: fc.boolean(),
});

const historyArb = fc.record({
  exports: fc.array(exportArb, { maxLength: 2 }),
  imported: fc.option(
    fc.record({
      at: instant(),
      revisions: fc.array(fc.record({ at: instant(), actions: fc.subarray(['CONFIGURE_TOTP', 'VERIFY_EMAIL']) }), {
        maxLength: 2,
      }),
    }),
    { nil: null },
  ),
  failures: fc.array(fc.record({ at: instant(), reason: fc.constantFrom('error-invalid-email', 'conflict') }), {
    maxLength: 2,
  }),
  passwords: fc.array(fc.record({ at: instant(), via: fc.constantFrom('jit' as const, 'reset' as const) }), {
    maxLength: 2,
  }),
  mfa: fc.array(fc.record({ at: instant(), method: fc.constantFrom('totp' as const, 'webauthn' as const) }), {
    maxLength: 2,
  }),
  rebound: fc.array(
    fc.record({
      at: instant(),
      provider: fc.constantFrom(...providers),
      via: fc.constantFrom('pre-linked' as const, 'first-login' as const),
    }),
    { maxLength: 3 },
  ),
  resets: fc.array(instant(), { maxLength: 3 }),
  disagreements: fc.array(
    fc.record({
      at: instant(),
      field: fc.constantFrom('exists' as const, 'password' as const, 'enabled' as const, 'requiredActions' as const),
      resolvedAt: fc.option(instant(), { nil: null }),
    }),
    { maxLength: 2 },
  ),
});

type History = typeof historyArb extends fc.Arbitrary<infer H> ? H : never;

/** A ledger of up to `maxUsers` users. */
export function generatedLedger(maxUsers = 50): fc.Arbitrary<GeneratedLedger> {
  return fc
    .record({
      // size 'max': ledgers of every size up to maxUsers, not only fast-check's small default.
      histories: fc.array(historyArb, { maxLength: maxUsers, size: 'max' }),
      now: fc.integer({ min: 120, max: 125 }).map((days) => new Date(start + days * DAY)),
      observationWindowDays: fc.integer({ min: 1, max: 30 }),
      remainingResetDaysAgo: fc.integer({ min: 0, max: 30 }),
    })
    .map(({ histories, ...rest }) => ({
      ...rest,
      users: histories.map((history, i) => {
        const sub = `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`;
        return { sub, facts: factsOf(sub, history) };
      }),
    }));
}

function factsOf(sub: string, h: History): LedgerEvent[] {
  const context = (at: Date, causationId?: string) => ({
    source: '/generated',
    correlationId: 'generated',
    time: at,
    ...(causationId ? { causationId } : {}),
  });
  const facts: LedgerEvent[] = [];
  const exported = h.exports.map((e) => createEvent('UserExported', exportData(sub, e), context(e.at)));
  facts.push(...exported);
  const targetUserId = `kc-${sub.slice(-12)}`;
  const outcome = {
    sub,
    target,
    targetUserId,
    outcome: 'created' as const,
    matchedBy: null,
    needsPasswordMigration: true,
    loginName: `user-${sub.slice(-4)}`,
    treatment: 'password-via-bridge',
    adjustments: [],
  };
  let contradictable: LedgerEvent[] = [];
  if (h.imported) {
    const imported = createEvent(
      'UserImported',
      { ...outcome, requiredActions: [] },
      context(h.imported.at, exported[0]?.id),
    );
    facts.push(imported);
    contradictable.push(imported);
    h.imported.revisions.forEach((r, i) =>
      facts.push(
        createEvent(
          'UserImportRevised',
          {
            ...outcome,
            requiredActions: r.actions,
            revision: i + 1,
            requiredActionsAdded: r.actions,
            requiredActionsRemoved: [],
            changed: ['requiredActions'],
          },
          context(r.at, exported.at(-1)?.id),
        ),
      ),
    );
  }
  for (const f of h.failures)
    facts.push(
      createEvent(
        'UserImportFailed',
        { sub, target, reason: f.reason, field: 'email', httpStatus: 400 },
        context(f.at),
      ),
    );
  for (const p of h.passwords) {
    const migrated = createEvent('PasswordMigrated', { sub, target, via: p.via }, context(p.at));
    facts.push(migrated);
    contradictable.push(migrated);
  }
  for (const m of h.mfa) facts.push(createEvent('MfaReenrolled', { sub, target, method: m.method }, context(m.at)));
  for (const r of h.rebound)
    facts.push(
      createEvent(
        'FederationRebound',
        {
          sub,
          target,
          // The target names providers its own way (a Keycloak alias), as the importer's mapping does.
          provider: r.provider.toLowerCase(),
          cognitoProvider: r.provider,
          providerUserId: `${r.provider}-${sub.slice(-4)}`,
          via: r.via,
        },
        context(r.at),
      ),
    );
  h.resets.forEach((at, i) =>
    facts.push(
      createEvent(
        'ResetSent',
        { sub, target, attempt: i + 1, reason: 'generated', linkLifetimeSeconds: 86_400 },
        context(at),
      ),
    ),
  );
  contradictable = contradictable.length > 0 ? contradictable : exported;
  h.disagreements.forEach((d, i) => {
    const contradicted = contradictable[i % Math.max(contradictable.length, 1)];
    if (!contradicted) return;
    const found = createEvent(
      'TargetDisagreementFound',
      {
        sub,
        target,
        targetUserId,
        field: d.field,
        contradicts: contradicted.id,
        occurrence: 1,
        ledger: 'generated claim',
        observed: 'generated observation',
      },
      context(d.at),
    );
    facts.push(found);
    if (d.resolvedAt)
      facts.push(
        createEvent(
          'TargetDisagreementResolved',
          { sub, target, targetUserId, field: d.field, resolves: found.id, observed: 'agrees again' },
          context(d.resolvedAt),
        ),
      );
  });
  return facts;
}

function exportData(sub: string, e: History['exports'][number]): UserExportedData {
  return {
    poolId: 'us-east-1_Generated',
    sub,
    username: `user-${sub.slice(-4)}`,
    status: e.status,
    enabled: e.enabled,
    createdAt: '2024-06-01T00:00:00.000Z',
    updatedAt: e.updatedAt.toISOString(),
    attributes: e.email ? { email: `user-${sub.slice(-4)}@example.com` } : {},
    customAttributes: {},
    groups: [],
    mfa: { sms: e.sms, totp: e.totp, preferred: null },
    identities: e.identities.map((provider) => ({
      provider,
      providerType: provider === 'Google' ? 'Google' : provider === 'SignInWithApple' ? 'SignInWithApple' : 'SAML',
      userId: `${provider}-${sub.slice(-4)}`,
      issuer: null,
      primary: true,
      linkedAt: null,
    })),
    anomalies: [],
  };
}

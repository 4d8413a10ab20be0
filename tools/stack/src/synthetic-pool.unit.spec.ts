import assert from 'node:assert/strict';
import { describe, it } from '@jest/globals';
import { generateSyntheticPool, type SyntheticUser } from './synthetic-pool.js';

const pool = generateSyntheticPool({ users: 1000, seed: 42 });
const users = pool.users;
const native = users.filter((u) => u.status !== 'EXTERNAL_PROVIDER');
const federated = users.filter((u) => u.status === 'EXTERNAL_PROVIDER');

function someOf(
  population: SyntheticUser[],
  description: string,
  predicate: (u: SyntheticUser) => boolean,
): SyntheticUser[] {
  const found = population.filter(predicate);
  assert.ok(found.length > 0, `no user is ${description}`);
  return found;
}

interface Identity {
  userId: unknown;
  providerName: unknown;
  providerType: unknown;
  issuer: unknown;
  primary: unknown;
  dateCreated: unknown;
}

function identitiesOf(u: SyntheticUser): Identity[] {
  return u.attributes.identities === undefined ? [] : (JSON.parse(u.attributes.identities) as Identity[]);
}

describe('generateSyntheticPool', () => {
  describe('determinism', () => {
    it('gives the same pool for the same seed', () => {
      assert.deepEqual(generateSyntheticPool({ users: 1000, seed: 42 }), pool);
    });

    it('gives a different pool for a different seed', () => {
      const other = generateSyntheticPool({ users: 1000, seed: 43 });
      assert.notDeepEqual(other.users, users);
      const subs = new Set(users.map((u) => u.sub));
      assert.ok(
        other.users.every((u) => !subs.has(u.sub)),
        'two seeds share a sub',
      );
      assert.notEqual(other.clientId, pool.clientId);
    });
  });

  describe('identity', () => {
    it('gives every user a unique username, also ignoring case as Cognito does by default', () => {
      assert.equal(new Set(users.map((u) => u.username.toLowerCase())).size, users.length);
    });

    it('gives every user a unique version-4 sub, repeated in the sub attribute', () => {
      assert.equal(new Set(users.map((u) => u.sub)).size, users.length);
      for (const u of users) {
        assert.match(u.sub, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        assert.equal(u.attributes.sub, u.sub);
      }
    });

    it('holds every attribute value as a string, as Cognito does', () => {
      for (const u of users) {
        for (const [name, value] of Object.entries(u.attributes)) {
          assert.equal(typeof value, 'string', `${u.username} ${name}`);
        }
      }
    });

    it('has timestamps in whole seconds, last change not before creation', () => {
      for (const u of users) {
        assert.equal(u.createdAt.getTime() % 1000, 0);
        assert.equal(u.updatedAt.getTime() % 1000, 0);
        assert.ok(u.updatedAt >= u.createdAt, u.username);
      }
    });

    it('gives native users passwords that meet the default policy, and federated users none', () => {
      for (const u of native) {
        // Only the username goes into the message: passwords never appear in test output.
        const pw = u.password ?? '';
        const ok = pw.length >= 8 && /[A-Z]/.test(pw) && /[a-z]/.test(pw) && /\d/.test(pw) && /[^A-Za-z0-9]/.test(pw);
        assert.ok(ok, `${u.username}'s password breaks the policy`);
      }
      assert.ok(federated.every((u) => u.password === null));
    });
  });

  describe('username modes', () => {
    it('in username mode, gives native users usernames that are not e-mails', () => {
      assert.deepEqual(pool.usernameAttributes, []);
      for (const u of native) assert.doesNotMatch(u.username, /@/);
    });

    it('in email mode, signs in by e-mail and makes Username the sub of native users', () => {
      const byEmail = generateSyntheticPool({ users: 300, seed: 42, usernameMode: 'email' });
      assert.deepEqual(byEmail.usernameAttributes, ['email']);
      for (const u of byEmail.users) {
        if (u.status === 'EXTERNAL_PROVIDER') assert.match(u.username, /^[A-Za-z]+_/);
        else assert.equal(u.username, u.sub);
      }
      const nativeEmails = byEmail.users
        .filter((u) => u.status !== 'EXTERNAL_PROVIDER')
        .map((u) => u.attributes.email?.toLowerCase());
      assert.equal(
        new Set(nativeEmails).size,
        nativeEmails.length,
        'two native users share the e-mail they sign in with',
      );
    });
  });

  describe('scale', () => {
    it('scales the rare cases with the pool instead of keeping a fixed cast', () => {
      const big = generateSyntheticPool({ users: 20_000, seed: 42 });
      const share = (p: (u: SyntheticUser) => boolean) => big.users.filter(p).length / big.users.length;
      assert.ok(share((u) => !u.enabled) > 0.01);
      assert.ok(share((u) => u.status === 'RESET_REQUIRED') > 0.02);
      assert.ok(share((u) => u.status === 'EXTERNAL_PROVIDER') > 0.05);
      assert.ok(share((u) => u.mfa.totp) > 0.03);
    });

    it('makes the cast from the start in a small pool and refuses a negative size', () => {
      assert.equal(generateSyntheticPool({ users: 0 }).users.length, 0);
      assert.equal(generateSyntheticPool({ users: 3 }).users[0]?.mfa.sms, true);
      assert.throws(() => generateSyntheticPool({ users: -1 }), RangeError);
    });
  });
});

for (const size of [1000, 100]) {
  describe(`real-world variety at ${size} users`, () => {
    const { users, groups, customAttributes } = generateSyntheticPool({ users: size, seed: 42 });
    const federated = users.filter((u) => u.status === 'EXTERNAL_PROVIDER');
    const some = (description: string, predicate: (u: SyntheticUser) => boolean) =>
      someOf(users, description, predicate);

    it('has accented Latin names', () => {
      some(
        'accented',
        (u) =>
          /\p{Script=Latin}/u.test(u.attributes.name ?? '') &&
          /[\u00C0-\u024F\u1E00-\u1EFF]/u.test(u.attributes.name ?? ''),
      );
    });

    it('has CJK names', () => {
      some('CJK-named', (u) => /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Hangul}]/u.test(u.attributes.name ?? ''));
    });

    it('has Arabic names', () => {
      some('Arabic-named', (u) => /\p{Script=Arabic}/u.test(u.attributes.name ?? ''));
    });

    it('has other non-Latin names (Cyrillic, Greek, Hebrew, Devanagari, Thai) and no emoji', () => {
      some('named in another script', (u) =>
        /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Hebrew}\p{Script=Devanagari}\p{Script=Thai}]/u.test(
          u.attributes.name ?? '',
        ),
      );
      assert.ok(users.every((u) => !/\p{Extended_Pictographic}/u.test(JSON.stringify(u.attributes))));
    });

    it('has upper-case e-mails', () => {
      some(
        'upper-case',
        (u) => /[A-Z]/.test(u.attributes.email ?? '') && u.attributes.email === u.attributes.email?.toUpperCase(),
      );
    });

    it("has '+' e-mails", () => {
      some('plus-addressed', (u) => /^[^@]+\+[^@]+@/.test(u.attributes.email ?? ''));
    });

    it('has exactly one pair of users sharing one e-mail, under different usernames', () => {
      const byEmail = Map.groupBy(users, (u) => u.attributes.email?.toLowerCase());
      const shared = [...byEmail.values()].filter((group) => group.length > 1);
      assert.equal(shared.length, 1);
      const [first, second] = shared[0] ?? [];
      assert.equal(shared[0]?.length, 2);
      assert.notEqual(first?.username, second?.username);
    });

    it('has E.164 phone numbers only', () => {
      const phones = users.flatMap((u) => (u.attributes.phone_number === undefined ? [] : [u.attributes.phone_number]));
      assert.ok(phones.length > 0);
      for (const phone of phones) assert.match(phone, /^\+[1-9]\d{7,14}$/);
    });

    it('has verified and unverified e-mails', () => {
      some('e-mail verified', (u) => u.attributes.email_verified === 'true');
      some('e-mail unverified', (u) => u.attributes.email_verified === 'false');
      assert.ok(users.every((u) => ['true', 'false'].includes(u.attributes.email_verified ?? '')));
    });

    it('has verified and unverified phones', () => {
      some('phone verified', (u) => u.attributes.phone_number_verified === 'true');
      some('phone unverified', (u) => u.attributes.phone_number_verified === 'false');
    });

    for (const status of [
      'CONFIRMED',
      'UNCONFIRMED',
      'FORCE_CHANGE_PASSWORD',
      'RESET_REQUIRED',
      'EXTERNAL_PROVIDER',
    ] as const) {
      it(`has ${status} users`, () => {
        some(status, (u) => u.status === status);
      });
    }

    it('names federated users <provider>_<id> and records their identities as Cognito does', () => {
      for (const u of federated) {
        const identities = identitiesOf(u);
        const primary = identities.find((i) => i.primary === true);
        assert.ok(primary, `${u.username} has no primary identity`);
        assert.equal(u.username, `${String(primary.providerName)}_${String(primary.userId)}`);
        for (const i of identities) {
          assert.deepEqual(Object.keys(i), [
            'userId',
            'providerName',
            'providerType',
            'issuer',
            'primary',
            'dateCreated',
          ]);
          assert.ok(['Google', 'SignInWithApple', 'SAML'].includes(String(i.providerType)));
          assert.ok(i.issuer === null || typeof i.issuer === 'string');
          assert.ok(Number.isInteger(i.dateCreated) && (i.dateCreated as number) > 1e12, 'dateCreated is epoch ms');
        }
      }
      some('a Google user', (u) => /^Google_\d{21}$/.test(u.username));
      some('a SAML user', (u) => u.status === 'EXTERNAL_PROVIDER' && identitiesOf(u)[0]?.providerType === 'SAML');
    });

    it('has a federated user with a Google and a SAML identity', () => {
      some('linked to Google and SAML', (u) => {
        const types = identitiesOf(u).map((i) => i.providerType);
        return u.status === 'EXTERNAL_PROVIDER' && types.includes('Google') && types.includes('SAML');
      });
    });

    it('has disabled users', () => {
      some('disabled', (u) => !u.enabled);
    });

    it('declares String, Number, Boolean and DateTime custom attributes and uses only declared ones', () => {
      assert.deepEqual(
        new Set(customAttributes.map((a) => a.type)),
        new Set(['String', 'Number', 'Boolean', 'DateTime']),
      );
      const declared = new Set(customAttributes.map((a) => `custom:${a.name}`));
      for (const name of declared) some(`carrying ${name}`, (u) => u.attributes[name] !== undefined);
      for (const u of users) {
        for (const name of Object.keys(u.attributes)) {
          if (name.startsWith('custom:')) assert.ok(declared.has(name), `${name} is not declared`);
        }
      }
    });

    it('gives custom attributes values that parse as their declared type', () => {
      const parses = {
        String: (v: string) => v.length > 0,
        Number: (v: string) => v.trim() !== '' && Number.isFinite(Number(v)),
        Boolean: (v: string) => v === 'true' || v === 'false',
        DateTime: (v: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(v) && !Number.isNaN(Date.parse(v)),
      };
      for (const { name, type } of customAttributes) {
        for (const u of users) {
          const value = u.attributes[`custom:${name}`];
          if (value !== undefined)
            assert.ok(parses[type](value), `${u.username} custom:${name}=${value} is not a ${type}`);
        }
      }
    });

    it('puts all but one user in 0..3 groups and one user in 100+ groups, all of them declared', () => {
      const declared = new Set(groups.map((g) => g.name));
      const heavy = users.filter((u) => u.groups.length > 3);
      assert.equal(heavy.length, 1);
      assert.ok((heavy[0]?.groups.length ?? 0) >= 100);
      some('in no group', (u) => u.groups.length === 0);
      some('in three groups', (u) => u.groups.length === 3);
      for (const u of users) {
        assert.equal(new Set(u.groups).size, u.groups.length, `${u.username} is in a group twice`);
        assert.ok(u.groups.every((g) => declared.has(g)));
      }
      assert.equal(groups.length, 120);
    });

    it('has SMS-MFA users with a verified phone', () => {
      for (const u of some('SMS-MFA', (u) => u.mfa.sms)) {
        assert.equal(u.attributes.phone_number_verified, 'true', u.username);
      }
    });

    it('has TOTP users, each with a preferred factor it has', () => {
      some('TOTP', (u) => u.mfa.totp && !u.mfa.sms);
      for (const u of users.filter((u) => u.mfa.sms || u.mfa.totp)) {
        assert.ok(
          (u.mfa.preferred === 'SMS_MFA' && u.mfa.sms) || (u.mfa.preferred === 'SOFTWARE_TOKEN_MFA' && u.mfa.totp),
          u.username,
        );
      }
    });

    it('has native users who linked a Google identity', () => {
      some('native and linked', (u) => u.status !== 'EXTERNAL_PROVIDER' && identitiesOf(u).length > 0);
    });
  });
}

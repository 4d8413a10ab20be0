import { v4 as uuidV4 } from 'uuid';
import { drawCulture, syntheticCultures, type SyntheticCulture, type SyntheticName } from './synthetic-cultures.js';
import { SyntheticRandom } from './synthetic-random.js';

export type SyntheticUserStatus =
  'CONFIRMED' | 'UNCONFIRMED' | 'FORCE_CHANGE_PASSWORD' | 'RESET_REQUIRED' | 'EXTERNAL_PROVIDER';

export type CustomAttributeType = 'String' | 'Number' | 'DateTime' | 'Boolean';

export interface SyntheticPoolOptions {
  users: number;
  /** Same seed, same pool. Default 1. */
  seed?: number;
  /** Default 'us-east-1_Ledger01'. */
  poolId?: string;
  /** 'email': the pool signs in by e-mail (UsernameAttributes ["email"]) and native users' Username is their sub. Default 'username'. */
  usernameMode?: 'username' | 'email';
  /** Default 120. The pool's one heavy user belongs to every group, so keep it >= 100 to have a 100+-group user. */
  groups?: number;
}

export interface SyntheticMfa {
  sms: boolean;
  totp: boolean;
  preferred?: 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA';
}

export interface SyntheticUser {
  username: string;
  sub: string;
  /** Meets Cognito's default password policy; null for federated users, who have none. Never log it. */
  password: string | null;
  /** As Cognito holds them: every value a string, `identities` a JSON string. */
  attributes: Record<string, string>;
  enabled: boolean;
  status: SyntheticUserStatus;
  mfa: SyntheticMfa;
  groups: string[];
  /** Whole seconds: cognito-local truncates milliseconds. */
  createdAt: Date;
  updatedAt: Date;
}

export interface SyntheticGroup {
  name: string;
  description?: string;
  precedence?: number;
}

export interface SyntheticPool {
  poolId: string;
  poolName: string;
  /** An app client without a secret allowing ALLOW_ADMIN_USER_PASSWORD_AUTH and ALLOW_REFRESH_TOKEN_AUTH. */
  clientId: string;
  usernameAttributes: string[];
  mfaConfiguration: 'OPTIONAL';
  /** Declared names, without the `custom:` prefix. */
  customAttributes: { name: string; type: CustomAttributeType }[];
  groups: SyntheticGroup[];
  users: SyntheticUser[];
}

const customAttributes: SyntheticPool['customAttributes'] = [
  { name: 'tenant', type: 'String' },
  { name: 'tier', type: 'Number' },
  { name: 'newsletter', type: 'Boolean' },
  { name: 'terms_accepted_at', type: 'DateTime' },
];

const tenants = ['acme', 'globex', 'initech', 'umbrella', 'hooli', 'stark', 'wayne', 'wonka', 'cyberdyne', 'tyrell'];

/** The pool's SAML IdPs; each belongs to one tenant. */
const samlProviders = [
  { name: 'AcmeEntraID', tenant: 'acme', issuer: 'https://sts.windows.net/6f1c2a4e-8b3d-4f0e-9a7c-2d5b8e1f3a90/' },
  { name: 'GlobexOkta', tenant: 'globex', issuer: 'http://www.okta.com/exk4q8w2z7yXv3LmN5d7' },
];

// RFC 2606 names: no real mailbox ever receives a reset e-mail sent to a synthetic user.
const mailDomains = ['example.com', 'example.org', 'example.net', 'mail.example', 'corp.example', 'inbox.test'];

// North-American numbers 555-0100..0199 are reserved for fiction in every area code.
const areaCodes = ['201', '212', '305', '312', '415', '512', '617', '702', '808', '917'];

/** 2019-01-01T00:00:00Z .. 2025-07-01T00:00:00Z: fixed, so a seed always gives the same dates. */
const epochStart = 1546300800;
const epochEnd = 1751328000;

const roleGroups: SyntheticGroup[] = [
  { name: 'admins', description: 'Full administrative access', precedence: 0 },
  { name: 'editors', description: 'Can edit content', precedence: 10 },
  { name: 'viewers', description: 'Read-only access', precedence: 20 },
  { name: 'billing', description: 'Manages invoices and payment methods', precedence: 30 },
  { name: 'support', precedence: 40 },
  { name: 'beta-testers', description: 'Early access to new features' },
  { name: 'auditors', description: 'Read access to audit logs', precedence: 50 },
  { name: 'developers' },
  { name: 'équipe-paris', description: 'Bureau de Paris' },
  { name: 'チーム東京', description: '東京オフィス' },
];
const tenantRoles = ['admins', 'users', 'billing', 'readonly'];

function groupCatalogue(count: number): SyntheticGroup[] {
  const groups = [...roleGroups];
  for (const tenant of tenants) {
    for (const role of tenantRoles) groups.push({ name: `${tenant}-${role}`, description: `${tenant} ${role}` });
  }
  for (let n = 1; groups.length < count; n++) {
    const name = `project-${String(n).padStart(3, '0')}`;
    groups.push(n % 3 === 0 ? { name } : { name, description: `Members of project ${n}` });
  }
  return groups.slice(0, count);
}

type Kind = 'native' | 'google' | 'apple' | 'saml' | 'google+saml';
type NativeStatus = Exclude<SyntheticUserStatus, 'EXTERNAL_PROVIDER'>;

/** The choices behind one user; drawn at random, then forced for the guaranteed cast. */
interface Profile {
  culture: SyntheticCulture;
  kind: Kind;
  status: NativeStatus;
  enabled: boolean;
  named: boolean;
  emailStyle: 'plain' | 'upper' | 'plus';
  emailVerified: boolean;
  phone: 'none' | 'verified' | 'unverified';
  mfa: 'none' | 'sms' | 'totp' | 'both';
  /** A native user who also linked a Google identity (AdminLinkProviderForUser). */
  linkedGoogle: boolean;
  groupCount: 0 | 1 | 2 | 3 | 'all';
  nativeScriptUsername: boolean;
  sharedEmail: 'none' | 'first' | 'second';
}

function drawProfile(random: SyntheticRandom): Profile {
  const r = random.next();
  const kind: Kind =
    r < 0.91 ? 'native' : r < 0.955 ? 'google' : r < 0.97 ? 'apple' : r < 0.998 ? 'saml' : 'google+saml';
  const s = random.next();
  const status: NativeStatus =
    s < 0.84 ? 'CONFIRMED' : s < 0.9 ? 'UNCONFIRMED' : s < 0.95 ? 'FORCE_CHANGE_PASSWORD' : 'RESET_REQUIRED';
  const e = random.next();
  const p = random.next();
  const m = random.next();
  const g = random.next();
  return {
    culture: drawCulture(random),
    kind,
    status,
    enabled: random.chance(0.97),
    named: random.chance(0.9),
    emailStyle: e < 0.02 ? 'upper' : e < 0.07 ? 'plus' : 'plain',
    emailVerified: random.chance(kind === 'saml' ? 0.1 : 0.9),
    phone: p < 0.26 ? 'verified' : p < 0.4 ? 'unverified' : 'none',
    mfa: m < 0.06 ? 'sms' : m < 0.14 ? 'totp' : m < 0.155 ? 'both' : 'none',
    linkedGoogle: random.chance(0.01),
    groupCount: g < 0.3 ? 0 : g < 0.65 ? 1 : g < 0.88 ? 2 : 3,
    nativeScriptUsername: random.chance(0.03),
    sharedEmail: 'none',
  };
}

/** Rules that hold in a real pool whatever was drawn. */
function consistent(profile: Profile): Profile {
  const p = { ...profile };
  if (p.kind !== 'native') {
    // Federated users authenticate at their IdP: no Cognito MFA, no phone from the IdP here.
    p.mfa = 'none';
    p.phone = 'none';
    p.linkedGoogle = false;
  } else if (p.status === 'UNCONFIRMED') {
    p.emailVerified = false;
    p.mfa = 'none';
    p.linkedGoogle = false;
    if (p.phone === 'verified') p.phone = 'unverified';
  } else if (p.status === 'FORCE_CHANGE_PASSWORD') {
    // Never signed in, so never enrolled a second factor.
    p.mfa = 'none';
  }
  if (p.mfa === 'sms' || p.mfa === 'both') p.phone = 'verified';
  return p;
}

/** What a cast member is unless its entry says otherwise, so each entry differs only in the case it stands for. */
const ordinary: Omit<Profile, 'culture'> = {
  kind: 'native',
  status: 'CONFIRMED',
  enabled: true,
  named: true,
  emailStyle: 'plain',
  emailVerified: true,
  phone: 'none',
  mfa: 'none',
  linkedGoogle: false,
  groupCount: 1,
  nativeScriptUsername: false,
  sharedEmail: 'none',
};

function cultureFor(locale: string): SyntheticCulture {
  return syntheticCultures.find((c) => c.locales.includes(locale)) as SyntheticCulture;
}

/** One user per real-world case the migration must handle, so every case exists at any size >= the cast. */
const cast: Partial<Profile>[] = [
  { mfa: 'sms' },
  { mfa: 'totp' },
  { mfa: 'both' },
  { status: 'UNCONFIRMED' },
  { status: 'FORCE_CHANGE_PASSWORD' },
  { status: 'RESET_REQUIRED' },
  { enabled: false },
  { kind: 'google' },
  { kind: 'saml', emailVerified: false },
  { kind: 'google+saml' },
  { kind: 'apple' },
  // A person who signed up with a password and later through Google without linking: two profiles,
  // one e-mail. Native twins would be impossible in an e-mail-as-username pool; this pair is not.
  { sharedEmail: 'first' },
  { kind: 'google', sharedEmail: 'second' },
  { groupCount: 'all' },
  { emailStyle: 'upper' },
  { emailStyle: 'plus' },
  { emailVerified: false },
  { phone: 'unverified' },
  { phone: 'verified' },
  { linkedGoogle: true },
  { culture: cultureFor('ja-JP') },
  { culture: cultureFor('zh-CN') },
  { culture: cultureFor('ar-EG') },
  { culture: cultureFor('fr-FR') },
  { culture: cultureFor('ru-RU') },
  { nativeScriptUsername: true, culture: cultureFor('de-DE') },
];

const upper = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const lower = 'abcdefghijkmnopqrstuvwxyz';
const digits = '0123456789';
// A subset of the symbols Cognito's policy counts (https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html).
const symbols = '!@#$%^&*-_=+?';
const alphanumeric = upper + lower + digits;

/** 10-15 characters with upper, lower, digit and symbol: Cognito's default policy. */
function drawPassword(random: SyntheticRandom): string {
  return (
    random.chars(upper, 1) +
    random.chars(lower, 4 + random.int(6)) +
    random.chars(digits, 2) +
    random.chars(symbols, 1) +
    random.chars(alphanumeric, 2)
  );
}

function isoSeconds(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}

interface Identity {
  userId: string;
  providerName: string;
  providerType: 'Google' | 'SignInWithApple' | 'SAML';
  issuer: string | null;
  primary: boolean;
  dateCreated: number;
}

class UserFactory {
  private readonly groupNames: string[];
  /** The first of the two profiles of one person (see `cast`), whom the second copies. */
  private twin: { culture: SyntheticCulture; given: SyntheticName; family: SyntheticName; email: string } | undefined;

  constructor(
    private readonly random: SyntheticRandom,
    private readonly emailAsUsername: boolean,
    groups: SyntheticGroup[],
  ) {
    this.groupNames = groups.map((g) => g.name);
  }

  build(index: number, forced: Partial<Profile> | undefined): SyntheticUser {
    const random = this.random;
    const drawn = drawProfile(random);
    const p = consistent(forced ? { ...drawn, ...ordinary, ...forced } : drawn);
    const tag = index.toString(36);
    const twin = p.sharedEmail === 'second' ? this.twin : undefined;
    const culture = twin?.culture ?? p.culture;
    const given = twin?.given ?? random.pick(culture.givenNames);
    const family = twin?.family ?? random.pick(culture.familyNames);
    const locale = random.pick(culture.locales);
    const sub = uuidV4({ random: random.bytes16() });
    const password = drawPassword(random);
    const createdAt = epochStart + random.int(epochEnd - epochStart);
    const updatedAt = createdAt + random.int(Math.min(epochEnd - createdAt, 400 * 86400));
    const tenant = random.pick(tenants);
    const saml = random.pick(samlProviders);

    const localPart = `${given.ascii}.${family.ascii}.${tag}`;
    let email: string;
    if (twin) email = twin.email;
    else if (p.kind === 'saml') email = `${localPart}@${saml.tenant}.example`;
    else {
      const domain = random.pick(mailDomains);
      email =
        p.emailStyle === 'plus'
          ? `${localPart}+${random.pick(['news', 'shop', 'work', 'cognito'])}@${domain}`
          : `${localPart}@${domain}`;
      if (p.emailStyle === 'upper') email = email.toUpperCase();
    }
    if (p.sharedEmail === 'first') this.twin = { culture, given, family, email };

    const identities: Identity[] = [];
    const linkedAt = (at: number) => at * 1000 + random.int(1000);
    const googleId = `1${String(random.uint32()).padStart(10, '0')}${String(index).padStart(10, '0')}`;
    let username: string;
    switch (p.kind) {
      case 'native':
        username = this.emailAsUsername
          ? sub
          : p.nativeScriptUsername
            ? `${given.native.toLowerCase()}.${tag}`
            : `${given.ascii}.${family.ascii}.${tag}`;
        if (p.linkedGoogle) identities.push(google(googleId, false, linkedAt(updatedAt)));
        break;
      case 'google':
      case 'google+saml':
        username = `Google_${googleId}`;
        identities.push(google(googleId, true, linkedAt(createdAt)));
        if (p.kind === 'google+saml') {
          identities.push({
            userId: email,
            providerName: saml.name,
            providerType: 'SAML',
            issuer: saml.issuer,
            primary: false,
            dateCreated: linkedAt(updatedAt),
          });
        }
        break;
      case 'apple': {
        const appleId = `00${String(random.int(1e6)).padStart(6, '0')}.${Buffer.from(random.bytes16()).toString('hex')}.${String(random.int(1e4)).padStart(4, '0')}`;
        username = `SignInWithApple_${appleId}`;
        identities.push({
          userId: appleId,
          providerName: 'SignInWithApple',
          providerType: 'SignInWithApple',
          issuer: null,
          primary: true,
          dateCreated: linkedAt(createdAt),
        });
        break;
      }
      case 'saml':
        username = `${saml.name}_${email}`;
        identities.push({
          userId: email,
          providerName: saml.name,
          providerType: 'SAML',
          issuer: saml.issuer,
          primary: true,
          dateCreated: linkedAt(createdAt),
        });
        break;
    }

    const attributes: Record<string, string> = { sub };
    if (identities.length > 0) attributes.identities = JSON.stringify(identities);
    attributes.email = email;
    attributes.email_verified = String(p.emailVerified);
    if (p.phone !== 'none') {
      const phone =
        locale === 'en-GB'
          ? `+447700900${String(random.int(1000)).padStart(3, '0')}` // Ofcom's drama range
          : `+1${random.pick(areaCodes)}5550${100 + random.int(100)}`;
      attributes.phone_number = phone;
      attributes.phone_number_verified = String(p.phone === 'verified');
    }
    if (p.named || p.kind !== 'native') {
      attributes.given_name = given.native;
      attributes.family_name = family.native;
      attributes.name = culture.familyFirst
        ? `${family.native}${culture.separator}${given.native}`
        : `${given.native}${culture.separator}${family.native}`;
    }
    if (random.chance(0.7)) attributes.locale = locale;
    if (random.chance(0.9)) attributes['custom:tenant'] = p.kind === 'saml' ? saml.tenant : tenant;
    if (random.chance(0.8)) attributes['custom:tier'] = String(1 + random.int(5));
    if (random.chance(0.7)) attributes['custom:newsletter'] = String(random.chance(0.4));
    if (random.chance(0.6))
      attributes['custom:terms_accepted_at'] = isoSeconds(createdAt + random.int(updatedAt - createdAt + 1));

    const sms = p.mfa === 'sms' || p.mfa === 'both';
    const totp = p.mfa === 'totp' || p.mfa === 'both';
    const mfa: SyntheticMfa = { sms, totp };
    if (sms || totp) mfa.preferred = sms && (!totp || random.chance(0.5)) ? 'SMS_MFA' : 'SOFTWARE_TOKEN_MFA';

    return {
      username,
      sub,
      password: p.kind === 'native' ? password : null,
      attributes,
      enabled: p.enabled,
      status: p.kind === 'native' ? p.status : 'EXTERNAL_PROVIDER',
      mfa,
      groups: this.drawGroups(p.groupCount),
      createdAt: new Date(createdAt * 1000),
      updatedAt: new Date(updatedAt * 1000),
    };
  }

  /** Distinct groups, skewed so the first (role) groups are the popular ones. */
  private drawGroups(count: Profile['groupCount']): string[] {
    const names = this.groupNames;
    if (count === 'all') return [...names];
    const picked = new Set<string>();
    const wanted = Math.min(count, names.length);
    while (picked.size < wanted) {
      const r = this.random.next();
      picked.add(names[Math.floor(r * r * names.length)] as string);
    }
    return [...picked];
  }
}

function google(userId: string, primary: boolean, dateCreated: number): Identity {
  return { userId, providerName: 'Google', providerType: 'Google', issuer: null, primary, dateCreated };
}

function wholeNumber(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`SyntheticPoolOptions.${name} must be a whole number >= 0, got ${value}`);
  }
  return value;
}

/**
 * A user pool with the variety of a real one — see `cast` for the cases guaranteed once the pool
 * has at least as many users; everything else is drawn in proportion. Pure: no I/O, no clock.
 */
export function generateSyntheticPool(options: SyntheticPoolOptions): SyntheticPool {
  const userCount = wholeNumber('users', options.users);
  const seed = options.seed ?? 1;
  const poolId = options.poolId ?? 'us-east-1_Ledger01';
  const emailAsUsername = options.usernameMode === 'email';
  const groups = groupCatalogue(wholeNumber('groups', options.groups ?? 120));
  const random = new SyntheticRandom(seed);
  const clientId = random.chars('abcdefghijklmnopqrstuvwxyz0123456789', 26);

  // The cast is spread through the pool rather than bunched at the start, as real oddities are.
  const castStep = Math.max(1, Math.floor(userCount / cast.length));
  const factory = new UserFactory(random, emailAsUsername, groups);
  const users: SyntheticUser[] = new Array(userCount);
  for (let i = 0; i < userCount; i++) {
    const castIndex = i % castStep === 0 ? i / castStep : -1;
    users[i] = factory.build(i, cast[castIndex]);
  }

  return {
    poolId,
    poolName: `synthetic-${userCount}-users-seed-${seed}`,
    clientId,
    usernameAttributes: emailAsUsername ? ['email'] : [],
    mfaConfiguration: 'OPTIONAL',
    customAttributes: customAttributes.map((a) => ({ ...a })),
    groups,
    users,
  };
}

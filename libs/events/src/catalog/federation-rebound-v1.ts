import { z } from 'zod';
import { olderVersion } from '../versioning/older-version.js';
import { cognitoSub, target } from './shared-fields.js';
import type { FederationReboundData } from './target-facts.js';

/**
 * FederationRebound v1, as written until v2. The first writers recorded no `cognitoProvider`; from
 * commit a003b40 on, writers added it as a required field while still writing `v1`, so a v1
 * record may carry it or not, and both are v1 as written.
 */
export const federationReboundV1Schema = z.object({
  sub: cognitoSub,
  target,
  provider: z.string().min(1),
  cognitoProvider: z.string().min(1).optional(),
  providerUserId: z.string().min(1),
  via: z.enum(['pre-linked', 'first-login']),
});

export type FederationReboundV1Data = z.infer<typeof federationReboundV1Schema>;

/**
 * v1 -> v2: a v1 fact without `cognitoProvider` re-binds the Cognito provider named like the
 * target's alias (`provider`). That is the value the importer and the watcher themselves record
 * when they know no other name for the alias (`linkedFrom[alias] ?? alias`,
 * `cognitoProviderOf[alias] ?? alias`), and it is exact whenever the realm's identity provider
 * keeps the Cognito provider's name, which the importer does unless `providerAliases` renames it.
 * Where the alias differs, the fact re-binds no provider the exported profile lists: the user
 * stays "not re-bound" for that provider, which is what the projections said when the fact was
 * written (they compared the alias then). An undercount, never a user counted as re-bound who was
 * not. The upcaster cannot look the mapping up: it is a pure function of the record, and the
 * mapping is the importer's configuration, not a ledger fact.
 */
export function federationReboundV1ToV2(data: FederationReboundV1Data): FederationReboundData {
  return { ...data, cognitoProvider: data.cognitoProvider ?? data.provider };
}

export const federationReboundV1 = olderVersion({
  version: 1,
  schema: federationReboundV1Schema,
  upcast: federationReboundV1ToV2,
});

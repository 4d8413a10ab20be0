import { z } from 'zod';

export const isoTime = z.iso.datetime({ offset: true });
export const cognitoSub = z.string().min(1).max(128);
export const poolId = z.string().regex(/^[\w-]+_[0-9a-zA-Z]+$/, 'must be a Cognito user pool id');
/** The identity provider being migrated to; Keycloak first, named so that others can follow. */
export const target = z.object({ kind: z.literal('keycloak'), realm: z.string().min(1) });

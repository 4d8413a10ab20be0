import { z } from 'zod';
import { section } from '../section.js';
import { nonEmpty, port } from '../setting-rules.js';

/**
 * The SMTP server the reconciler configures in the realm so that Keycloak's reset e-mails can
 * leave it (RECONCILER_SMTP_*). Apart from the reconciler's other settings because `ledger status`
 * reads those and sends no mail.
 */
export interface ResetMailConfig {
  readonly host: string;
  readonly port: number;
  readonly from: string;
  readonly fromName: string;
}

export const resetMailSection = section(
  {
    RECONCILER_SMTP_HOST: nonEmpty,
    RECONCILER_SMTP_PORT: port,
    RECONCILER_SMTP_FROM: z.email({ error: 'must be an e-mail address' }),
    RECONCILER_SMTP_FROM_NAME: nonEmpty.default('Account migration'),
  },
  (v): ResetMailConfig => ({
    host: v.RECONCILER_SMTP_HOST,
    port: v.RECONCILER_SMTP_PORT,
    from: v.RECONCILER_SMTP_FROM,
    fromName: v.RECONCILER_SMTP_FROM_NAME,
  }),
);

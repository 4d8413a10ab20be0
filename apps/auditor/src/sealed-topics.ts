import type { SealedRole } from '#audit-bundle';
import type { LedgerTopics } from '#ledger';

/** The topics the sealer seals, by the role their checkpoints' origins name. */
export function sealedTopics(topics: LedgerTopics): { role: SealedRole; topic: string }[] {
  return [
    { role: 'user-events', topic: topics.userEvents },
    { role: 'control-events', topic: topics.controlEvents },
  ];
}

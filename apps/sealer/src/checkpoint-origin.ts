import type { LedgerTopics } from '#ledger';

/**
 * A checkpoint's origin names one partition's log: `<origin>/<topic role>/<partition>`, the role
 * being `user-events` or `control-events`, not the Kafka topic's name, so that a copy of the
 * ledger under another topic prefix still verifies against the checkpoints of the original.
 */
export interface SealedTopic {
  readonly role: 'user-events' | 'control-events';
  readonly topic: string;
}

export function sealedTopicsOf(topics: LedgerTopics): SealedTopic[] {
  return [
    { role: 'user-events', topic: topics.userEvents },
    { role: 'control-events', topic: topics.controlEvents },
  ];
}

export function originOf(origin: string, sealed: SealedTopic, partition: number): string {
  return `${origin}/${sealed.role}/${partition}`;
}

/** The topic and partition an origin names, if it is one of this ledger's. */
export function partitionOfOrigin(
  origin: string,
  sealedTopics: readonly SealedTopic[],
  checkpointOrigin: string,
): { topic: string; partition: number } | undefined {
  const prefix = `${origin}/`;
  if (!checkpointOrigin.startsWith(prefix)) return undefined;
  const match = /^(user-events|control-events)\/(0|[1-9][0-9]{0,5})$/.exec(checkpointOrigin.slice(prefix.length));
  if (!match) return undefined;
  const sealed = sealedTopics.find((s) => s.role === match[1]);
  return sealed ? { topic: sealed.topic, partition: Number(match[2]) } : undefined;
}

/** The default origin when LEDGER_SEAL_ORIGIN is not set: `<key name>/<topic prefix>`. */
export function defaultOrigin(keyName: string, topicPrefix: string): string {
  return `${keyName}/${topicPrefix}`;
}

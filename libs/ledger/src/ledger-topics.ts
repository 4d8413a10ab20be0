/**
 * The ledger's topics. User facts are keyed by Cognito `sub`, so every fact about one user stays
 * in order on one partition; run, phase and decision events share a single partition so that
 * their order is total. Nothing expires: the ledger is the system of record.
 */
export interface LedgerTopics {
  readonly userEvents: string;
  readonly controlEvents: string;
  readonly deadLetter: string;
  /** Signed checkpoints of the user and control topics' partitions (apps/sealer, docs/audit.md). */
  readonly checkpoints: string;
}

/** `migration.*` by default (KAFKA_TOPIC_PREFIX); another prefix gives a separate ledger on the same broker. */
export function topicsWithPrefix(prefix: string): LedgerTopics {
  return {
    userEvents: `${prefix}.user-events`,
    controlEvents: `${prefix}.control-events`,
    deadLetter: `${prefix}.dead-letter`,
    checkpoints: `${prefix}.checkpoints`,
  };
}

export interface TopicSpec {
  readonly topic: string;
  readonly numPartitions: number;
  readonly configEntries: readonly { name: string; value: string }[];
}

const keepForever = [
  { name: 'retention.ms', value: '-1' },
  { name: 'retention.bytes', value: '-1' },
  { name: 'cleanup.policy', value: 'delete' },
];

export function topicSpecs(topics: LedgerTopics, userPartitions = 12): TopicSpec[] {
  return [
    { topic: topics.userEvents, numPartitions: userPartitions, configEntries: keepForever },
    { topic: topics.controlEvents, numPartitions: 1, configEntries: keepForever },
    { topic: topics.deadLetter, numPartitions: 3, configEntries: keepForever },
    { topic: topics.checkpoints, numPartitions: 1, configEntries: keepForever },
  ];
}

export interface Replication {
  readonly replicationFactor: number;
  readonly minInSyncReplicas: number;
}

/**
 * How many copies of the ledger a cluster of `brokers` keeps: three where it can (one node may be
 * lost, and with `min.insync.replicas=2` an acknowledged write, acks=all as the producers send,
 * is on two nodes at least), fewer on a smaller cluster, where a write must not wait for copies
 * that cannot exist.
 */
export function replicationFor(brokers: number): Replication {
  if (!Number.isInteger(brokers) || brokers < 1)
    throw new RangeError(`a cluster has at least one broker, not ${brokers}`);
  const replicationFactor = Math.min(3, brokers);
  return { replicationFactor, minInSyncReplicas: replicationFactor >= 3 ? 2 : 1 };
}

import type { Admin } from 'kafkajs';
import pRetry from 'p-retry';

/**
 * Right after a topic is created the broker may still answer NOT_LEADER for a moment, and on a
 * fresh broker the group coordinator is not there until `__consumer_offsets` exists; kafkajs's
 * admin does not retry ListOffsets and OffsetFetch through either, so retriable errors are
 * retried here.
 */
function retryingRetriable<T>(call: () => Promise<T>): Promise<T> {
  return pRetry(call, {
    retries: 8,
    minTimeout: 100,
    shouldRetry: ({ error }) => (error as { retriable?: boolean }).retriable === true,
  });
}

/** Low and high watermarks of every partition of a topic. */
export function topicOffsets(admin: Admin, topic: string) {
  return retryingRetriable(() => admin.fetchTopicOffsets(topic));
}

/** The offsets a consumer group committed on the topics. */
export function groupOffsets(admin: Admin, groupId: string, topics: readonly string[]) {
  return retryingRetriable(() => admin.fetchOffsets({ groupId, topics: [...topics] }));
}

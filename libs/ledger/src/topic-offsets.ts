import type { Admin } from 'kafkajs';
import pRetry from 'p-retry';

/**
 * Low and high watermarks of every partition of a topic. Right after a topic is created the broker
 * may still answer NOT_LEADER for a moment, and kafkajs's admin does not retry ListOffsets itself,
 * so retriable errors are retried here.
 */
export function topicOffsets(admin: Admin, topic: string) {
  return pRetry(() => admin.fetchTopicOffsets(topic), {
    retries: 8,
    minTimeout: 100,
    shouldRetry: ({ error }) => (error as { retriable?: boolean }).retriable === true,
  });
}

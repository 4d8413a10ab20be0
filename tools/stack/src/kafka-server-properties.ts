import type { StackConfig } from '#config';

/**
 * A single-node KRaft broker that is its own controller, listening on loopback only. The
 * replication factors of the internal topics must be 1 on one node, or the group and transaction
 * coordinators never become available. Topics are never created on first use: only `ledger export`
 * creates the ledger's topics (with their partitions and infinite retention), so a command reading
 * under a wrong KAFKA_TOPIC_PREFIX is refused instead of making an empty ledger.
 */
export function kafkaServerProperties(
  ports: Pick<StackConfig, 'kafkaPort' | 'kafkaControllerPort'>,
  dataDir: string,
): string {
  const broker = `127.0.0.1:${ports.kafkaPort}`;
  const controller = `127.0.0.1:${ports.kafkaControllerPort}`;
  return [
    '# Written by `ledger stack up` on every start; edit KAFKA_PORT / KAFKA_CONTROLLER_PORT instead.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.bootstrap.servers=${controller}`,
    `listeners=PLAINTEXT://${broker},CONTROLLER://${controller}`,
    `advertised.listeners=PLAINTEXT://${broker}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${dataDir}`,
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    '',
  ].join('\n');
}

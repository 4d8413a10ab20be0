import type { LocalKafkaNode, StackConfig } from '#config';

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

/**
 * One node of a local KRaft cluster: each node is a broker and a controller (combined mode), the
 * controllers a static quorum of every node (`controller.quorum.voters`), so that the cluster
 * keeps a majority with one node down. Replication follows the cluster's size: min(3, nodes)
 * copies of every topic (the ledger's own topics get theirs from `ledger export`, see
 * libs/ledger's replicationFor), and with three copies a write needs two in sync
 * (`min.insync.replicas=2`), so an acknowledged write (acks=all) survives the loss of one node.
 */
export function kafkaClusterNodeProperties(
  node: LocalKafkaNode,
  nodes: readonly LocalKafkaNode[],
  dataDir: string,
): string {
  const broker = `127.0.0.1:${node.port}`;
  const controller = `127.0.0.1:${node.controllerPort}`;
  const replicas = Math.min(3, nodes.length);
  const minInSync = replicas >= 3 ? 2 : 1;
  return [
    '# Written by `ledger stack up` on every start; edit KAFKA_PORT / KAFKA_CONTROLLER_PORT / STACK_KAFKA_BROKERS instead.',
    'process.roles=broker,controller',
    `node.id=${node.nodeId}`,
    `controller.quorum.voters=${nodes.map((n) => `${n.nodeId}@127.0.0.1:${n.controllerPort}`).join(',')}`,
    `listeners=PLAINTEXT://${broker},CONTROLLER://${controller}`,
    `advertised.listeners=PLAINTEXT://${broker}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${dataDir}`,
    `default.replication.factor=${replicas}`,
    `min.insync.replicas=${minInSync}`,
    `offsets.topic.replication.factor=${replicas}`,
    `transaction.state.log.replication.factor=${replicas}`,
    `transaction.state.log.min.isr=${minInSync}`,
    `share.coordinator.state.topic.replication.factor=${replicas}`,
    `share.coordinator.state.topic.min.isr=${minInSync}`,
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    // A broker that comes back must not lead partitions it has not caught up on.
    'unclean.leader.election.enable=false',
    '',
  ].join('\n');
}

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { pino } from 'pino';
import {
  ConfigError,
  loadConfig,
  localKafkaNodes,
  type Env,
  type KafkaConfig,
  type LocalKafkaNode,
  type StackConfig,
} from '#config';
import { Ledger } from '#ledger';
import { findJava, type Java } from './find-java.js';
import { ensureKafkaLibs } from './kafka-libs.js';
import { kafkaClusterNodeProperties, kafkaServerProperties } from './kafka-server-properties.js';
import { assertLoopbackPortFree, loopbackPortFree } from './loopback-port.js';
import { projectRoot } from './project-root.js';
import type { ComponentStatus, StackComponent } from './stack-component.js';
import { StackError } from './stack-error.js';
import { StackProcess } from './stack-process.js';
import { localProfileEnv } from './local-profile-env.js';

const execFileAsync = promisify(execFile);
const log4jConfig = join(projectRoot, 'infra', 'kafka', 'log4j2.xml');
const readyTimeoutMs = 120_000;
const probeTimeoutMs = 5000;

/** One KRaft node of the local Kafka: where its files are and the process that runs it. */
interface KafkaNode {
  readonly ports: LocalKafkaNode;
  readonly dir: string;
  readonly properties: string;
  readonly dataDir: string;
  readonly content: string;
  readonly process: StackProcess;
}

/**
 * The real Apache Kafka from Maven Central jars, run with the local JDK: one KRaft node (the
 * default), or a cluster of STACK_KAFKA_BROKERS nodes, each a broker and a controller, on
 * loopback ports ten apart (localKafkaNodes). A single node keeps its files in STACK_DIR/kafka, a
 * cluster of n in STACK_DIR/kafka/cluster-n/node-<id>; the jars are shared.
 */
export class KafkaComponent implements StackComponent {
  readonly name = 'kafka';
  private readonly stack: StackConfig;
  private readonly kafka: KafkaConfig;
  private readonly dir: string;
  readonly nodes: readonly KafkaNode[];
  private readonly ledger: Ledger;

  constructor(private readonly env: Env) {
    const config = loadConfig(localProfileEnv(env), ['stack', 'kafka']);
    this.stack = config.stack;
    this.kafka = config.kafka;
    this.dir = resolve(this.stack.dir, 'kafka');
    const ports = localKafkaNodes(this.stack);
    this.nodes = ports.map((node) => {
      const dir = ports.length === 1 ? this.dir : join(this.dir, `cluster-${ports.length}`, `node-${node.nodeId}`);
      const properties = join(dir, 'server.properties');
      const dataDir = join(dir, 'data');
      return {
        ports: node,
        dir,
        properties,
        dataDir,
        content:
          ports.length === 1
            ? kafkaServerProperties(this.stack, dataDir)
            : kafkaClusterNodeProperties(node, ports, dataDir),
        // Kafka's controlled shutdown took 3-7 s when measured; the grace leaves room on a busy machine.
        process: new StackProcess({ name: 'kafka', dir, commandLineMarker: properties, stopGraceMs: 30_000 }),
      };
    });
    this.ledger = new Ledger({
      kafka: this.kafka,
      connectionTimeoutMs: 1000,
      logger: pino({ level: 'error' }, process.stderr),
    });
  }

  async status(): Promise<ComponentStatus> {
    const [pids, reachable] = await Promise.all([
      Promise.all(this.nodes.map((node) => node.process.runningPid())),
      this.reachable(),
    ]);
    const where = this.kafka.brokers.join(',');
    const running = pids.filter((pid) => pid !== undefined);
    const cluster = this.nodes.length === 1 ? '' : `${this.nodes.length}-node cluster, `;
    const lost = this.nodes.filter((_, index) => running.length > 0 && pids[index] === undefined);
    if (reachable) {
      return {
        name: this.name,
        state: 'up',
        detail: `${where}, ${cluster}${running.length === 0 ? 'not started by this stack' : `pid ${running.join(', ')}`}${lost.length === 0 ? '' : `; node ${lost.map((node) => node.ports.nodeId).join(', ')} not running (\`ledger stack up\` starts it again)`}`,
      };
    }
    const detail =
      running.length > 0
        ? `${cluster}pid ${running.join(', ')} running but not answering on ${where} (log: ${this.nodes[0]!.process.logFile})`
        : (await loopbackPortFree(this.stack.kafkaPort))
          ? 'not running'
          : `not running; port ${this.stack.kafkaPort} (KAFKA_PORT) is used by another program`;
    return { name: this.name, state: 'down', detail };
  }

  async up(report: (line: string) => void): Promise<void> {
    let pids = await Promise.all(this.nodes.map((node) => node.process.runningPid()));
    // A cluster that lost a node still answers: `up` starts the lost node again rather than
    // leaving the ledger's topics under-replicated. A single broker answering is up, whoever started it.
    const whole = this.nodes.length === 1 || pids.every((pid) => pid !== undefined);
    if (whole && (await this.reachable())) return;
    this.assertBrokersAreLocal();
    pids = await Promise.all(this.nodes.map((node) => node.process.runningPid()));
    let java: Java | undefined;
    let classpath = '';
    if (pids.some((pid) => pid === undefined)) {
      java = await findJava(this.stack);
      classpath = join(await ensureKafkaLibs(this.dir, java, this.env, report), '*');
      await this.formatOnce(java, classpath, pids, report);
    }
    const started: number[] = [];
    for (const [index, node] of this.nodes.entries()) {
      const pid = pids[index];
      if (pid !== undefined) {
        await this.assertRunningWithCurrentSettings(node, pid);
        report(`waiting for node ${node.ports.nodeId}, already starting (pid ${pid})`);
        started.push(pid);
        continue;
      }
      report(
        this.nodes.length === 1
          ? `starting the broker with Java ${java!.version}`
          : `starting node ${node.ports.nodeId} of ${this.nodes.length} on 127.0.0.1:${node.ports.port} with Java ${java!.version}`,
      );
      started.push(
        await node.process.start({
          command: java!.executable,
          args: [
            '-Xms256m',
            '-Xmx512m',
            `-Dlog4j2.configurationFile=${log4jConfig}`,
            '-cp',
            classpath,
            'kafka.Kafka',
            node.properties,
          ],
          env: this.env,
        }),
      );
    }
    // No topic is created here: only `ledger export` creates the ledger's topics. A cluster is
    // ready when every node has registered, so that topics get all their replicas.
    await Promise.all(
      this.nodes.map((node, index) =>
        node.process.waitUntilReady(started[index]!, () => this.allRegistered(), readyTimeoutMs),
      ),
    );
  }

  async down(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.process.stop()));
  }

  private async allRegistered(): Promise<boolean> {
    if (!(await this.reachable())) return false;
    if (this.nodes.length === 1) return true;
    const counted = this.ledger.brokerCount().then(
      (count) => count >= this.nodes.length,
      () => false,
    );
    return Promise.race([counted, sleep(probeTimeoutMs, false, { ref: false })]);
  }

  /**
   * Bounded here because the probe's client waits its full request timeout (30 s) when the port
   * accepts connections but never answers, as any non-Kafka program on the port does.
   */
  private async reachable(): Promise<boolean> {
    const answered = this.ledger.probe().then(
      () => true,
      () => false,
    );
    return Promise.race([answered, sleep(probeTimeoutMs, false, { ref: false })]);
  }

  /**
   * A broker started with other ports would never answer where this configuration looks for it;
   * one started by an older version may still create topics on first use.
   */
  private async assertRunningWithCurrentSettings(node: KafkaNode, pid: number): Promise<void> {
    const running = await readFile(node.properties, 'utf8').catch(() => '');
    if (running !== node.content) {
      throw new StackError(
        this.name,
        `the broker (pid ${pid}) runs with other settings than configured (ports, or topic auto-creation); run \`ledger stack down\` first`,
      );
    }
  }

  /** The readiness probe and every app use KAFKA_BROKERS; a mismatch with KAFKA_PORT would only show as a timeout. */
  private assertBrokersAreLocal(): void {
    const local = this.nodes.flatMap((node) => [`127.0.0.1:${node.ports.port}`, `localhost:${node.ports.port}`]);
    if (!this.kafka.brokers.some((broker) => local.includes(broker))) {
      throw new ConfigError(
        'KAFKA_BROKERS',
        `must include 127.0.0.1:${this.stack.kafkaPort} (KAFKA_PORT) to use the local broker`,
      );
    }
  }

  /**
   * Writes each stopped node's properties and formats its storage once per data folder
   * (StorageTool refuses a folder that has meta.properties). The nodes of a cluster share one
   * cluster id: the one a node already formatted has, or a new one.
   */
  private async formatOnce(
    java: Java,
    classpath: string,
    pids: readonly (number | undefined)[],
    report: (line: string) => void,
  ): Promise<void> {
    let id: string | undefined;
    for (const node of this.nodes) {
      const meta = await readFile(join(node.dataDir, 'meta.properties'), 'utf8').catch(() => '');
      id ??= /^cluster\.id=(.+)$/m.exec(meta)?.[1];
    }
    id ??= clusterId();
    for (const [index, node] of this.nodes.entries()) {
      if (pids[index] !== undefined) continue;
      for (const ports of [node.ports.port, node.ports.controllerPort]) {
        const variable = ports === node.ports.port ? 'KAFKA_PORT' : 'KAFKA_CONTROLLER_PORT';
        await assertLoopbackPortFree(this.name, ports, variable);
      }
      await mkdir(node.dataDir, { recursive: true });
      await writeFile(node.properties, node.content);
      if (existsSync(join(node.dataDir, 'meta.properties'))) continue;
      report(
        this.nodes.length === 1
          ? 'formatting storage (first run only)'
          : `formatting node ${node.ports.nodeId} (first run only)`,
      );
      try {
        await execFileAsync(java.executable, [
          `-Dlog4j2.configurationFile=${log4jConfig}`,
          '-cp',
          classpath,
          'kafka.tools.StorageTool',
          'format',
          '--cluster-id',
          id,
          '--config',
          node.properties,
          // One voter, this node: the 4.x way to start a single controller without a voter list.
          // A cluster names its voters in controller.quorum.voters instead.
          ...(this.nodes.length === 1 ? ['--standalone'] : []),
        ]);
      } catch (error) {
        const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
        const reason = `${stderr}\n${stdout}`.trim().split('\n').at(-1) ?? 'StorageTool failed';
        throw new StackError(this.name, `could not format ${node.dataDir}: ${reason}`, { cause: error });
      }
    }
  }
}

/**
 * A cluster id as Kafka's `Uuid.randomUuid().toString()` makes it (16 random bytes, URL-safe
 * base64 without padding, never starting with '-'), made here to spare a JVM start for
 * `StorageTool random-uuid`.
 */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

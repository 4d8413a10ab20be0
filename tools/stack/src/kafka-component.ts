import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { ConfigError, loadConfig, type Env, type KafkaConfig, type StackConfig } from '#config';
import { Ledger } from '#ledger';
import { findJava, type Java } from './find-java.js';
import { ensureKafkaLibs } from './kafka-libs.js';
import { kafkaServerProperties } from './kafka-server-properties.js';
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

/** The real Apache Kafka broker (single-node KRaft) from Maven Central jars, run with the local JDK. */
export class KafkaComponent implements StackComponent {
  readonly name = 'kafka';
  private readonly stack: StackConfig;
  private readonly kafka: KafkaConfig;
  private readonly dir: string;
  private readonly properties: string;
  private readonly dataDir: string;
  private readonly broker: StackProcess;
  private readonly ledger: Ledger;

  constructor(private readonly env: Env) {
    const config = loadConfig(localProfileEnv(env), ['stack', 'kafka']);
    this.stack = config.stack;
    this.kafka = config.kafka;
    this.dir = resolve(this.stack.dir, 'kafka');
    this.properties = join(this.dir, 'server.properties');
    this.dataDir = join(this.dir, 'data');
    // Kafka's controlled shutdown took 3-7 s when measured; the grace leaves room on a busy machine.
    this.broker = new StackProcess({
      name: 'kafka',
      dir: this.dir,
      commandLineMarker: this.properties,
      stopGraceMs: 30_000,
    });
    this.ledger = new Ledger({
      kafka: this.kafka,
      connectionTimeoutMs: 1000,
      logger: pino({ level: 'error' }, process.stderr),
    });
  }

  async status(): Promise<ComponentStatus> {
    const [pid, reachable] = await Promise.all([this.broker.runningPid(), this.reachable()]);
    const where = this.kafka.brokers.join(',');
    if (reachable) {
      return {
        name: this.name,
        state: 'up',
        detail: `${where}, ${pid === undefined ? 'not started by this stack' : `pid ${pid}`}`,
      };
    }
    const detail =
      pid !== undefined
        ? `pid ${pid} is running but not answering on ${where} (log: ${this.broker.logFile})`
        : (await loopbackPortFree(this.stack.kafkaPort))
          ? 'not running'
          : `not running; port ${this.stack.kafkaPort} (KAFKA_PORT) is used by another program`;
    return { name: this.name, state: 'down', detail };
  }

  async up(report: (line: string) => void): Promise<void> {
    if (await this.reachable()) return;
    this.assertBrokersAreLocal();
    let pid = await this.broker.runningPid();
    if (pid === undefined) {
      await assertLoopbackPortFree(this.name, this.stack.kafkaPort, 'KAFKA_PORT');
      await assertLoopbackPortFree(this.name, this.stack.kafkaControllerPort, 'KAFKA_CONTROLLER_PORT');
      const java = await findJava(this.stack);
      const libs = await ensureKafkaLibs(this.dir, java, this.env, report);
      const classpath = join(libs, '*');
      await mkdir(this.dataDir, { recursive: true });
      await writeFile(this.properties, kafkaServerProperties(this.stack, this.dataDir));
      await this.formatOnce(java, classpath, report);
      report(`starting the broker with Java ${java.version}`);
      pid = await this.broker.start({
        command: java.executable,
        args: [
          '-Xms256m',
          '-Xmx512m',
          `-Dlog4j2.configurationFile=${log4jConfig}`,
          '-cp',
          classpath,
          'kafka.Kafka',
          this.properties,
        ],
        env: this.env,
      });
    } else {
      await this.assertRunningWithCurrentSettings(pid);
      report(`waiting for the broker already starting (pid ${pid})`);
    }
    // No topic is created here: only `ledger export` creates the ledger's topics.
    await this.broker.waitUntilReady(pid, () => this.reachable(), readyTimeoutMs);
  }

  async down(): Promise<void> {
    await this.broker.stop();
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
  private async assertRunningWithCurrentSettings(pid: number): Promise<void> {
    const running = await readFile(this.properties, 'utf8').catch(() => '');
    if (running !== kafkaServerProperties(this.stack, this.dataDir)) {
      throw new StackError(
        this.name,
        `the broker (pid ${pid}) runs with other settings than configured (ports, or topic auto-creation); run \`ledger stack down\` first`,
      );
    }
  }

  /** The readiness probe and every app use KAFKA_BROKERS; a mismatch with KAFKA_PORT would only show as a timeout. */
  private assertBrokersAreLocal(): void {
    const local = [`127.0.0.1:${this.stack.kafkaPort}`, `localhost:${this.stack.kafkaPort}`];
    if (!this.kafka.brokers.some((broker) => local.includes(broker))) {
      throw new ConfigError(
        'KAFKA_BROKERS',
        `must include 127.0.0.1:${this.stack.kafkaPort} (KAFKA_PORT) to use the local broker`,
      );
    }
  }

  /** Formatting is once per data folder: StorageTool refuses to format a folder that has meta.properties. */
  private async formatOnce(java: Java, classpath: string, report: (line: string) => void): Promise<void> {
    if (existsSync(join(this.dataDir, 'meta.properties'))) return;
    report('formatting storage (first run only)');
    try {
      await execFileAsync(java.executable, [
        `-Dlog4j2.configurationFile=${log4jConfig}`,
        '-cp',
        classpath,
        'kafka.tools.StorageTool',
        'format',
        '--cluster-id',
        clusterId(),
        '--config',
        this.properties,
        // One voter, this node: the 4.x way to start a controller quorum without a static voter list.
        '--standalone',
      ]);
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      const reason = `${stderr}\n${stdout}`.trim().split('\n').at(-1) ?? 'StorageTool failed';
      throw new StackError(this.name, `could not format ${this.dataDir}: ${reason}`, { cause: error });
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

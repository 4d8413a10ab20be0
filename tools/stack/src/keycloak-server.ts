import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { databaseConfig, stackConfig, type Env, type StackConfig } from '#config';
import { findJava } from './find-java.js';
import { keycloakAdminLogin } from './keycloak-admin-credentials.js';
import { localProfileEnv } from './local-profile-env.js';
import { projectRoot } from './project-root.js';
import { assertLoopbackPortFree } from './loopback-port.js';
import type { ComponentStatus, StackComponent } from './stack-component.js';
import { StackError } from './stack-error.js';
import { StackProcess } from './stack-process.js';

const execFileAsync = promisify(execFile);
/** A fresh distribution augments first (13-26 s measured) and then starts (10-13 s); a busy machine needs more. */
const readyTimeoutMs = 240_000;
/**
 * The first start also creates the database (Liquibase): on a machine whose 2 cores were shared by
 * four stacks, augmentation alone took 145 s and the schema creation did not finish within 240 s.
 */
const firstStartTimeoutMs = 600_000;

/**
 * The real Keycloak server, `keycloak-quarkus-dist` from Maven Central, run in dev mode on
 * loopback with its dev-file (H2) database inside the unpacked distribution.
 *
 * Why H2 by default and not the PostgreSQL that runs here: measured with 20k users, partialImport
 * into H2 stayed flat at 577 users/s; into PostgreSQL it was as fast only while `ANALYZE` ran
 * every 15 s (this machine's PostgreSQL has autovacuum off) and fell to 85 users/s without it.
 * STACK_KEYCLOAK_DB=postgres (`stack up --keycloak-db postgres`) puts it on PostgreSQL all the
 * same, in a database of its own on the projections' server, for realms larger than a demo's.
 */
export class KeycloakServer implements StackComponent {
  readonly name = 'keycloak';
  private readonly stack: StackConfig;
  private readonly dir: string;
  private readonly dist: string;
  private readonly server: StackProcess;
  /** Where Keycloak keeps its data under STACK_KEYCLOAK_DB=postgres; undefined for dev-file. */
  private readonly postgres: KeycloakPostgres | undefined;

  constructor(private readonly env: Env) {
    this.stack = stackConfig(localProfileEnv(env));
    this.postgres =
      this.stack.keycloakDatabase === 'postgres'
        ? keycloakPostgres(databaseConfig(localProfileEnv(env)).url)
        : undefined;
    this.dir = resolve(this.stack.dir, 'keycloak');
    this.dist = join(this.dir, `keycloak-${this.stack.keycloakDistVersion}`);
    // Java exits 1.5-2.8 s after TERM when measured.
    this.server = new StackProcess({
      name: 'keycloak',
      dir: this.dir,
      commandLineMarker: this.dist,
      stopGraceMs: 30_000,
    });
  }

  async status(): Promise<ComponentStatus> {
    const [pid, ready] = await Promise.all([this.server.runningPid(), this.ready()]);
    const where = `http://127.0.0.1:${this.stack.keycloakPort}`;
    if (ready) {
      return {
        name: this.name,
        state: 'up',
        detail: `${where}, ${pid === undefined ? 'not started by this stack' : `pid ${pid}`}, database ${this.postgres?.where ?? 'dev-file'}`,
      };
    }
    const detail =
      pid === undefined ? 'not running' : `pid ${pid} is running but not ready (log: ${this.server.logFile})`;

    return { name: this.name, state: 'down', detail };
  }

  async up(report: (line: string) => void): Promise<void> {
    if (await this.ready()) return;
    let pid = await this.server.runningPid();
    let firstStart = false;
    if (pid === undefined) {
      await assertLoopbackPortFree(this.name, this.stack.keycloakPort, 'KEYCLOAK_PORT');
      await assertLoopbackPortFree(this.name, this.stack.keycloakManagementPort, 'KEYCLOAK_MANAGEMENT_PORT');
      const java = await findJava(this.stack);
      await this.ensureDistribution(java.home, report);
      await this.ensureJitProvider(java.home, report);
      const admin = await keycloakAdminLogin(this.env, { create: true });
      report(
        `starting Keycloak ${this.stack.keycloakDistVersion} in dev mode with Java ${java.version}${this.postgres === undefined ? '' : ` on PostgreSQL (${this.postgres.where})`}`,
      );
      firstStart =
        this.postgres === undefined ? !(await exists(this.database)) : await this.createPostgresDatabase(report);
      pid = await this.server.start({
        command: join(this.dist, 'bin', 'kc.sh'),
        args: this.startArgs(),
        cwd: this.dist,
        env: {
          ...this.env,
          JAVA_HOME: java.home,
          // Read only when Keycloak creates its master realm, i.e. on the first start of a database.
          KC_BOOTSTRAP_ADMIN_USERNAME: admin.username,
          KC_BOOTSTRAP_ADMIN_PASSWORD: admin.password,
          // The database password, if DATABASE_URL has one, travels in the environment, never on the command line.
          ...(this.postgres?.password === undefined ? {} : { KC_DB_PASSWORD: this.postgres.password }),
        },
      });
    } else {
      // Another checkout's settings (KEYCLOAK_PORT changed while it ran) would never answer where
      // this configuration looks: say so at once instead of waiting out the ready timeout.
      const running = (await this.server.runningCommandLine()) ?? '';
      const expected = this.startArgs().filter((arg) => arg.startsWith('--http-'));
      if (!expected.every((arg) => running.split(' ').includes(arg))) {
        throw new StackError(
          this.name,
          `Keycloak (pid ${pid}) runs with other settings than configured (KEYCLOAK_PORT, KEYCLOAK_MANAGEMENT_PORT); run \`ledger stack down\` with the settings it was started with first`,
        );
      }
      report(`waiting for Keycloak already starting (pid ${pid})`);
    }
    try {
      await this.server.waitUntilReady(pid, () => this.ready(), firstStart ? firstStartTimeoutMs : readyTimeoutMs);
    } catch (error) {
      // A first start stopped while Liquibase created the schema leaves tables without its
      // changelog, and every later start fails on "Table … already exists": the next `up` starts
      // from an empty database instead.
      if (firstStart) {
        if (this.postgres === undefined) await rm(this.database, { recursive: true, force: true });
        else await this.dropPostgresDatabase();
      }
      throw error;
    }
  }

  /** The dev-file (H2) database inside the distribution. */
  private get database(): string {
    return join(this.dist, 'data', 'h2');
  }

  async down(): Promise<void> {
    await this.server.stop();
  }

  /** The pid of the server this stack started, when it runs. */
  runningPid(): Promise<number | undefined> {
    return this.server.runningPid();
  }

  /** SIGKILLs the server this stack started (a crash); false when none runs. */
  kill(): Promise<boolean> {
    return this.server.kill();
  }

  /**
   * The same options on every start: a changed build-time option (health, database vendor,
   * features) makes Keycloak re-augment, which costs 13-16 s on each start.
   */
  private startArgs(): string[] {
    return [
      'start-dev',
      '--http-host=127.0.0.1',
      `--http-port=${this.stack.keycloakPort}`,
      '--health-enabled=true',
      `--http-management-port=${this.stack.keycloakManagementPort}`,
      ...(this.postgres === undefined
        ? []
        : ['--db=postgres', `--db-url=${this.postgres.jdbcUrl}`, `--db-username=${this.postgres.username}`]),
    ];
  }

  /** Creates Keycloak's database when missing; true when it did (Keycloak's first start on it). */
  private async createPostgresDatabase(report: (line: string) => void): Promise<boolean> {
    const { name } = this.postgres!;
    return this.withMaintenanceClient(async (client) => {
      const found = await client.query('select 1 from pg_database where datname = $1', [name]);
      if (found.rowCount !== 0) return false;
      report(`creating database ${name} for Keycloak`);
      await client.query(`create database ${client.escapeIdentifier(name)}`);
      return true;
    });
  }

  private async dropPostgresDatabase(): Promise<void> {
    await this.withMaintenanceClient((client) =>
      client.query(`drop database if exists ${client.escapeIdentifier(this.postgres!.name)} with (force)`),
    ).catch(() => undefined);
  }

  private async withMaintenanceClient<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: this.postgres!.maintenanceUrl, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      return await use(client);
    } catch (error) {
      throw new StackError(
        this.name,
        `cannot prepare Keycloak's database ${this.postgres!.where}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async ready(): Promise<boolean> {
    try {
      const response = await fetch(`http://127.0.0.1:${this.stack.keycloakManagementPort}/health/ready`, {
        signal: AbortSignal.timeout(2000),
      });
      await response.body?.cancel();
      return response.status === 200;
    } catch {
      return false;
    }
  }

  /**
   * Fetches the zip with Maven once and unpacks it once; an unpacked distribution is reused as is.
   * Unpacking goes to a scratch folder renamed into place, so an interrupted run never leaves a
   * half-unpacked server behind.
   */
  private async ensureDistribution(javaHome: string, report: (line: string) => void): Promise<void> {
    if (await exists(join(this.dist, 'bin', 'kc.sh'))) return;
    const version = this.stack.keycloakDistVersion;
    const zip = join(this.dir, `keycloak-quarkus-dist-${version}.zip`);
    await mkdir(this.dir, { recursive: true });
    if (!(await exists(zip))) {
      report(`fetching keycloak-quarkus-dist ${version} from Maven Central (first run only)`);
      await this.run(
        'mvn',
        [
          '-B',
          '-q',
          'dependency:copy',
          `-Dartifact=org.keycloak:keycloak-quarkus-dist:${version}:zip`,
          `-DoutputDirectory=${this.dir}`,
        ],
        {
          JAVA_HOME: javaHome,
        },
      );
    }
    report('unpacking the distribution (first run only)');
    const scratch = join(this.dir, `unpack-${process.pid}`);
    await rm(scratch, { recursive: true, force: true });
    try {
      await this.run('unzip', ['-q', zip, '-d', scratch], {});
    } catch (error) {
      await rm(scratch, { recursive: true, force: true });
      // A zip cut short by an interrupted copy: drop it so that the next run fetches it again.
      await rm(zip, { force: true });
      throw error;
    }
    await rename(join(scratch, `keycloak-${version}`), this.dist);
    await rm(scratch, { recursive: true, force: true });
  }

  /**
   * The JIT password provider (infra/keycloak-provider), built with Maven against the SPI of the
   * version run here and copied into providers/. Dev mode finds it at start and re-augments once
   * (about 15 s); a Keycloak that is already running loads it only at its next start. Rebuilt
   * only when its sources or the Keycloak version change (fingerprint kept next to the jar).
   */
  private async ensureJitProvider(javaHome: string, report: (line: string) => void): Promise<void> {
    const source = join(projectRoot, 'infra', 'keycloak-provider');
    const jar = join(this.dist, 'providers', 'keycloak-jit-password.jar');
    const stamp = `${jar}.sha256`;
    const fingerprint = await sourceFingerprint(source, this.stack.keycloakDistVersion);
    if ((await exists(jar)) && (await readFile(stamp, 'utf8').catch(() => '')) === fingerprint) return;
    report('building the JIT password provider (infra/keycloak-provider) with Maven');
    const buildDir = join(this.dir, 'jit-provider-build');
    await this.run(
      'mvn',
      [
        '-B',
        '-q',
        '-f',
        join(source, 'pom.xml'),
        'package',
        `-Dkeycloak.version=${this.stack.keycloakDistVersion}`,
        `-Dkeycloak.dist=${this.dist}`,
        `-Dprovider.build.dir=${buildDir}`,
      ],
      { JAVA_HOME: javaHome },
    );
    await copyFile(join(buildDir, 'keycloak-jit-password.jar'), jar);
    await writeFile(stamp, fingerprint);
  }

  private async run(command: string, args: string[], extraEnv: Env): Promise<void> {
    try {
      await execFileAsync(command, args, { env: { ...this.env, ...extraEnv }, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new StackError(this.name, `${command} is not installed; it is needed to fetch and unpack Keycloak`, {
          cause: error,
        });
      }
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      const reason =
        `${stdout}\n${stderr}`.split('\n').find((line) => /\[ERROR]|error/i.test(line)) ?? `${command} failed`;
      throw new StackError(this.name, `${command} failed: ${reason.trim()}`, { cause: error });
    }
  }
}

interface KeycloakPostgres {
  readonly name: string;
  readonly jdbcUrl: string;
  readonly username: string;
  readonly password: string | undefined;
  readonly maintenanceUrl: string;
  /** host:port/database, for messages. */
  readonly where: string;
}

/** Keycloak's own database beside the projections' one: `<database>_keycloak` on the DATABASE_URL server. */
function keycloakPostgres(databaseUrl: string): KeycloakPostgres {
  const url = new URL(databaseUrl);
  const name = `${decodeURIComponent(url.pathname.slice(1)) || 'postgres'}_keycloak`;
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = '/postgres';
  return {
    name,
    jdbcUrl: `jdbc:postgresql://${url.host}/${encodeURIComponent(name)}`,
    username: decodeURIComponent(url.username) || 'postgres',
    password: url.password === '' ? undefined : decodeURIComponent(url.password),
    maintenanceUrl: maintenance.href,
    where: `${url.host}/${name}`,
  };
}

/** Hash of the provider's pom and sources and the SPI version it is built against. */
async function sourceFingerprint(source: string, version: string): Promise<string> {
  const hash = createHash('sha256').update(version);
  const files = (await readdir(join(source, 'src'), { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  for (const file of [join(source, 'pom.xml'), ...files])
    hash.update(relative(source, file)).update(await readFile(file));
  return hash.digest('hex');
}

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

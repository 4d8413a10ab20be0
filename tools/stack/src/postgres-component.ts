import pg from 'pg';
import { databaseConfig, loadConfig, type Env } from '#config';
import { EmbeddedPostgresServer } from './embedded-postgres-server.js';
import { loopbackPortFree } from './loopback-port.js';
import type { ComponentStatus, StackComponent } from './stack-component.js';
import { StackError } from './stack-error.js';
import { localProfileEnv } from './local-profile-env.js';

/** Brings the projections' schema up to date; must be idempotent (applies only what is pending). */
export interface SchemaMigrator {
  readonly name: string;
  migrate(databaseUrl: string): Promise<void>;
}

/**
 * The project's database. A set DATABASE_URL always wins: that server is shared (with other
 * projects on the machine, so the stack never starts or stops it). Without it, the local profile
 * points at 127.0.0.1:POSTGRES_PORT: a server already listening there is used the same way, and
 * when nothing does, `up` starts an embedded PostgreSQL there (see EmbeddedPostgresServer), which
 * `down` stops. Every `ledger` command finds it through the same default, with no state to read.
 * `up` then creates the database when missing and runs the schema migrators, every time, since a
 * new migration may have arrived.
 */
export class PostgresComponent implements StackComponent {
  readonly name = 'postgres';
  private readonly url: string;
  private readonly database: string;
  /** host:port/database, without credentials, for messages. */
  private readonly where: string;
  /** Undefined when DATABASE_URL is set: the stack then never starts a server of its own. */
  private readonly embedded: EmbeddedPostgresServer | undefined;

  constructor(
    private readonly env: Env,
    private readonly migrators: readonly SchemaMigrator[] = [],
  ) {
    const local = localProfileEnv(env);
    this.url = databaseConfig(local).url;
    const parsed = new URL(this.url);
    this.database = decodeURIComponent(parsed.pathname.slice(1)) || 'postgres';
    this.where = `${parsed.host}/${this.database}`;
    this.embedded =
      env.DATABASE_URL === undefined ? new EmbeddedPostgresServer(loadConfig(local, ['stack']).stack) : undefined;
  }

  async status(): Promise<ComponentStatus> {
    const pid = await this.embedded?.runningPid();
    const kind =
      pid === undefined
        ? 'shared server: stack down leaves it running'
        : `embedded PostgreSQL, pid ${pid}, data in ${this.embedded!.dataDir}`;
    try {
      await withClient(this.url, (client) => client.query('select 1'));
      return { name: this.name, state: 'up', detail: `${this.where} (${kind})` };
    } catch (error) {
      const code = (error as { code?: string }).code;
      const detail =
        code === '3D000'
          ? `${this.where}: the database does not exist yet (stack up creates it)`
          : this.embedded !== undefined && pid === undefined && code === 'ECONNREFUSED'
            ? `${this.where}: not running (stack up starts an embedded PostgreSQL on port ${this.embedded.port}, POSTGRES_PORT)`
            : `${this.where}: ${messageOf(error)}`;
      return { name: this.name, state: 'down', detail };
    }
  }

  async up(report: (line: string) => void): Promise<void> {
    if (this.embedded !== undefined) await this.startEmbeddedWhenNeeded(this.embedded, report);
    const maintenance = new URL(this.url);
    maintenance.pathname = '/postgres';
    try {
      await withClient(maintenance.href, async (client) => {
        const found = await client.query('select 1 from pg_database where datname = $1', [this.database]);
        if (found.rowCount !== 0) return;
        report(`creating database ${this.database}`);
        await client.query(`create database ${client.escapeIdentifier(this.database)}`).catch((error: unknown) => {
          // Another `stack up` created it in the meantime.
          if ((error as { code?: string }).code !== '42P04') throw error;
        });
      });
    } catch (error) {
      throw new StackError(this.name, `cannot prepare ${this.where} (DATABASE_URL): ${messageOf(error)}`, {
        cause: error,
      });
    }
    for (const migrator of this.migrators) {
      report(`migrating schema: ${migrator.name}`);
      await migrator.migrate(this.url);
    }
  }

  /** Stops the embedded server if this stack started one (its data stays); a shared server keeps running. */
  async down(): Promise<void> {
    await this.embedded?.stop();
  }

  /** Starts the embedded server unless it runs already or another server listens on its port. */
  private async startEmbeddedWhenNeeded(embedded: EmbeddedPostgresServer, report: (line: string) => void) {
    const ready = () =>
      withClient(maintenanceUrl(this.url), (client) => client.query('select 1')).then(
        () => true,
        () => false,
      );
    const pid = await embedded.runningPid();
    if (pid !== undefined) {
      if (!(await ready())) {
        report(`waiting for the embedded server already starting (pid ${pid})`);
        await embedded.process.waitUntilReady(pid, ready, 60_000);
      }
      return;
    }
    if (!(await loopbackPortFree(embedded.port))) return;
    await embedded.start(this.env, ready, report);
  }
}

function maintenanceUrl(url: string): string {
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  return maintenance.href;
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // pg's AggregateError (IPv4 and IPv6 both refused) has an empty message.
  return message || ((error as { code?: string }).code ?? 'connection failed');
}

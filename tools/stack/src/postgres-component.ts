import pg from 'pg';
import { databaseConfig, type Env } from '#config';
import type { ComponentStatus, StackComponent } from './stack-component.js';
import { StackError } from './stack-error.js';
import { localProfileEnv } from './local-profile-env.js';

/** Brings the projections' schema up to date; must be idempotent (applies only what is pending). */
export interface SchemaMigrator {
  readonly name: string;
  migrate(databaseUrl: string): Promise<void>;
}

/**
 * The project's database on a PostgreSQL server that is already running (shared with other
 * projects on the machine, so the stack never starts or stops it): `up` creates the database when
 * missing and runs the schema migrators, every time, since a new migration may have arrived.
 */
export class PostgresComponent implements StackComponent {
  readonly name = 'postgres';
  private readonly url: string;
  private readonly database: string;
  /** host:port/database, without credentials, for messages. */
  private readonly where: string;

  constructor(
    env: Env,
    private readonly migrators: readonly SchemaMigrator[] = [],
  ) {
    this.url = databaseConfig(localProfileEnv(env)).url;
    const parsed = new URL(this.url);
    this.database = decodeURIComponent(parsed.pathname.slice(1)) || 'postgres';
    this.where = `${parsed.host}/${this.database}`;
  }

  async status(): Promise<ComponentStatus> {
    try {
      await withClient(this.url, (client) => client.query('select 1'));
      return { name: this.name, state: 'up', detail: `${this.where} (shared server: stack down leaves it running)` };
    } catch (error) {
      const detail =
        (error as { code?: string }).code === '3D000'
          ? `${this.where}: the database does not exist yet (stack up creates it)`
          : `${this.where}: ${messageOf(error)}`;
      return { name: this.name, state: 'down', detail };
    }
  }

  async up(report: (line: string) => void): Promise<void> {
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

  /** Nothing to do: the server is shared, and the data must survive a restart of the stack. */
  async down(): Promise<void> {}
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

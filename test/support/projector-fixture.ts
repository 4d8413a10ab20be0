import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { databaseConfig, kafkaConfig, loadConfig, type Env } from '#config';
import type { LedgerEvent } from '#events';
import { Ledger } from '#ledger';
import {
  projectorSections,
  projectorServeSections,
  type ProjectorRuntimeConfig,
  type ProjectorServeConfig,
} from '#projector';
import { recreateLedgerTopics } from './recreate-topics.js';

/** An isolated ledger (own topic prefix) and projection schema on the shared dev stack. */
export class ProjectorFixture {
  readonly id = randomUUID().slice(0, 8);
  readonly prefix = `test-projector-${this.id}`;
  readonly schema = `test_projection_${this.id}`;
  readonly env: Env = {
    ...process.env,
    KAFKA_TOPIC_PREFIX: this.prefix,
    PROJECTION_SCHEMA: this.schema,
    PROJECTOR_GROUP_ID: `${this.prefix}-projector`,
    PROJECTOR_PORT: String(20000 + Math.floor(Math.random() * 20000)),
  };
  readonly ledger = new Ledger({ kafka: kafkaConfig(this.env) });
  readonly db = new pg.Pool({ connectionString: databaseConfig(this.env).url, max: 2 });

  /** The projector's settings for this fixture's ledger and schema, with `overrides`. */
  config(overrides: Env = {}): ProjectorRuntimeConfig {
    return loadConfig({ ...this.env, ...overrides }, projectorSections);
  }

  /**
   * The serving projector's settings; its API open (DASHBOARD_ACCESS=open, the local profile's
   * explicit setting) unless `overrides` asks for the Keycloak login.
   */
  serveConfig(overrides: Env = {}): ProjectorServeConfig {
    return loadConfig({ ...this.env, DASHBOARD_ACCESS: 'open', ...overrides }, projectorServeSections);
  }

  async setUp(partitions = 4): Promise<void> {
    await this.ledger.ensureTopics(partitions);
  }

  /** Deletes the ledger's topics and creates them again, empty (a Kafka whose data was recreated). */
  async recreateTopics(partitions = 4): Promise<void> {
    await recreateLedgerTopics(kafkaConfig(this.env), partitions);
  }

  async publish(events: Iterable<LedgerEvent[]> | LedgerEvent[][]): Promise<number> {
    const publisher = await this.ledger.publisher();
    let count = 0;
    let pending: LedgerEvent[] = [];
    for (const group of events) {
      pending.push(...group);
      if (pending.length >= 5000) {
        await publisher.publish(pending);
        count += pending.length;
        pending = [];
      }
    }
    await publisher.publish(pending);
    count += pending.length;
    await publisher.close();
    return count;
  }

  async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    return (await this.db.query<R>(sql.replaceAll('$schema', `"${this.schema}"`), params)).rows;
  }

  async tearDown(): Promise<void> {
    await this.db.query(`drop schema if exists "${this.schema}" cascade`);
    await this.db.end();
  }
}

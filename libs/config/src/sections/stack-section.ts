import { z } from 'zod';
import { section } from '../section.js';
import { integer, nonEmpty, port } from '../setting-rules.js';

/** Where the local stack keeps its downloads, data and logs, and the loopback ports it uses. */
export interface StackConfig {
  readonly dir: string;
  readonly kafkaPort: number;
  readonly kafkaControllerPort: number;
  /**
   * How many KRaft nodes (each a broker and a controller) the local Kafka runs: 1, or a cluster
   * (3 for replication factor 3 with `min.insync.replicas=2`). Node n (from 0) listens on
   * KAFKA_PORT + 10·n and KAFKA_CONTROLLER_PORT + 10·n (see localKafkaNodes).
   */
  readonly kafkaBrokerCount: number;
  readonly cognitoPort: number;
  readonly cognitoLocalPort: number;
  readonly keycloakPort: number;
  readonly keycloakManagementPort: number;
  /** The local SMTP catcher (maildev): Keycloak's realm SMTP points at `mailSmtpPort`, its REST API is on `mailWebPort`. */
  readonly mailSmtpPort: number;
  readonly mailWebPort: number;
  /**
   * Where the local profile's PostgreSQL listens: a server already there is used as it is; when
   * nothing answers, `stack up` starts an embedded one on this port (data under STACK_DIR/postgres).
   */
  readonly postgresPort: number;
  readonly javaHome: string | undefined;
  /**
   * Keycloak's database: `dev-file` (H2 inside the distribution, the demo's) or `postgres` (a
   * database `<DATABASE_URL's database>_keycloak` on the same server as the projections, for
   * anything large).
   */
  readonly keycloakDatabase: 'dev-file' | 'postgres';
  /** The `keycloak-quarkus-dist` version the local stack fetches from Maven Central. */
  readonly keycloakDistVersion: string;
}

export const stackSection = section(
  {
    STACK_DIR: nonEmpty.default('.stack'),
    KAFKA_PORT: port.default(19092),
    KAFKA_CONTROLLER_PORT: port.default(19093),
    STACK_KAFKA_BROKERS: integer(1, 5).default(1),
    COGNITO_PORT: port.default(19229),
    COGNITO_LOCAL_PORT: port.default(19230),
    KEYCLOAK_PORT: port.default(18080),
    KEYCLOAK_MANAGEMENT_PORT: port.default(18081),
    MAIL_SMTP_PORT: port.default(18025),
    MAIL_WEB_PORT: port.default(18026),
    POSTGRES_PORT: port.default(5432),
    JAVA_HOME: nonEmpty.optional(),
    STACK_KEYCLOAK_DB: z.enum(['dev-file', 'postgres'], { error: 'must be dev-file or postgres' }).default('dev-file'),
    KEYCLOAK_DIST_VERSION: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, { error: 'must be a version such as 26.7.3' })
      .default('26.7.3'),
  },
  (v): StackConfig => ({
    dir: v.STACK_DIR,
    kafkaPort: v.KAFKA_PORT,
    kafkaControllerPort: v.KAFKA_CONTROLLER_PORT,
    kafkaBrokerCount: v.STACK_KAFKA_BROKERS,
    cognitoPort: v.COGNITO_PORT,
    cognitoLocalPort: v.COGNITO_LOCAL_PORT,
    keycloakPort: v.KEYCLOAK_PORT,
    keycloakManagementPort: v.KEYCLOAK_MANAGEMENT_PORT,
    mailSmtpPort: v.MAIL_SMTP_PORT,
    mailWebPort: v.MAIL_WEB_PORT,
    postgresPort: v.POSTGRES_PORT,
    javaHome: v.JAVA_HOME,
    keycloakDistVersion: v.KEYCLOAK_DIST_VERSION,
    keycloakDatabase: v.STACK_KEYCLOAK_DB,
  }),
);

/** One node of the local Kafka: its KRaft node id and the loopback ports of its broker and controller listeners. */
export interface LocalKafkaNode {
  readonly nodeId: number;
  readonly port: number;
  readonly controllerPort: number;
}

/** Ports ten apart, so that a cluster's ports stay in the block KAFKA_PORT and KAFKA_CONTROLLER_PORT start. */
export function localKafkaNodes(
  stack: Pick<StackConfig, 'kafkaPort' | 'kafkaControllerPort' | 'kafkaBrokerCount'>,
): LocalKafkaNode[] {
  return Array.from({ length: stack.kafkaBrokerCount }, (_, n) => ({
    nodeId: n + 1,
    port: stack.kafkaPort + 10 * n,
    controllerPort: stack.kafkaControllerPort + 10 * n,
  }));
}

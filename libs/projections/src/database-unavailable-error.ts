/** Socket errors of a server that is down, restarting or unreachable. */
const unreachableCodes: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * SQLSTATEs of a server that cut or refused the session rather than the statement: class 08
 * (connection exception), 57P01 admin shutdown (a fast or smart stop), 57P02 crash shutdown,
 * 57P03 cannot connect now (starting up or shutting down).
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
function sessionLost(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03';
}

/**
 * PostgreSQL could not be reached, or ended the session under a statement (a restart, a failover,
 * an administrator's stop). Without it an operator reads `connect ECONNREFUSED 127.0.0.1:5432` or
 * `the database system is shutting down` and must guess which server and which setting: this names
 * both, never the credentials. The failed statement's transaction was rolled back, so running the
 * command again once the server answers is safe.
 */
export class DatabaseUnavailableError extends Error {
  /** The error as a DatabaseUnavailableError when it is one of a lost server; undefined for any other failure. */
  static of(error: unknown, url: string, during: string): DatabaseUnavailableError | undefined {
    if (error instanceof DatabaseUnavailableError || !lostServer(error)) return undefined;
    return new DatabaseUnavailableError(serverOf(url), during, error);
  }

  private constructor(
    readonly server: string,
    during: string,
    cause: unknown,
  ) {
    super(
      `PostgreSQL at ${server} (DATABASE_URL) is unavailable during ${during}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'DatabaseUnavailableError';
  }
}

/** host:port/database of a postgres:// URL: what the operator needs to find the server, not who logs in. */
function serverOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'the configured server';
  }
}

/**
 * node-postgres reports a lost server three ways: the socket's error (with its `code`), the
 * server's own error (SQLSTATE in `code`, wrapped by TypeORM as `driverError`), or a plain Error
 * whose message says the connection ended ("Connection terminated unexpectedly", "… due to
 * connection timeout"). Only the driver's error is looked into, never an error's `cause`: a
 * socket code there may be another server's (Kafka's `connect ECONNREFUSED` inside the ledger's
 * LedgerUnavailableError), and naming PostgreSQL for it would send the operator to the wrong server.
 */
function lostServer(error: unknown): boolean {
  for (let failure = error, depth = 0; failure instanceof Error && depth < 3; depth++) {
    const { code, driverError } = failure as { code?: unknown; driverError?: unknown };
    if (typeof code === 'string' && (unreachableCodes.has(code) || sessionLost(code))) return true;
    if (/^Connection terminated/.test(failure.message)) return true;
    failure = driverError;
  }
  return false;
}

import canonicalize from 'canonicalize';

/**
 * The Cognito list operations that page, with AWS's names for their items and their token (source:
 * the SDK's paginators; ListUsers alone calls its token PaginationToken).
 */
export const pagedOperations = {
  ListUsers: { items: 'Users', token: 'PaginationToken' },
  ListUsersInGroup: { items: 'Users', token: 'NextToken' },
  ListGroups: { items: 'Groups', token: 'NextToken' },
  AdminListGroupsForUser: { items: 'Groups', token: 'NextToken' },
} as const;

export type PagedOperation = keyof typeof pagedOperations;

export function isPagedOperation(operation: string): operation is PagedOperation {
  return Object.hasOwn(pagedOperations, operation);
}

export interface CognitoReply {
  readonly status: 200 | 400;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface CognitoPagerOptions {
  /** How long a page token stays usable. */
  readonly tokenTtlMs: number;
  readonly now: () => number;
  readonly newToken: () => string;
}

interface ChainPosition {
  /** The operation and every request field except Limit and the token: a token only continues its own listing. */
  readonly chain: string;
  readonly listing: Readonly<Record<string, unknown>>;
  readonly items: readonly unknown[];
  readonly offset: number;
  readonly expiresAt: number;
}

/** QueryLimitType in the Cognito API model: 0 to 60. */
const maxLimit = 60;

/**
 * Cuts a complete listing into the pages AWS would return. The full listing is taken once per
 * pagination chain (the first request, without a token) and kept in memory, so a chain never
 * sees duplicates even when the data changes meanwhile, as AWS promises for one chain.
 */
export class CognitoPager {
  private readonly positions = new Map<string, ChainPosition>();

  constructor(private readonly options: CognitoPagerOptions) {}

  async page(
    operation: PagedOperation,
    request: Readonly<Record<string, unknown>>,
    listAll: () => Promise<Readonly<Record<string, unknown>>>,
  ): Promise<CognitoReply> {
    this.forgetExpired();
    const names = pagedOperations[operation];
    const limit = pageSize(request.Limit);
    if (typeof limit === 'string') return invalidParameter(limit);
    const token = request[names.token];
    const chain = `${operation} ${canonicalize(without(request, ['Limit', names.token]))}`;

    let start: Omit<ChainPosition, 'expiresAt'>;
    if (token === undefined) {
      const listing = await listAll();
      const items = listing[names.items];
      start = { chain, listing, items: Array.isArray(items) ? items : [], offset: 0 };
    } else {
      const position = typeof token === 'string' ? this.positions.get(token) : undefined;
      if (position === undefined || position.chain !== chain) {
        return invalidParameter(`${names.token} is not valid for this request or has expired`);
      }
      start = position;
    }

    const end = start.offset + limit;
    const body = { ...without(start.listing, [names.token]), [names.items]: start.items.slice(start.offset, end) };
    if (end < start.items.length) {
      const next = this.options.newToken();
      this.positions.set(next, { ...start, offset: end, expiresAt: this.options.now() + this.options.tokenTtlMs });
      body[names.token] = next;
    }
    return { status: 200, body };
  }

  private forgetExpired(): void {
    const now = this.options.now();
    for (const [token, position] of this.positions) {
      if (position.expiresAt <= now) this.positions.delete(token);
    }
  }
}

/** The page size, or AWS's validation message for a Limit outside 0..60; 0 or no Limit means the maximum. */
function pageSize(limit: unknown): number | string {
  if (limit === undefined || limit === null) return maxLimit;
  const problem =
    typeof limit !== 'number' || !Number.isInteger(limit)
      ? 'Member must be an integer'
      : limit < 0
        ? 'Member must have value greater than or equal to 0'
        : limit > maxLimit
          ? `Member must have value less than or equal to ${maxLimit}`
          : undefined;
  if (problem === undefined) return (limit as number) === 0 ? maxLimit : (limit as number);
  return `1 validation error detected: Value '${String(limit)}' at 'limit' failed to satisfy constraint: ${problem}`;
}

function without(record: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !keys.includes(key)));
}

function invalidParameter(message: string): CognitoReply {
  return { status: 400, body: { __type: 'InvalidParameterException', message } };
}

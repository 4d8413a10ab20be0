import { randomUUID } from 'node:crypto';
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
} from 'node:http';
import { CognitoPager, isPagedOperation, type CognitoReply } from './cognito-pager.js';

/**
 * Why this exists: cognito-local ignores `Limit` and never returns a pagination token
 * (jagregory/cognito-local README, "ListUsers" footnote; verified against 5.3.0), so paging code,
 * resumable exports and request counts could not be exercised locally. This proxy sits in front of
 * cognito-local and forwards every request unchanged, except the four paged list operations, which
 * it answers in AWS-shaped pages cut from one full listing per pagination chain. Written on
 * node:http because it is a byte-for-byte forwarder plus one JSON rewrite; a proxy framework would
 * add more than it saves.
 */
export function cognitoPageShim(upstream: URL, pager = defaultPager()): Server {
  const agent = new Agent({ keepAlive: true });
  return createServer((request, response) => {
    void answer(request).then(
      (reply) => {
        response.writeHead(reply.status, reply.headers);
        response.end(reply.body);
      },
      (error: unknown) => {
        response.writeHead(502, { 'content-type': 'text/plain' });
        response.end(
          `cognito-local at ${upstream.origin} did not answer: ${error instanceof Error ? error.message : String(error)}\n`,
        );
      },
    );
  });

  async function answer(request: IncomingMessage): Promise<RawReply> {
    const body = Buffer.concat(await request.toArray());
    const operation =
      String(request.headers['x-amz-target'] ?? '')
        .split('.')
        .at(-1) ?? '';
    const parsed = request.method === 'POST' && isPagedOperation(operation) ? jsonObject(body) : undefined;
    if (!isPagedOperation(operation) || parsed === undefined) return forward(request, body);

    try {
      return awsReply(
        await pager.page(operation, parsed, async () => {
          const listing = await forward(request, body);
          const object = listing.status === 200 ? jsonObject(listing.body) : undefined;
          if (object === undefined) throw new UpstreamRefusal(listing);
          return object;
        }),
      );
    } catch (error) {
      // cognito-local's own error (unknown pool, bad filter) goes back to the client as it was.
      if (error instanceof UpstreamRefusal) return error.reply;
      throw error;
    }
  }

  function forward(request: IncomingMessage, body: Buffer): Promise<RawReply> {
    return new Promise((resolve, reject) => {
      const outgoing = httpRequest(
        upstream,
        {
          agent,
          method: request.method,
          path: request.url,
          headers: { ...request.headers, host: upstream.host },
        },
        (incoming) => {
          incoming
            .toArray()
            .then((chunks) =>
              resolve({ status: incoming.statusCode ?? 502, headers: incoming.headers, body: Buffer.concat(chunks) }),
            )
            .catch(reject);
        },
      );
      outgoing.once('error', reject);
      outgoing.end(body);
    });
  }
}

interface RawReply {
  readonly status: number;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer;
}

class UpstreamRefusal extends Error {
  constructor(readonly reply: RawReply) {
    super(`cognito-local answered the listing with HTTP ${reply.status}`);
  }
}

function defaultPager(): CognitoPager {
  return new CognitoPager({ tokenTtlMs: 5 * 60_000, now: Date.now, newToken: randomUUID });
}

function awsReply(reply: CognitoReply): RawReply {
  return {
    status: reply.status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() },
    body: Buffer.from(JSON.stringify(reply.body)),
  };
}

function jsonObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8') || '{}');
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the proxy does with one request Keycloak's provider sends to the bridge. */
export type ProxyAction =
  | { readonly kind: 'forward'; readonly delayMs?: number }
  /** The connection is cut: the provider sees a transport error. */
  | { readonly kind: 'drop' }
  | { readonly kind: 'answer'; readonly status: number; readonly body: string };

/**
 * Sits between Keycloak's password-migration provider and the bridge so that a test can count the
 * provider's calls, play an outage, delay the bridge's answers or lose its confirmations: faults
 * of the network between the two that neither real component can be asked to produce.
 */
export class BridgeProxy {
  private server: Server | undefined;
  private address = '';

  /**
   * @param bridgeUrl the running bridge's address, or undefined while none runs (then requests are dropped)
   * @param decide what to do with a request, given its path and body; by default it is forwarded
   */
  constructor(
    private readonly bridgeUrl: () => string | undefined,
    private readonly decide: (path: string, body: Buffer) => ProxyAction = () => ({ kind: 'forward' }),
  ) {}

  /** The address to give the provider as the bridge's. */
  get url(): string {
    if (!this.address) throw new Error('the bridge proxy is not started');
    return this.address;
  }

  async start(): Promise<void> {
    this.server = createServer((incoming, outgoing) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        const body = Buffer.concat(chunks);
        const path = incoming.url ?? '/';
        const bridge = this.bridgeUrl();
        const action: ProxyAction = bridge ? this.decide(path, body) : { kind: 'drop' };
        if (action.kind === 'drop') {
          outgoing.destroy();
          return;
        }
        if (action.kind === 'answer') {
          outgoing.writeHead(action.status, { 'content-type': 'application/json' });
          outgoing.end(action.body);
          return;
        }
        const forwarded = httpRequest(
          `${bridge}${path}`,
          { method: incoming.method, headers: incoming.headers },
          (answer: IncomingMessage) => {
            const answered: Buffer[] = [];
            answer.on('data', (chunk: Buffer) => answered.push(chunk));
            answer.on('end', () => {
              // The bridge has answered (and done whatever it does on an answer) before the delay starts.
              setTimeout(() => {
                if (outgoing.destroyed) return;
                outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
                outgoing.end(Buffer.concat(answered));
              }, action.delayMs ?? 0);
            });
          },
        );
        forwarded.on('error', () => outgoing.destroy());
        forwarded.end(body);
      });
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server) await new Promise((resolve) => server.close(resolve));
  }
}

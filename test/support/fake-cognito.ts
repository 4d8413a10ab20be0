import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake answers for one user: Cognito's documented success, challenge or error shapes. */
export type FakeAnswer =
  | { readonly tokens: true }
  | { readonly challenge: string; readonly parameters?: Record<string, string> }
  | { readonly status: number; readonly type: string; readonly message: string }
  | { readonly delayMs: number };

export interface RecordedAuth {
  readonly username: string;
  readonly secretHash: string | undefined;
  readonly ipAddress: string | undefined;
  readonly headers: readonly { headerName: string; headerValue: string }[];
}

/**
 * A stand-in for the Cognito API that answers AdminInitiateAuth with what AWS documents and
 * cognito-local cannot produce (challenges, lockout, throttling, disabled users, faults): AWS's
 * JSON 1.1 protocol, errors as `{"__type", "message"}` with `x-amzn-errortype`, which the SDK
 * turns into its typed exceptions. `answers` is per Cognito username; a password other than the
 * user's `password` gets "Incorrect username or password.".
 */
export class FakeCognito {
  readonly calls: RecordedAuth[] = [];
  private server: Server | undefined;

  constructor(
    private readonly password: string,
    private readonly answers: ReadonlyMap<string, FakeAnswer>,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void readJson(request).then(async (body) => {
        const auth = (body.AuthParameters ?? {}) as Record<string, string>;
        const context = body.ContextData as
          { IpAddress?: string; HttpHeaders?: { headerName: string; headerValue: string }[] } | undefined;
        const username = auth.USERNAME ?? '';
        this.calls.push({
          username,
          secretHash: auth.SECRET_HASH,
          ipAddress: context?.IpAddress,
          headers: context?.HttpHeaders ?? [],
        });
        const answer = this.answers.get(username);
        const send = (status: number, payload: unknown, type?: string) => {
          response.writeHead(status, {
            'content-type': 'application/x-amz-json-1.1',
            ...(type ? { 'x-amzn-errortype': type } : {}),
          });
          response.end(JSON.stringify(payload));
        };
        if (answer && 'delayMs' in answer) {
          await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
          send(200, tokens());
          return;
        }
        if (answer && 'status' in answer) {
          send(answer.status, { __type: answer.type, message: answer.message }, answer.type);
          return;
        }
        if (auth.PASSWORD !== this.password) {
          send(
            400,
            { __type: 'NotAuthorizedException', message: 'Incorrect username or password.' },
            'NotAuthorizedException',
          );
          return;
        }
        if (answer && 'challenge' in answer) {
          send(200, {
            ChallengeName: answer.challenge,
            Session: 'fake-session',
            ChallengeParameters: answer.parameters ?? {},
          });
          return;
        }
        send(200, tokens());
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function tokens(): unknown {
  return {
    AuthenticationResult: {
      AccessToken: 'fake.access.token',
      IdToken: 'fake.id.token',
      RefreshToken: 'fake-refresh',
      ExpiresIn: 3600,
      TokenType: 'Bearer',
    },
    ChallengeParameters: {},
  };
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
}

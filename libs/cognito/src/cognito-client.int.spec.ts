import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import { cognitoConfig } from '#config';
import { CognitoPoolReader, createCognitoClient } from './index.js';

/**
 * cognito-local never throttles (reference: cognito-local gaps), so AWS's documented throttling
 * answer is served by a stand-in: HTTP 400 with `{"__type":"TooManyRequestsException"}`, as the
 * Cognito API reference lists for every operation.
 */
describe('Cognito client under throttling', () => {
  let server: Server;
  let endpoint: string;
  let listUsersRequests = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const target = String(request.headers['x-amz-target'] ?? '');
      request.resume();
      request.on('end', () => {
        response.setHeader('content-type', 'application/x-amz-json-1.1');
        if (target.endsWith('.ListUsers') && ++listUsersRequests <= 2) {
          response.statusCode = 400;
          response.end(JSON.stringify({ __type: 'TooManyRequestsException', message: 'Too many requests' }));
          return;
        }
        response.end(
          JSON.stringify({
            Users: [
              { Username: 'ana', Attributes: [{ Name: 'sub', Value: 's-1' }], Enabled: true, UserStatus: 'CONFIRMED' },
            ],
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('retries TooManyRequestsException with backoff and counts every attempt', async () => {
    const cognito = createCognitoClient({ ...cognitoConfig({}), endpoint, maxAttempts: 4 }, { paced: true });
    const reader = new CognitoPoolReader(cognito, 'us-east-1_Throttled');
    const pages = [];
    for await (const page of reader.userPages()) pages.push(page);
    assert.deepEqual(
      pages.map((page) => page.map((user) => user.Username)),
      [['ana']],
    );
    assert.equal(cognito.calls.ListUsers, 3, 'two throttled attempts and the one that succeeded');
  });

  it('gives up after the configured attempts with the throttling error, not a wrong answer', async () => {
    listUsersRequests = -10;
    const cognito = createCognitoClient({ ...cognitoConfig({}), endpoint, maxAttempts: 2 }, { paced: false });
    const reader = new CognitoPoolReader(cognito, 'us-east-1_Throttled');
    await assert.rejects(
      async () => {
        for await (const page of reader.userPages()) assert.fail(`no page expected, got ${page.length} users`);
      },
      { name: 'TooManyRequestsException' },
    );
    assert.equal(cognito.calls.ListUsers, 2);
  });
});

import { createServer } from 'node:net';
import { StackError } from './stack-error.js';

/** True when nothing listens on 127.0.0.1:port (a wildcard or IPv4-mapped listener counts as listening). */
export function loopbackPortFree(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'EADDRINUSE' || error.code === 'EACCES' ? resolve(false) : reject(error),
    );
    probe.listen({ port, host: '127.0.0.1', exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** Fails with one clear line when another program holds a port the stack is about to listen on. */
export async function assertLoopbackPortFree(component: string, port: number, variable: string): Promise<void> {
  if (!(await loopbackPortFree(port))) {
    throw new StackError(
      component,
      `port ${port} on 127.0.0.1 is used by another program; stop it or choose another port with ${variable}`,
    );
  }
}

/**
 * Ports nothing listens on now, all different, chosen by the kernel (listen on port 0). Tests take
 * their ports from here rather than hard-coding them: a fixed number in the ephemeral range
 * (32768–60999 on Linux) may at any moment be the local end of some outgoing connection.
 */
export async function freeLoopbackPorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => createServer());
  // All held open at once, so that the kernel cannot hand out the same port twice.
  const ports = await Promise.all(
    servers.map(
      (server) =>
        new Promise<number>((resolve, reject) => {
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
        }),
    ),
  );
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

export async function freeLoopbackPort(): Promise<number> {
  return (await freeLoopbackPorts(1))[0]!;
}

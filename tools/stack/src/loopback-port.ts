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

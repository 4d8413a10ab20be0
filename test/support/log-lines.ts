import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

/** A debug logger whose JSON lines land in `lines`, for tests that assert what a component logged. */
export function capturingLogger(lines: string[]): Logger {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return pino({ level: 'debug' }, sink);
}

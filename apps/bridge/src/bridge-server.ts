import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import { BridgeExceptionFilter } from './bridge-exception.filter.js';
import { BridgeHttpModule } from './bridge-http.module.js';
import type { PasswordBridge } from './password-bridge.js';

export interface ServeOptions {
  readonly host: string;
  /** 0: any free port (tests, benchmarks). */
  readonly port: number;
  readonly sharedSecret: string;
  readonly logger: Logger;
}

export interface ServedBridge {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the bridge's HTTP contracts. Nest's own logger stays off: it would log request errors verbatim. */
export async function serveBridge(bridge: PasswordBridge, options: ServeOptions): Promise<ServedBridge> {
  const app = await NestFactory.create(BridgeHttpModule.register(bridge, options.sharedSecret), {
    logger: false,
    // Nest would otherwise end the process on a wiring error, silently with its logger off.
    abortOnError: false,
  });
  app.useGlobalFilters(new BridgeExceptionFilter(options.logger));
  await app.listen(options.port, options.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { url: `http://${options.host}:${port}`, close: () => app.close() };
}

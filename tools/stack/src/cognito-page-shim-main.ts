import { parseArgs } from 'node:util';
import { cognitoPageShim } from './cognito-page-shim.js';

// Entry point of the page-size shim process: `node cognito-page-shim-main.js --port 19229 --upstream http://127.0.0.1:19230`.
const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string' },
    upstream: { type: 'string' },
  },
});
const port = Number(values.port);
if (
  !Number.isInteger(port) ||
  port < 1 ||
  port > 65535 ||
  values.upstream === undefined ||
  !URL.canParse(values.upstream)
) {
  process.stderr.write(
    'usage: cognito-page-shim-main.js --port <port> --upstream <cognito-local URL> [--host <address>]\n',
  );
  process.exit(2);
}
const server = cognitoPageShim(new URL(values.upstream));
server.listen(port, values.host, () => {
  process.stdout.write(`Cognito page-size shim on http://${values.host}:${port} -> ${values.upstream}\n`);
});

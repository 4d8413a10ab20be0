/**
 * Runs FakeCognito as a process of its own, for the benchmark: FAKE_COGNITO_PASSWORD is the one
 * accepted password; prints the endpoint URL on stdout and serves until SIGTERM.
 */
import { FakeCognito } from './fake-cognito.js';

const fake = new FakeCognito(process.env.FAKE_COGNITO_PASSWORD ?? '', new Map());
const url = await fake.start();
process.stdout.write(`${url}\n`);
process.once('SIGTERM', () => void fake.stop().then(() => process.exit(0)));

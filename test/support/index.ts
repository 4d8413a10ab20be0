export { launchChromium, withPage } from './chromium.js';
export { eventually } from './eventually.js';
export { distinctFacts, userFacts } from './ledger-facts.js';
export { watcherPass } from './watcher-pass.js';
export { createBridgePool, createPoolUser } from './bridge-pool.js';
export { importFromLedger } from './import-from-ledger.js';
export {
  DeciderSpecification,
  type EventSourcedDecider,
  type StateDecider,
  type Then,
  type When,
} from './decider-specification.js';
export { generatedLedger, type GeneratedLedger, type GeneratedUser } from './generated-ledger.js';

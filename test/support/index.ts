export { launchChromium, withPage } from './chromium.js';
export { eventually } from './eventually.js';
export { distinctFacts, exportedSubOf, userFacts } from './ledger-facts.js';
export { watcherPass } from './watcher-pass.js';
export { createBridgePool, createPoolUser, signUpUnconfirmed } from './bridge-pool.js';
export { BridgeProxy, type ProxyAction } from './bridge-proxy.js';
export { capturingLogger } from './log-lines.js';
export { recordShapedExports } from './shaped-exports.js';
export { startPoolBridge } from './pool-bridge.js';
export { importFromLedger } from './import-from-ledger.js';
export {
  DeciderSpecification,
  type EventSourcedDecider,
  type StateDecider,
  type Then,
  type When,
} from './decider-specification.js';
export { generatedLedger, type GeneratedLedger, type GeneratedUser } from './generated-ledger.js';

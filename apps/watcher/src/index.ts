export {
  WatcherModule,
  watcherSections,
  watcherSettingsOf,
  type WatcherRuntimeConfig,
  type WatcherSettings,
} from './watcher.module.js';
export {
  TargetWatch,
  WATCHER_SOURCE,
  type WatchOptions,
  type WatchReport,
  type WatchSettings,
} from './target-watch.js';
export { WatcherBusyError } from './watcher-busy-error.js';
export {
  rehearseUserJourneys,
  type RehearsalOptions,
  type RehearsalReport,
} from './journeys/user-journey-rehearsal.js';
export { JourneyRealms, linkByEmailFlow, type ProviderAccount } from './journeys/journey-realms.js';
export {
  enrolTotp,
  openLogin,
  completeTotpSetup,
  signInThroughProvider,
  type JourneyClient,
  type TotpEnrolment,
} from './journeys/user-journeys.js';
export { LoginSession, type Landing } from './journeys/login-session.js';

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
export { readWatchList } from './read-watch-list.js';
export { federationPending, mfaPending, passwordPending, type WatchedUser } from './watch-list.js';

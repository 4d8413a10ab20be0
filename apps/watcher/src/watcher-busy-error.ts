/** Another watcher already follows this realm: two would read the same events. */
export class WatcherBusyError extends Error {
  constructor(readonly source: string) {
    super(`another watcher is following ${source} (PostgreSQL advisory lock held); stop it first`);
    this.name = 'WatcherBusyError';
  }
}

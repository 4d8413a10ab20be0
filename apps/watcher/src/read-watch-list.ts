import type { Ledger, ScanPosition } from '#ledger';
import { WatchList, watchListTypes } from './watch-list.js';

/**
 * The ledger's user topic folded into a WatchList, kept up to date by reading only what came since
 * the last read: a watcher that follows a realm for weeks does not re-read the whole ledger at each
 * poll. Only the types that matter are decoded (the type is a record header). Folding a fact twice
 * changes nothing, so facts the watcher adds itself may be read back later.
 */
export class LedgerWatchList {
  readonly list: WatchList;
  private position: ScanPosition | undefined;

  constructor(
    private readonly ledger: Ledger,
    realm: string,
    providerAliases: Readonly<Record<string, string>>,
  ) {
    this.list = new WatchList(realm, providerAliases);
  }

  /** Folds in every user fact recorded since the last call (all of them on the first). */
  async catchUp(): Promise<WatchList> {
    // An invalid record is the consumers' dead-letter business; it proves nothing here, and the
    // scan names it in a warning and goes on.
    this.position = await this.ledger.scanEvents(
      [this.ledger.topics.userEvents],
      watchListTypes,
      (event) => this.list.add(event),
      this.position,
    );
    return this.list;
  }
}

export function readWatchList(
  ledger: Ledger,
  realm: string,
  providerAliases: Readonly<Record<string, string>>,
): Promise<WatchList> {
  return new LedgerWatchList(ledger, realm, providerAliases).catchUp();
}

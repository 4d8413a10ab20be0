import { decodeRecord, type Ledger } from '#ledger';
import { WatchList, watchListTypes } from './watch-list.js';

/**
 * Folds the ledger's user topic from the start into a WatchList. Only the types that matter are
 * decoded (the type is a record header), so a large export costs little more than the read.
 */
export async function readWatchList(
  ledger: Ledger,
  realm: string,
  providerAliases: Readonly<Record<string, string>>,
): Promise<WatchList> {
  const watchList = new WatchList(realm, providerAliases);
  await ledger.scan([ledger.topics.userEvents], (record) => {
    const type = record.headers.ce_type;
    if (type === undefined || !watchListTypes.has(type)) return;
    try {
      watchList.add(decodeRecord(record));
    } catch {
      // An invalid record is the consumers' dead-letter business; it proves nothing here.
    }
  });
  return watchList;
}

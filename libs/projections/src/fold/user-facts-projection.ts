import {
  evolveUserMigration,
  initialUserMigration,
  summarizeUserMigration,
  type UserFact,
  type UserMigrationState,
} from '#domain';
import type { HistoryRow, TranslationRow } from '../projection/projection-store.js';
import { userRowOf, type MigrationUserRow } from '../projection/migration-user-row.js';
import { addCounterContribution, addDailyContribution, type Tally } from '../projection/progress-contributions.js';
import { addCohortContribution } from '../projection/cohort-contributions.js';
import { addCriteriaContribution } from '../projection/criteria-contributions.js';
import { addResetPipelineContribution } from '../projection/reset-pipeline-contributions.js';
import type { FoldedFact } from './folded-fact.js';

/** What one batch of user facts changes, ready to be written in one transaction. */
export interface UserFactsProjection<F extends FoldedFact = FoldedFact> {
  readonly users: MigrationUserRow[];
  readonly translations: TranslationRow[];
  readonly history: HistoryRow[];
  readonly counters: Tally;
  readonly daily: Tally;
  /** The done criteria's per-day counts (`criteria_daily`). */
  readonly criteriaDays: Tally;
  /** Facts the domain refused (e.g. a conflicting import), with the reason: for the dead-letter topic. */
  readonly rejected: { readonly consumed: F; readonly reason: string }[];
}

/**
 * Folds a batch of facts into the stored states of their users (pure: the caller loads and
 * writes). Each user's counter contribution is replaced, not incremented, so applying a fact
 * that is already in the state changes no number.
 */
export function projectUserFacts<F extends FoldedFact>(
  stored: ReadonlyMap<string, UserMigrationState>,
  /** Only events for which `isUserFact` holds. */
  facts: readonly F[],
): UserFactsProjection<F> {
  const current = new Map<string, UserMigrationState>();
  const history: HistoryRow[] = [];
  const rejected: UserFactsProjection<F>['rejected'] = [];
  for (const consumed of facts) {
    const { record } = consumed;
    const event = consumed.event as UserFact;
    const before = current.get(event.subject) ?? stored.get(event.subject) ?? initialUserMigration(event.subject);
    try {
      current.set(event.subject, evolveUserMigration(before, event));
    } catch (error) {
      rejected.push({ consumed, reason: error instanceof Error ? error.message : String(error) });
      continue;
    }
    history.push({
      eventId: event.id,
      contentHash: event.contenthash,
      sub: event.subject,
      type: event.type,
      time: event.time,
      source: event.source,
      correlationId: event.correlationid,
      topic: record.topic,
      partition: record.partition,
      offset: record.offset,
      data: event.data,
    });
  }

  const users: MigrationUserRow[] = [];
  const translations: TranslationRow[] = [];
  const counters: Tally = new Map();
  const daily: Tally = new Map();
  const criteriaDays: Tally = new Map();
  const contribute = (state: UserMigrationState, sign: 1 | -1) => {
    const summary = summarizeUserMigration(state);
    const row = userRowOf(state, summary);
    addCounterContribution(counters, summary, sign);
    addDailyContribution(daily, state, summary, sign);
    addCohortContribution(counters, row, sign);
    addCriteriaContribution(counters, criteriaDays, row, sign);
    addResetPipelineContribution(counters, criteriaDays, row, sign);
    return row;
  };
  for (const [sub, state] of current) {
    const previous = stored.get(sub);
    if (previous) contribute(previous, -1);
    users.push(contribute(state, 1));
    for (const imported of Object.values(state.imports)) {
      const known = previous?.imports[imported.target];
      if (known && known.targetUserId === imported.targetUserId && known.at === imported.at) continue;
      translations.push({
        cognitoSub: sub,
        target: imported.target,
        targetUserId: imported.targetUserId,
        importedAt: imported.at,
      });
    }
  }
  return { users, translations, history, counters, daily, criteriaDays, rejected };
}

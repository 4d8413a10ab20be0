import { ProjectionTables1764400000000 } from './1764400000000-projection-tables.js';
import { AnalystViews1764400000001 } from './1764400000001-analyst-views.js';
import { ProjectionOffsetOrigin1764400000002 } from './1764400000002-projection-offset-origin.js';
import { ImportRequiredActions1764480000000 } from './1764480000000-import-required-actions.js';
import { TargetDisagreements1764490000000 } from './1764490000000-target-disagreements.js';
import { BridgeTraffic1764510000000 } from './1764510000000-bridge-traffic.js';
import { CutoverChanges1764520000000 } from './1764520000000-cutover-changes.js';
import { ResetSkipsAndDeadLetters1764530000000 } from './1764530000000-reset-skips-and-dead-letters.js';
import { DashboardCounters1764530000001 } from './1764530000001-dashboard-counters.js';
import { LongTailCounters1764530000002 } from './1764530000002-long-tail-counters.js';

/** In order; TypeORM applies the ones its `migrations` table in the schema does not list yet. */
export const projectionMigrations = [
  ProjectionTables1764400000000,
  AnalystViews1764400000001,
  ProjectionOffsetOrigin1764400000002,
  ImportRequiredActions1764480000000,
  TargetDisagreements1764490000000,
  BridgeTraffic1764510000000,
  CutoverChanges1764520000000,
  ResetSkipsAndDeadLetters1764530000000,
  DashboardCounters1764530000001,
  LongTailCounters1764530000002,
];

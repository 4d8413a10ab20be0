import { BridgeTrafficObservation } from './bridge-traffic-observation.entity.js';
import { CriteriaDaily } from './criteria-daily.entity.js';
import { CutoverChange } from './cutover-change.entity.js';
import { DailyProgress } from './daily-progress.entity.js';
import { DeadLetter } from './dead-letter.entity.js';
import { ExportRun } from './export-run.entity.js';
import { IdTranslation } from './id-translation.entity.js';
import { MigrationUser } from './migration-user.entity.js';
import { ProgressCounter } from './progress-counter.entity.js';
import { ProjectionOffset } from './projection-offset.entity.js';
import { ResetSkip } from './reset-skip.entity.js';
import { UserEvent } from './user-event.entity.js';

export {
  BridgeTrafficObservation,
  CriteriaDaily,
  CutoverChange,
  DailyProgress,
  DeadLetter,
  ExportRun,
  IdTranslation,
  MigrationUser,
  ProgressCounter,
  ProjectionOffset,
  ResetSkip,
  UserEvent,
};

export const projectionEntities = [
  MigrationUser,
  IdTranslation,
  ProgressCounter,
  DailyProgress,
  ProjectionOffset,
  UserEvent,
  ExportRun,
  BridgeTrafficObservation,
  CutoverChange,
  ResetSkip,
  DeadLetter,
  CriteriaDaily,
];

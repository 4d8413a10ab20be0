import { eventCatalog, type LedgerEvent } from '#events';

/** The events that are facts about one user (topic `user-events`, keyed and ordered by `sub`). */
export type UserFact = Extract<
  LedgerEvent,
  {
    type:
      | 'UserExported'
      | 'UserImported'
      | 'UserImportRevised'
      | 'UserImportFailed'
      | 'PasswordMigrated'
      | 'MfaReenrolled'
      | 'FederationRebound'
      | 'ResetSent'
      | 'TargetDisagreementFound'
      | 'TargetDisagreementResolved'
      | 'UserDeletedInSource'
      | 'UserUpdatedInTarget'
      | 'SourceChangeRejected'
      | 'UserRegisteredInTarget';
  }
>;

export function isUserFact(event: LedgerEvent): event is UserFact {
  return eventCatalog[event.type].stream === 'user';
}

import { opaqueCursor, openedCursor } from './opaque-cursor.js';

/** The keyset cursor of a user list (`opaqueCursor` of `{"sub":…}`). */
export function userListCursor(sub: string): string {
  return opaqueCursor({ sub });
}

/** The `sub` a cursor continues after, or null when it is not a cursor of `userListCursor`. */
export function userListCursorSub(cursor: string): string | null {
  const fields = openedCursor(cursor, ['sub'], 1024);
  return fields === null || fields.sub.length === 0 ? null : fields.sub;
}

/**
 * The keyset cursor of a user list: opaque to clients (base64url of `{"sub":…}`), so that a page
 * can only continue from a cursor the API handed out and a hand-made or truncated one is refused
 * by name instead of silently listing from the wrong place.
 */
export function userListCursor(sub: string): string {
  return Buffer.from(JSON.stringify({ sub }), 'utf8').toString('base64url');
}

/** The `sub` a cursor continues after, or null when it is not a cursor of `userListCursor`. */
export function userListCursorSub(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(cursor)) return null;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) return null;
  const { sub, ...rest } = decoded as Record<string, unknown>;
  if (typeof sub !== 'string' || sub.length === 0 || Object.keys(rest).length > 0) return null;
  // A cursor is only valid in the one spelling this function would have produced.
  if (userListCursor(sub) !== cursor || /\p{Cc}/u.test(sub)) return null;
  return sub;
}

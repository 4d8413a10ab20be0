/**
 * A keyset cursor as the API hands it out: base64url of a small JSON object of string fields,
 * opaque to clients, so that a page can only continue from a cursor the API made and a hand-made
 * or truncated one is refused by name instead of silently listing from the wrong place.
 */
export function opaqueCursor(fields: Readonly<Record<string, string>>): string {
  return Buffer.from(JSON.stringify(fields), 'utf8').toString('base64url');
}

/**
 * The fields of a cursor `opaqueCursor` made with exactly these `names` (in this order), or null:
 * not base64url, not such an object, a field missing, extra or not a string, a control character,
 * or any spelling but the one `opaqueCursor` produces.
 */
export function openedCursor<Name extends string>(
  cursor: string,
  names: readonly Name[],
  maxLength: number,
): Record<Name, string> | null {
  if (cursor.length > maxLength || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) return null;
  const record = decoded as Record<string, unknown>;
  if (Object.keys(record).length !== names.length) return null;
  const fields = {} as Record<Name, string>;
  for (const name of names) {
    const value = record[name];
    if (typeof value !== 'string' || /\p{Cc}/u.test(value)) return null;
    fields[name] = value;
  }
  return opaqueCursor(fields) === cursor ? fields : null;
}

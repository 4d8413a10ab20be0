import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * SHA-256 over the RFC 8785 (JCS) canonical JSON of an event's data: independent of key order and
 * number formatting, so any consumer in any language can recompute it and detect an altered event.
 */
export function contentHash(data: unknown): string {
  const canonical = canonicalize(data);
  if (canonical === undefined) throw new TypeError('event data cannot be canonicalised');
  return `sha256:${createHash('sha256').update(canonical).digest('hex')}`;
}

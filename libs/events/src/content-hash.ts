import { hash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** RFC 8785 (JCS) canonical JSON: the bytes the content hash is taken over. */
export function canonicalJson(data: unknown): string {
  const canonical = canonicalize(data);
  if (canonical === undefined) throw new TypeError('event data cannot be canonicalised');
  return canonical;
}

/**
 * SHA-256 over the RFC 8785 (JCS) canonical JSON of an event's data: independent of key order and
 * number formatting, so any consumer in any language can recompute it and detect an altered event.
 */
export function contentHash(data: unknown): string {
  return hashOfCanonical(canonicalJson(data));
}

/**
 * The content hash of data already in canonical form. One-shot `crypto.hash`: every record a reader
 * checks is hashed, and a Hash object per record cost more than the hashing.
 */
export function hashOfCanonical(canonical: string | Uint8Array): string {
  return `sha256:${hash('sha256', canonical, 'hex')}`;
}

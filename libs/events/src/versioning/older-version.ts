import type { z } from 'zod';

/**
 * One version of an event type's data that the ledger holds but no longer writes: the schema its
 * writers wrote, and the upcaster, a pure function from this version's data to the next version's.
 * A reader chains the upcasters (v1 -> v2 -> ... -> current), so each one only ever knows two
 * shapes, as in Emmett's upcasting (https://github.com/event-driven-io/emmett, versioning/upcasting.ts).
 *
 * An upcaster must keep the fact what it was: the same subject and the same fact key (the reader
 * checks the stored id against the upcast data), and no clock, no I/O, no lookup.
 */
export interface OlderVersion<S extends z.ZodType = z.ZodType, Next = unknown> {
  readonly version: number;
  readonly schema: S;
  // Method syntax on purpose: a step typed for its own shapes still fits the catalog's list of steps.
  upcast(data: z.infer<S>): Next;
}

/** Declares an older version; `Next` is the data type of the version after it. */
export function olderVersion<S extends z.ZodType, Next>(version: OlderVersion<S, Next>): OlderVersion<S, Next> {
  return version;
}

import assert from 'node:assert/strict';

/*
 * Given/when/then for deciders, after Emmett's DeciderSpecification (event-driven-io/emmett):
 * given the past, when a command, then the decision (or the error). Pure code needs no mocks and
 * no setup: the past is either a list of events folded by the decider's `evolve`, or, for a
 * decider that reads a plain state (what the target holds, a pass so far), that state as is.
 *
 * This file imports nothing but node:assert, so that unit tests stay fast: import it directly
 * (`test/support/decider-specification.js`), not through the support index, which loads the
 * stack's clients.
 */

/** A decider over a plain state: `decide(command, state)`. */
export interface StateDecider<State, Command, Decision> {
  readonly decide: (command: Command, state: State) => Decision;
}

/** An event-sourced decider: the state is the fold of past events from `initialState`. */
export interface EventSourcedDecider<State, Command, Decision, Event> extends StateDecider<State, Command, Decision> {
  readonly evolve: (state: State, event: Event) => State;
  readonly initialState: () => State;
}

export interface Then<Decision> {
  /** The decision equals `expected` (deep, strict), or `expected` asserts on it. */
  then(expected: Decision | ((decision: Decision) => void)): void;
  /** Deciding throws; `expected` as in `assert.throws` (an error class, a RegExp, an object or a validator). */
  thenThrows(expected?: assert.AssertPredicate): void;
}

export interface When<Command, Decision> {
  when(command: Command): Then<Decision>;
}

function whenOn<State, Command, Decision>(
  decide: (command: Command, state: State) => Decision,
  state: () => State,
): When<Command, Decision> {
  return {
    when: (command) => ({
      then: (expected) => {
        const decision = decide(command, state());
        if (typeof expected === 'function') (expected as (decision: Decision) => void)(decision);
        else assert.deepStrictEqual(decision, expected);
      },
      thenThrows: (expected) => {
        if (expected === undefined) assert.throws(() => decide(command, state()));
        else assert.throws(() => decide(command, state()), expected);
      },
    }),
  };
}

export const DeciderSpecification = {
  /**
   * `const given = DeciderSpecification.for(decider)`, then
   * `given(state).when(command).then(decision)`; for an event-sourced decider,
   * `given(event1, event2).when(command).then(decision)` (or `given()` for no past).
   */
  for: forDecider,
};

function forDecider<State, Command, Decision, Event>(
  decider: EventSourcedDecider<State, Command, Decision, Event>,
): (...events: Event[]) => When<Command, Decision>;
function forDecider<State, Command, Decision>(
  decider: StateDecider<State, Command, Decision>,
): (state: State) => When<Command, Decision>;
function forDecider<State, Command, Decision, Event>(
  decider: StateDecider<State, Command, Decision> | EventSourcedDecider<State, Command, Decision, Event>,
): (...past: unknown[]) => When<Command, Decision> {
  if ('evolve' in decider) {
    return (...events) =>
      whenOn(decider.decide, () => (events as Event[]).reduce(decider.evolve, decider.initialState()));
  }
  return (state) => whenOn(decider.decide, () => state as State);
}

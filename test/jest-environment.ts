import { TestEnvironment } from 'jest-environment-node';

/**
 * jest's node environment, with the two seams between realms closed that the suite runs into.
 * jest runs each spec in a vm context of its own: what the spec's code builds (`{}`, `[]`,
 * `new Error()`) has that context's prototypes, while what Node's core builds (errors thrown by
 * `fetch` or `spawn`, bodies read by `fetch`) has the main context's. Under plain Node both are one:
 * - `error instanceof Error` (and TypeError, …) holds for Node's errors too, as the product's error
 *   handling expects (a refused connection during a Keycloak restart is "unavailable", not a bug);
 * - `response.json()` parses in the spec's context, so node:assert's deepStrictEqual, which
 *   compares prototypes, can find a served body equal to a literal.
 */
export default class LedgerTestEnvironment extends TestEnvironment {
  constructor(...args: ConstructorParameters<typeof TestEnvironment>) {
    super(...args);
    const context = this.global as unknown as typeof globalThis;
    for (const name of errorClasses) {
      const own = context[name] as ErrorConstructor;
      const node = globalThis[name] as ErrorConstructor;
      const ordinary = Function.prototype[Symbol.hasInstance];
      Object.defineProperty(own, Symbol.hasInstance, {
        configurable: true,
        // Also what subclasses (`class X extends Error`) inherit, so `this` is the class asked about.
        value: function hasInstance(this: unknown, value: unknown): boolean {
          return ordinary.call(this, value) || (this === own && value instanceof node);
        },
      });
    }
    const nodeFetch = globalThis.fetch;
    context.fetch = async (input: string | URL | Request, init?: RequestInit) => {
      const response = await nodeFetch(input, init);
      const text = response.text.bind(response);
      Object.defineProperty(response, 'json', {
        configurable: true,
        value: async () => context.JSON.parse(await text()) as unknown,
      });
      return response;
    };
  }
}

const errorClasses = [
  'Error',
  'TypeError',
  'RangeError',
  'SyntaxError',
  'ReferenceError',
  'EvalError',
  'URIError',
  'AggregateError',
] as const;

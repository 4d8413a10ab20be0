/**
 * jest runs the specs as tsc compiled them (ESM under dist/, no transform), started as
 * `node --experimental-vm-modules node_modules/jest/bin/jest.js` (see package.json's scripts).
 * Two projects: `unit` (pure logic, no server) and `int` (against the local stack, which the
 * global setup brings up and the teardown stops if it started it; run them with --runInBand,
 * they share that one stack).
 *
 * @type {import('jest').Config}
 */
const common = {
  rootDir: '.',
  roots: ['<rootDir>/dist'],
  // jest's node environment, with Node's errors and fetch bodies usable from the spec's realm.
  testEnvironment: '<rootDir>/dist/test/jest-environment.js',
  transform: {},
  injectGlobals: false,
};

export default {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/dist/**/*.unit.spec.js'] },
    {
      ...common,
      displayName: 'int',
      testMatch: ['<rootDir>/dist/**/*.int.spec.js'],
      globalSetup: '<rootDir>/dist/test/global-setup.js',
      globalTeardown: '<rootDir>/dist/test/global-teardown.js',
    },
  ],
  // node:test had no per-test limit; integration tests take minutes. A spec may set a shorter one.
  testTimeout: 30 * 60_000,
};

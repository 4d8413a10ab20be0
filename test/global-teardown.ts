/** jest's `globalTeardown`: stops what test/global-setup.ts started (the same module, so its state). */
export { globalTeardown as default } from './global-setup.js';

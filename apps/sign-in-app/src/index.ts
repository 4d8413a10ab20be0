export { startSignInApp, type SignInAppOptions, type RunningSignInApp } from './sign-in-app.js';

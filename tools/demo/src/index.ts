export { runLoginWave, type LoginWaveCounts, type LoginWaveOptions, type WaveLogin } from './login-wave.js';
export { runDemoLoginWave, waveLoginsOf, type DemoLoginWaveOptions } from './demo-login-wave.js';
export {
  rehearseUserJourneys,
  type RehearsalOptions,
  type RehearsalReport,
} from './journeys/user-journey-rehearsal.js';
export { JourneyRealms, linkByEmailFlow, type ProviderAccount } from './journeys/journey-realms.js';
export {
  enrolTotp,
  openLogin,
  completeTotpSetup,
  signInThroughProvider,
  type JourneyClient,
  type TotpEnrolment,
} from './journeys/user-journeys.js';
export { LoginSession, type Landing } from './journeys/login-session.js';
export { runCompressed, type CompressedRunOptions, type CompressedRunReport } from './compressed-run.js';
export { reconcileCompressed } from './reconcile-compressed.js';
export { prepareDemoDashboard, type DemoDashboardUser } from './demo-dashboard.js';

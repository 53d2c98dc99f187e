// Moved to capture/ so the service's H5 endpoint judges with the same code; kept here for main's imports.
export { challengeThreshold, judgeLiveness, type LivenessJudgement } from '../../../capture/liveness-policy';

import { z } from 'zod';

/** Largest JPEG the renderer may hand to main (the cloudauth per-image limit). */
export const MAX_CAPTURE_BYTES = 2 * 1024 * 1024;
const MAX_CAPTURE_BASE64_CHARS = Math.ceil(MAX_CAPTURE_BYTES / 3) * 4;

export const Language = z.enum(['zh-CN', 'en']);
export type Language = z.infer<typeof Language>;

export const CardType = z.enum(['resident', 'hkmotw', 'foreign2017', 'foreign2023']);
export type CardType = z.infer<typeof CardType>;

/**
 * The base64 of each format's magic bytes (JPEG FF D8 FF, PNG 89 50 4E 47 0D 0A 1A 0A, BMP "BM"):
 * a declared mime type must describe the bytes, so a decoder is never handed a format it did not expect.
 */
const BASE64_MAGIC = { 'image/jpeg': '/9j/', 'image/png': 'iVBORw0KGgo', 'image/bmp': 'Qk' } as const;
export type ImageMime = keyof typeof BASE64_MAGIC;

const Base64 = z.string().min(1).max(MAX_CAPTURE_BASE64_CHARS).regex(/^[A-Za-z0-9+/]+={0,2}$/, 'not base64');
const magicMatches = (image: { mime: ImageMime; base64: string }) => image.base64.startsWith(BASE64_MAGIC[image.mime]);
const magicIssue = { message: 'the bytes are not the declared image type (magic bytes differ)', path: ['base64'] };

export const EncodedImage = z
  .strictObject({ mime: z.enum(['image/jpeg', 'image/png', 'image/bmp']), base64: Base64 })
  .refine(magicMatches, magicIssue);
/** The live capture: JPEG only, and JPEG bytes. */
export const JpegImage = z.strictObject({ mime: z.literal('image/jpeg'), base64: Base64 }).refine(magicMatches, magicIssue);
export type EncodedImage = z.infer<typeof EncodedImage>;

/** What the renderer may know about a card: enough to greet and show, never the full ID number or address. */
export const CardPublic = z.strictObject({
  cardId: z.string(),
  type: CardType,
  name: z.string(),
  englishName: z.string().optional(),
  sex: z.enum(['male', 'female', 'unknown']),
  idNumberMasked: z.string(),
  validUntil: z.string(),
  expired: z.boolean(),
  /** Decoded chip photo for display; null when no WLT decoder is available. */
  photo: EncodedImage.nullable(),
  warnings: z.array(z.string()),
});
export type CardPublic = z.infer<typeof CardPublic>;

export const ReaderState = z.enum(['searching', 'ready', 'simulated', 'error', 'sam-fault']);
export const ReaderStatus = z.strictObject({
  state: ReaderState,
  transport: z.enum(['serial', 'hid', 'usb', 'vendor', 'simulator']).nullable(),
  description: z.string(),
  canSimulate: z.boolean(),
});
export type ReaderStatus = z.infer<typeof ReaderStatus>;

export const VerifyProvider = z.enum(['local', 'cloudauth']);
export const FaceBackend = z.enum(['webgpu', 'webgl', 'wasm', 'cpu']);
export type FaceBackend = z.infer<typeof FaceBackend>;

export const SystemInfo = z.strictObject({
  appVersion: z.string(),
  shell: z.enum(['electron', 'web']),
  faceBackends: z.strictObject({
    /** Backend the renderer's capture loop chose, once it has reported one. */
    renderer: FaceBackend.nullable(),
    /** Backends the main-process face engine can use. */
    local: z.array(z.string()),
  }),
  reader: ReaderStatus,
  verify: z.strictObject({ provider: VerifyProvider, ready: z.boolean(), detail: z.string() }),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

export const LivenessCheck = z.strictObject({
  name: z.string().max(64),
  ran: z.boolean(),
  score: z.number().finite().nullable(),
  threshold: z.number().finite().nullable(),
  passed: z.boolean(),
});
export const ActiveChallenge = z.enum(['blink', 'turn-left', 'turn-right', 'open-mouth']);
export type ActiveChallenge = z.infer<typeof ActiveChallenge>;
export const LivenessRecord = z.strictObject({
  passed: z.boolean(),
  challenge: ActiveChallenge.nullable(),
  checks: z.array(LivenessCheck).max(32),
  durationMs: z.number().int().nonnegative(),
});
export type LivenessRecord = z.infer<typeof LivenessRecord>;

/**
 * Main draws the active challenge for each verification (the page only performs it): it is bound
 * to the card and expires, so a record prepared in advance or replayed from another run is refused.
 */
export const VerifyChallengeRequest = z.strictObject({ cardId: z.string().min(1).max(64) });
export const VerifyChallenge = z.strictObject({
  challengeId: z.string(),
  /** null when the operator configured passive checks only (activeChallenges: []). */
  challenge: ActiveChallenge.nullable(),
  /** How long main accepts an answer, counted from now (relative, because the page's clock is not main's). */
  expiresInMs: z.number().int().positive(),
});
export type VerifyChallenge = z.infer<typeof VerifyChallenge>;

export const VerifySubmit = z.strictObject({
  cardId: z.string().min(1).max(64),
  /** The challenge main issued for this card (verify.challenge); usable once. */
  challengeId: z.string().min(1).max(64),
  image: JpegImage,
  liveness: LivenessRecord,
  /**
   * The person ticked "keep my card photo as a reference" on the consent screen. Main honours it
   * only where it offered the choice (flow.offerEnrollment) and sends it to our service with the verification.
   */
  enrollConsent: z.boolean().optional(),
});
export type VerifySubmit = z.infer<typeof VerifySubmit>;

export const VerifyStage = z.enum(['queued', 'preparing', 'comparing', 'submitting', 'polling', 'done']);
export const VerifyProgress = z.strictObject({ verificationId: z.string(), stage: VerifyStage });
export type VerifyProgress = z.infer<typeof VerifyProgress>;

export const Verdict = z.enum(['pass', 'fail', 'error']);

/**
 * Why a verification did not pass, one spelling per cause whichever provider ran; the result
 * screen translates every one. The provider's own code (cloudauth's, the spec's) goes in providerCode.
 */
export const VerifyReason = z.enum([
  'face-mismatch', // compared, below the threshold (or the service said no)
  'liveness-failed', // main refused the liveness evidence or the frame
  'no-face', // no usable face in the live frame or the chip photo
  'image-invalid', // an image could not be decoded or is out of bounds
  'no-chip-photo', // the card's photo could not be decoded (no WLT decoder)
  'capture-again', // the live face is too small, blurred or turned to judge: take another capture
  'chip-photo-unusable', // the chip photo's face is too small, blurred or turned to judge
  'threshold-unavailable', // the service published no threshold at the configured FAR
  'provider-unavailable', // the verifier is not configured or not ready
  'provider-failed', // the verifier failed (network, service error, engine error)
  'cancelled', // the person walked away or the kiosk stopped
  'interrupted', // the kiosk stopped mid-verification (found in the audit trail after a restart)
]);
export type VerifyReason = z.infer<typeof VerifyReason>;
export const VerifyResult = z.strictObject({
  verificationId: z.string(),
  verdict: Verdict,
  provider: VerifyProvider,
  /** SimilarityScore in [0, 100], when a comparison happened. */
  score: z.number().nullable(),
  /** Score needed to pass at the configured FAR. */
  threshold: z.number().nullable(),
  far: z.number().nullable(),
  /** Why it did not pass; null on pass. */
  reason: VerifyReason.nullable(),
  /** The provider's raw code when it gave one (Error.NoFaceDetected, InvalidAccessKeyId.NotFound, …), for the operator. */
  providerCode: z.string().nullable(),
  /** Operator-facing detail (English); the screen shows the translated reason as the headline. */
  message: z.string().nullable(),
});
export type VerifyResult = z.infer<typeof VerifyResult>;

export const CaptureSettings = z.strictObject({
  cameraDeviceId: z.string().nullable(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  preferredBackend: z.enum(['auto', 'webgpu', 'webgl', 'wasm']),
  minFaceRatio: z.number().positive(),
  maxYawRad: z.number().positive(),
  maxPitchRad: z.number().positive(),
  minSharpness: z.number().nonnegative(),
  antispoofMin: z.number().min(0).max(1),
  livenessMin: z.number().min(0).max(1),
  activeChallenges: z.array(ActiveChallenge),
  /** Blink: eyes count as closed below this share of the person's open-eye measure. */
  blinkClosedRatio: z.number().min(0).max(1),
  /** Open mouth: the inner-lip gap must reach this share of the mouth width. */
  mouthOpenMin: z.number().min(0).max(1),
  challengeTimeoutMs: z.number().int().positive(),
  captureTimeoutMs: z.number().int().positive(),
});
export type CaptureSettings = z.infer<typeof CaptureSettings>;

/** How the kiosk flow paces a person: attempts and the time limits of the screens that have no other. */
export const FlowSettings = z.strictObject({
  /** Captures one person may make for one card before being sent to staff. */
  maxAttempts: z.number().int().min(1).max(10),
  /** The verifying screen gives up (with an error, never a hang) after this long. */
  verifyTimeoutMs: z.number().int().positive(),
  /** How long the card screen shows the card before consent. */
  cardReadMs: z.number().int().positive(),
  /** Speak prompts and verdicts aloud when the machine has voices. */
  voice: z.boolean(),
  /** The configured verifier; a result from another one means the kiosk fell back (cloud unreachable). */
  provider: VerifyProvider,
  /** The consent screen offers to keep the card photo as a reference at our service (cloudauth rpmin, verify.cloudauth.offerEnrollment). */
  offerEnrollment: z.boolean(),
});
export type FlowSettings = z.infer<typeof FlowSettings>;

/** What the consent screen must tell the person; it follows the audit settings, never a fixed text. */
export const PrivacyNotice = z.strictObject({
  /** The audit trail is on: a record with the masked ID number and the verdict is kept. */
  keepsRecords: z.boolean(),
  /** The face and chip photos are kept (encrypted) with the record. */
  keepsImages: z.boolean(),
  /** Days records are kept before the retention purge deletes them. */
  retentionDays: z.number().int().positive(),
});
export type PrivacyNotice = z.infer<typeof PrivacyNotice>;

/** Settings the renderer may read; secrets and paths stay in main. */
export const PublicSettings = z.strictObject({
  language: Language,
  capture: CaptureSettings,
  resultDisplayMs: z.number().int().positive(),
  consentTimeoutMs: z.number().int().positive(),
  flow: FlowSettings,
  privacy: PrivacyNotice,
  /** Set when main cannot serve (e.g. an unusable settings file): what is wrong, for the out-of-service screen. */
  outOfService: z.string().nullable(),
});
export type PublicSettings = z.infer<typeof PublicSettings>;

export const RendererReport = z.strictObject({ faceBackend: FaceBackend });

export const ReaderSimulate = z.strictObject({ action: z.enum(['present', 'remove']) });

export const ReaderError = z.strictObject({
  code: z.string(),
  message: z.string(),
  sw3: z.number().int().min(0).max(255).nullable(),
});
export type ReaderError = z.infer<typeof ReaderError>;

/** Demo mode: a frame from the camera becomes the photo of a demo card (only while the simulated reader is active). */
export const DemoFaceCard = z.strictObject({ image: JpegImage });

/** A card whose chip photo cannot be decoded: the person was sent to staff; main records a manual check. */
export const ManualCheck = z.strictObject({ cardId: z.string().min(1).max(64) });

/** The hidden gesture's PIN; checked (hashed, with lockout) in main. */
export const OperatorUnlock = z.strictObject({ pin: z.string().regex(/^\d{4,12}$/, 'a PIN is 4 to 12 digits') });
export const OperatorUnlockResult = z.discriminatedUnion('ok', [
  /** url: where the operator surface opened (web shell: a new window the page opens); null when main opened it (Electron). */
  z.strictObject({ ok: z.literal(true), url: z.string().nullable() }),
  z.strictObject({ ok: z.literal(false), locked: z.boolean(), retryAfterMs: z.number().int().nonnegative() }),
]);
export type OperatorUnlockResult = z.infer<typeof OperatorUnlockResult>;

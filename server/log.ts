import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * The service's one logger: JSON lines with request ids. Request logs carry action, key id,
 * code, status and timing; an ID number appears only masked (maskIdNumber). The redaction
 * paths are a second line of defence should a parameter object ever be logged by mistake.
 */
export function createServerLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'renzheng-server' },
      redact: {
        paths: ['*.AccessKeySecret', '*.Signature', '*.Name', '*.IdentificationNumber', '*.VerifyToken', '*.Binding', 'req.headers["x-oss-security-token"]'],
        censor: '[redacted]',
      },
    },
    options.destination,
  );
}

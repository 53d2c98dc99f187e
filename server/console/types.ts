import { z } from 'zod';
import type { TicketStatus } from '../repository/types';

/** Console roles; what each may do is in `can` (one table, checked at every route). */
export const ROLES = ['admin', 'reviewer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  'records.read': ['admin', 'reviewer', 'auditor'],
  // Faces are biometric data: only those who must compare them see them.
  'records.images': ['admin', 'reviewer'],
  'records.export': ['admin', 'auditor'],
  review: ['admin', 'reviewer'],
  delete: ['admin'],
  keys: ['admin'],
  biz: ['admin'],
  users: ['admin'],
  'access-log': ['admin', 'auditor'],
  stats: ['admin', 'reviewer', 'auditor'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** Where a verification came from: our kiosk, the H5 page, or a program calling the API. */
export const SOURCES = ['kiosk', 'h5', 'api'] as const;
export type Source = (typeof SOURCES)[number];

export interface ConsoleUser {
  name: string;
  role: Role;
  passwordHash: string;
  mustChange: boolean;
  failedLogins: number;
  lockedUntil: Date | null;
  createdAt: Date;
}

export interface SessionRecord {
  idHash: string;
  user: string;
  csrf: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface AccessLogEntry {
  id: number;
  at: Date;
  user: string;
  action: string;
  /** biz/ticket or the object acted on; never an ID number in clear. */
  target: string;
  detail: string;
}

export interface BizSettings {
  biz: string;
  /** Days images and materials of this biz are kept; null: the service-wide setting. */
  retentionDays: number | null;
  /** Scores in [reviewLow, reviewHigh) go to manual review instead of pass/fail; null: no band. */
  reviewLow: number | null;
  reviewHigh: number | null;
}

export const BizSettingsInput = z.strictObject({
  retentionDays: z.number().int().min(1).max(3650).nullable(),
  reviewLow: z.number().min(0).max(100).nullable(),
  reviewHigh: z.number().min(0).max(100).nullable(),
}).refine((s) => (s.reviewLow === null) === (s.reviewHigh === null) && (s.reviewLow === null || s.reviewLow < s.reviewHigh!), {
  message: 'reviewLow and reviewHigh are set together, with reviewLow < reviewHigh',
});

/** One row of a record search (no personal data beyond the masked ID number). */
export interface RecordRow {
  biz: string;
  ticketId: string;
  status: TicketStatus;
  similarityScore: number | null;
  auditConclusions: string | null;
  idMasked: string | null;
  source: Source | null;
  createdAt: Date;
  submittedAt: Date | null;
  hasMaterials: boolean;
}

export const RecordQuery = z.strictObject({
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  biz: z.string().max(128).optional(),
  status: z.coerce.number().int().min(-1).max(2).optional(),
  /** A full ID number (matched by keyed hash) or a masked one like 110105********002X. */
  id: z.string().max(32).optional(),
  source: z.enum(SOURCES).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(200),
});
export type RecordQuery = z.infer<typeof RecordQuery>;

export interface ReviewRecord {
  biz: string;
  ticketId: string;
  reviewer: string;
  decision: 1 | 2;
  reason: string;
  at: Date;
}

/** What the decided hook receives: enough for a callback (issue 15) to notify the caller. */
export interface DecidedTicket {
  biz: string;
  ticketId: string;
  status: 1 | 2;
  similarityScore: number | null;
  auditConclusions: string;
  decidedBy: 'review';
}

/**
 * The JSON API's request and response shapes (documented in README.md). Request bodies are
 * validated on the server with these same rules.
 */
import { z } from 'zod'
import type { Plan, PlanAction } from './derivePlan.ts'
import type { PlanDiff } from './diffPlans.ts'
import { DEFAULT_INVITE_HOURS, MAX_INVITE_HOURS, MAX_PERSON_NAME_CHARS, MAX_SHORT_FIELD_CHARS, MAX_TITLE_CHARS } from './limits.ts'
import { ROLES, type Role } from './schema.ts'
import type { SnapshotMeta } from './snapshotApi.ts'
import { TEMPLATES, DEFAULT_TEMPLATE_ID } from './templates.ts'

export const CreateCaseBody = z.object({
  title: z.string().trim().min(1, 'Geef de casus een titel.').max(MAX_TITLE_CHARS, `De titel mag hoogstens ${MAX_TITLE_CHARS} tekens hebben.`),
  template: z.enum(TEMPLATES.map((t) => t.id) as [string, ...string[]]).default(DEFAULT_TEMPLATE_ID),
  /** Only for the service key (scripts): the team the case belongs to. A person's case goes to their own team. */
  teamId: z.string().regex(/^[0-9a-f]{32}$/).optional(),
}).strict()
export type CreateCaseBody = z.infer<typeof CreateCaseBody>

export const CreateInviteBody = z.object({
  role: z.enum(ROLES),
  expiresInHours: z.number().positive().max(MAX_INVITE_HOURS).default(DEFAULT_INVITE_HOURS),
}).strict()
export type CreateInviteBody = z.infer<typeof CreateInviteBody>

export const MAX_USERNAME_CHARS = 64
export const MIN_PASSWORD_CHARS = 12
export const MAX_PASSWORD_CHARS = 200
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._@-]{1,63}$/

/**
 * Sign in with a personal account: user name, password and — for accounts with a second factor —
 * the 6-digit code of the authenticator app. (`key`: the shared organisation keys no longer sign
 * people in; the server answers that with a clear error, docs/api.md.)
 */
export const LoginBody = z.object({
  username: z.string().trim().min(1).max(MAX_USERNAME_CHARS),
  password: z.string().min(1).max(MAX_PASSWORD_CHARS),
  code: z.string().trim().regex(/^\d{6}$/, 'De code heeft 6 cijfers.').optional(),
}).strict()
export type LoginBody = z.infer<typeof LoginBody>


/** What an account may do: the personal roles (docs/security.md has the rights table). */
export const ACCOUNT_ROLES = ['professional', 'coordinator', 'admin', 'dpo'] as const
export type AccountRole = (typeof ACCOUNT_ROLES)[number]

/** Who is asking, as the rights table names it (server/http/apiKit.ts `route()` declares who may call what). */
export const PRINCIPALS = [
  'professional', 'coordinator', 'admin', 'dpo', 'invitedProfessional', 'invitedCoordinator', 'resident', 'service', 'serviceReader',
] as const
export type Principal = (typeof PRINCIPALS)[number]

export interface TeamInfo {
  id: string
  name: string
}

/** The signed-in account as /api/me shows it to its owner. */
export interface AccountInfo {
  id: string
  username: string
  displayName: string
  role: AccountRole
  team: TeamInfo | null
  /** A second factor (authenticator app) is set up; false for accounts signed in through OIDC. */
  totp: boolean
  /** Signed in through the municipality's identity provider (OIDC). */
  external: boolean
}

/** An account as administrators see it (never a password, secret or token). */
export interface AccountListed extends AccountInfo {
  createdAt: string
  lastLoginAt: string | null
  disabledAt: string | null
  /** Waiting for its owner to open the activation link. */
  pendingActivation: boolean
}

export const TeamBody = z.object({ name: z.string().trim().min(2, 'Geef het team een naam.').max(80) }).strict()

export const CreateAccountBody = z.object({
  username: z.string().trim().toLowerCase().regex(USERNAME_PATTERN, 'Een gebruikersnaam heeft 2 tot 64 tekens: kleine letters, cijfers en . _ @ -'),
  displayName: z.string().trim().min(1).max(MAX_PERSON_NAME_CHARS),
  role: z.enum(ACCOUNT_ROLES),
  teamId: z.string().regex(/^[0-9a-f]{32}$/).nullable().default(null),
}).strict()
export type CreateAccountBody = z.infer<typeof CreateAccountBody>

export const UpdateAccountBody = z.object({
  displayName: z.string().trim().min(1).max(MAX_PERSON_NAME_CHARS).optional(),
  role: z.enum(ACCOUNT_ROLES).optional(),
  teamId: z.string().regex(/^[0-9a-f]{32}$/).nullable().optional(),
  disabled: z.boolean().optional(),
}).strict()

/** An activation link for a new account or a reset: shown once to the administrator. */
export interface ActivationIssued {
  account: AccountListed
  url: string
  expiresAt: string
}

/** What the activation page shows: whose account, and the second factor to set up. */
export interface ActivationStarted {
  username: string
  displayName: string
  /** otpauth:// URI for an authenticator app (also as a QR code), and the secret to type in. */
  totpUri: string | null
  totpSecret: string | null
}

export const ActivationBody = z.object({ token: z.string().min(1).max(500) }).strict()
export const CompleteActivationBody = z.object({
  token: z.string().min(1).max(500),
  password: z.string().min(MIN_PASSWORD_CHARS, `Een wachtwoord heeft minstens ${MIN_PASSWORD_CHARS} tekens.`).max(MAX_PASSWORD_CHARS),
  code: z.string().trim().regex(/^\d{6}$/, 'De code heeft 6 cijfers.').optional(),
}).strict()

export const CreateTokenBody = z.object({
  label: z.string().trim().min(1).max(80),
  expiresInDays: z.number().int().min(1).max(365).default(90),
}).strict()

/** A personal API token: the secret is only in the answer that creates it. */
export interface ApiTokenListed {
  id: string
  label: string
  createdAt: string
  expiresAt: string
  lastUsedAt: string | null
  revokedAt: string | null
}
export interface ApiTokenCreated extends ApiTokenListed {
  token: string
}

export const AddMemberBody = z.object({ username: z.string().trim().toLowerCase().min(1).max(MAX_USERNAME_CHARS) }).strict()

/** An account that may open a case although it is not in the case's team. */
export interface CaseMember {
  accountId: string
  username: string
  displayName: string
  team: TeamInfo | null
  addedAt: string
}

/** A case as the API returns it. */
export interface CaseSummary {
  id: string
  title: string
  template: string
  createdAt: string
  updatedAt: string
  /** When the case was archived (closed); null: open. Archived cases leave the default list and the review. */
  archivedAt: string | null
  /** The team the case belongs to (need-to-know: its professionals and coordinators see it). */
  team: TeamInfo | null
  /** The professional who created it or took it over; null for cases from before accounts. */
  owner: { id: string; displayName: string } | null
  /**
   * When the retention policy (RETENTION_DAYS) will erase the case for lack of activity — set only
   * within RETENTION_WARN_DAYS of that moment; null otherwise (ISO).
   */
  erasesAt: string | null
}

export interface InviteCreated {
  token: string
  url: string
  role: Role
  caseId: string
  expiresAt: string
}

/** An invite as GET /api/cases/:id/invites lists it: never the token. */
export interface InviteListed {
  id: string
  role: Role
  createdAt: string
  expiresAt: string
  /** Non-personal reference of who created it (as in the audit log); null for invites from before. */
  createdBy: string | null
  /** Created with the caller's own credential. */
  byYou: boolean
  revokedAt: string | null
  status: 'active' | 'expired' | 'revoked'
}

/**
 * Who the caller is (GET /api/me). `scope: 'org'` — an organisation-wide session (professional,
 * coordinator); `scope: 'case'` — an invite for one case.
 */
export interface Me {
  /** The role in a case's document (admin and data-protection accounts have none). */
  role: Role | null
  principal: Principal
  /** 'org': the cases this access may see; 'case': one case through an invite. */
  scope: 'org' | 'case'
  caseId: string | null
  canWrite: boolean
  /** The personal account behind this access; null for invites and service keys. */
  account: AccountInfo | null
}

// --- meetings ('gesprekken') ---

/** YYYY-MM-DD: a calendar day, as agreed at the table (no time, no zone). */
export const DAY_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/
const Day = z.string().regex(DAY_PATTERN, 'Geef een datum als JJJJ-MM-DD.')
  .refine(isCalendarDay, 'Deze datum bestaat niet.')

/** A YYYY-MM-DD that names a real day (not 2026-02-30). */
export function isCalendarDay(d: string): boolean {
  if (!DAY_PATTERN.test(d)) return false
  const t = Date.parse(`${d}T00:00:00Z`)
  return Number.isFinite(t) && new Date(t).toISOString().startsWith(d)
}

/** At most this many participants are stored per meeting; a note at most this many characters. */
export const MAX_MEETING_PARTICIPANTS = 30
export const MAX_MEETING_NOTE_CHARS = 2000
/** The research: intensive follow-up together, every two weeks. The client suggests today + this. */
export const NEXT_MEETING_DAYS = 14

/** Someone who acted on a meeting: the name they gave (the organisation key says no name) and their role. */
export interface MeetingActor {
  name: string
  role: Role
}

/** Someone who took part: the names present (awareness) and names added by hand (a resident at a shared screen). */
export interface MeetingParticipant {
  name: string
  org: string
  /** null for a name added by hand without a role. */
  role: Role | null
}

/**
 * A meeting ('gesprek'): started by a professional, ended with 'Gesprek afronden', which saves its
 * snapshot (`snapshotId`, a snapshot with `auto: false` and kind 'meeting'). Times in ms since epoch,
 * like snapshots.
 */
export interface Meeting {
  id: string
  caseId: string
  startedAt: number
  startedBy: MeetingActor
  /** null while the meeting is going on. */
  endedAt: number | null
  endedBy: MeetingActor | null
  participants: MeetingParticipant[]
  note: string
  snapshotId: string | null
}

/** GET /api/cases/:id/meetings */
export interface MeetingsOverview {
  /** The meeting going on now, if any. */
  current: Meeting | null
  /** Every meeting, newest first (the current one included). */
  meetings: Meeting[]
  /** The agreed date of the next meeting (YYYY-MM-DD), or null. */
  nextMeeting: string | null
  /** Today in the Netherlands (YYYY-MM-DD), to tell whether nextMeeting is overdue. */
  today: string
}

export const StartMeetingBody = z.object({
  /** The name of the person starting it. */
  startedBy: z.string().trim().max(MAX_PERSON_NAME_CHARS).optional(),
}).strict()

const ParticipantBody = z.object({
  name: z.string().trim().min(1).max(MAX_PERSON_NAME_CHARS),
  org: z.string().trim().max(MAX_SHORT_FIELD_CHARS).default(''),
  role: z.enum(ROLES).nullable().default(null),
}).strict()

export const EndMeetingBody = z.object({
  participants: z.array(ParticipantBody).max(MAX_MEETING_PARTICIPANTS),
  note: z.string().trim().max(MAX_MEETING_NOTE_CHARS).default(''),
  /** The next meeting's date; null clears it; absent clears it too (the meeting that was due took place). */
  nextMeeting: Day.nullable().optional(),
  /** The label of the meeting's snapshot; defaults to 'Gesprek <date time>'. */
  label: z.string().trim().min(1).max(MAX_TITLE_CHARS).optional(),
  endedBy: z.string().trim().max(MAX_PERSON_NAME_CHARS).optional(),
}).strict()
export type EndMeetingBody = z.infer<typeof EndMeetingBody>

export const NextMeetingBody = z.object({ nextMeeting: Day.nullable() }).strict()

/** How a snapshot came to be: the end of a meeting, saved by hand, or automatic (safety net). */
export type SnapshotKind = 'meeting' | 'saved' | 'auto'

/** A snapshot as the API lists it, with its kind and the meeting it belongs to. */
export type ListedSnapshot = SnapshotMeta & { kind: SnapshotKind; meetingId: string | null }

/** GET /api/cases/:id/meetings/changes: what changed since the last meeting and which actions are due. */
export interface MeetingChanges {
  /** The last ended meeting (null: none yet — then `diff` is null). */
  since: Meeting | null
  diff: PlanDiff | null
  /** The two plans compared (the last meeting's and now), to name domains and linked items. */
  before: Plan | null
  after: Plan
  /** Open or in-progress actions due today or earlier (YYYY-MM-DD ≤ today), earliest first. */
  due: PlanAction[]
  today: string
}

// --- AUDIT ---
/**
 * Processing grounds ('grondslag') of the audit log (docs/security.md): `intake` professionals and
 * residents working on a case; `review` coordinators' reads; `erasure` erasing a case; `security`
 * signing in and refused credentials.
 */
export const AUDIT_GROUNDS = ['intake', 'review', 'erasure', 'security'] as const
export type AuditGround = (typeof AUDIT_GROUNDS)[number]

/** One row of a case's processing log (GET /api/cases/:id/audit): who, never a name or case content. */
export interface AuditListed {
  /** ISO time. */
  at: string
  /** Non-personal reference: 'key:professional', 'session:1a2b3c4d5e', 'invite:9f8e7d6c5b'. */
  actor: string
  role: string
  /** Stable code, e.g. 'case.open', 'snapshot.read' (the client words it). */
  action: string
  ground: AuditGround
}

/** GET /api/cases/:id/audit: newest first; `nextBefore` is the `before` of the next (older) page, null at the end. */
export interface AuditPage {
  entries: AuditListed[]
  nextBefore: number | null
}

/** Largest page of GET /api/cases/:id/audit. */
export const MAX_AUDIT_PAGE = 500

// ---------- the review (GET /api/review; its CSV has the same case rows) ----------

export interface ReviewCase {
  id: string
  title: string
  template: string
  /** When the last meeting ended (meetings only, never automatic snapshots). */
  lastMeeting: string | null
  stale: boolean
  /** The snapshot 'what changed since' compares from: the last meeting's, else the latest saved by hand. */
  compareFrom: string | null
  /** When the meeting going on now started, or null. */
  meetingSince: string | null
  /** The agreed next meeting (YYYY-MM-DD), and whether that day has passed without a meeting. */
  nextMeeting: string | null
  nextMeetingOverdue: boolean
  overdueCount: number
  openActions: { id: string; text: string; owner: string; ownerOrg: string; due: string; status: string; overdue: boolean }[]
}
export interface ReviewSignal {
  caseId: string
  caseTitle: string
  itemId: string
  type: 'signal' | 'deviation'
  kind: string
  text: string
  domain: string | null
  rule: string
  motivation: string
}
export interface Review {
  today: string
  staleAfterWeeks: number
  cases: ReviewCase[]
  signals: ReviewSignal[]
}

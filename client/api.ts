/** Typed calls to the server's JSON API. Errors become ApiFailure with the server's human message. */
import type { SnapshotMeta } from '../shared/snapshotApi.ts'
import type { CaseSummary, InviteCreated, LoginBody, InviteListed, ListedSnapshot, Me, Meeting, MeetingChanges, MeetingParticipant, MeetingsOverview, Review } from '../shared/api.ts'
export type { Review, ReviewCase, ReviewSignal } from '../shared/api.ts'
import type { Plan } from '../shared/derivePlan.ts'
import type { PlanDiff } from '../shared/diffPlans.ts'
import type { LifeDomainTemplate } from '../shared/templates.ts'
import type { Role } from '../shared/schema.ts'

export class ApiFailure extends Error {
  /** `message` is the server's text for developers; the UI words `code` (client/access.ts errorMessage). */
  constructor(readonly status: number, readonly code: string, message: string, readonly retryAfterS: number | null = null) {
    super(message)
  }
}

function retryAfter(res: Response): number | null {
  const v = Number(res.headers.get('retry-after'))
  return Number.isFinite(v) && v > 0 ? v : null
}

/** POST /api/invites/redeem: the access the new case session cookie gives, and the case's title. */
export type InviteRedeemed = Me & { title: string }

export interface ClientConfig {
  schemaVersion: number
  tldrawLicenseKey: string | null
  version: string
  /** The municipality's identity provider, when configured ('Inloggen via {name}'); absent on older servers. */
  oidc?: { name: string } | null
}

export type { InviteListed }
export type { SnapshotMeta, ListedSnapshot, Meeting, MeetingChanges, MeetingParticipant, MeetingsOverview }

export interface DiffResult {
  from: { ref: string; meta: SnapshotMeta | null }
  to: { ref: string; meta: SnapshotMeta | null }
  diff: PlanDiff
}

export interface PlanExport {
  case: { id: string; title: string }
  snapshot: SnapshotMeta | null
  exportedAt: string
  plan: Plan
}


/** One JSON call; a failure becomes ApiFailure (also used by accountApi.ts). */
export async function call<T>(method: string, path: string, opts: { body?: unknown; token?: string | null } = {}): Promise<T> {
  const headers: Record<string, string> = {}
  if (opts.token) headers.authorization = `Bearer ${opts.token}`
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  let res: Response
  try {
    res = await fetch(path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body), credentials: 'same-origin' })
  } catch {
    throw new ApiFailure(0, 'network', 'offline')
  }
  if (res.status === 204) return undefined as T
  const text = await res.text()
  let data: unknown = null
  try {
    data = text ? JSON.parse(text) : null
  } catch { /* not JSON */ }
  if (!res.ok) {
    const e = data as { error?: string; message?: string } | null
    throw new ApiFailure(res.status, e?.error ?? 'http_error', e?.message ?? `HTTP ${res.status}`, retryAfter(res))
  }
  return data as T
}

export const api = {
  config: () => call<ClientConfig>('GET', '/api/config'),
  /** With `caseId`, the case session cookie of that case counts too (docs/api.md). */
  me: (token?: string | null, caseId?: string) => call<Me>('GET', caseId ? `/api/me?case=${encodeURIComponent(caseId)}` : '/api/me', { token }),
  /** Exchange an invite token (in the body) for an HttpOnly case session cookie. */
  redeemInvite: (token: string) => call<InviteRedeemed>('POST', '/api/invites/redeem', { body: { token } }),
  /** Sign in with a personal account: user name, password and the authenticator code in one step. */
  login: (body: LoginBody) => call<void>('POST', '/api/login', { body }),
  logout: () => call<void>('POST', '/api/logout'),
  templates: () => call<LifeDomainTemplate[]>('GET', '/api/templates'),
  cases: () => call<CaseSummary[]>('GET', '/api/cases'),
  createCase: (title: string, template: string) => call<CaseSummary>('POST', '/api/cases', { body: { title, template } }),
  getCase: (id: string, token?: string | null) => call<CaseSummary & { plan: Plan }>('GET', `/api/cases/${id}`, { token }),
  invite: (id: string, role: Role, expiresInHours: number) =>
    call<InviteCreated>('POST', `/api/cases/${id}/invites`, { body: { role, expiresInHours } }),
  invites: (id: string) => call<InviteListed[]>('GET', `/api/cases/${id}/invites`),
  revokeInvite: (id: string, inviteId: string) => call<void>('DELETE', `/api/cases/${id}/invites/${encodeURIComponent(inviteId)}`),
  snapshots: (id: string, token?: string | null) => call<ListedSnapshot[]>('GET', `/api/cases/${id}/snapshots`, { token }),
  saveSnapshot: (id: string, label: string, savedBy: string, token?: string | null) =>
    call<SnapshotMeta>('POST', `/api/cases/${id}/snapshots`, { body: { label, savedBy }, token }),
  snapshot: (id: string, sid: string, token?: string | null) =>
    call<{ meta: ListedSnapshot; plan: Plan }>('GET', `/api/cases/${id}/snapshots/${sid}`, { token }),
  diff: (id: string, from: string, to: string, token?: string | null) =>
    call<DiffResult>('GET', `/api/cases/${id}/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, { token }),
  restore: (id: string, sid: string, token?: string | null) => call<unknown>('POST', `/api/cases/${id}/snapshots/${sid}/restore`, { token }),
  /** `team`: only that team's cases (null: every case this access sees). */
  review: (weeks: number, team: string | null = null, token?: string | null) =>
    call<Review>('GET', `/api/review?weeks=${weeks}${team ? `&team=${encodeURIComponent(team)}` : ''}`, { token }),
  meetings: (id: string, token?: string | null) => call<MeetingsOverview>('GET', `/api/cases/${id}/meetings`, { token }),
  /** Starts a meeting; when one is going on already, answers that one. */
  startMeeting: (id: string, startedBy: string, token?: string | null) =>
    call<Meeting>('POST', `/api/cases/${id}/meetings`, { body: { startedBy }, token }),
  endMeeting: (id: string, mid: string, body: { participants: MeetingParticipant[]; note: string; nextMeeting: string | null; label: string; endedBy: string }, token?: string | null) =>
    call<{ meeting: Meeting; snapshot: SnapshotMeta }>('POST', `/api/cases/${id}/meetings/${mid}/end`, { body, token }),
  /** What changed since the last meeting, and the actions due. */
  meetingChanges: (id: string, token?: string | null) => call<MeetingChanges>('GET', `/api/cases/${id}/meetings/changes`, { token }),
  setNextMeeting: (id: string, nextMeeting: string | null, token?: string | null) =>
    call<{ nextMeeting: string | null }>('PUT', `/api/cases/${id}/next-meeting`, { body: { nextMeeting }, token }),
  /** The whole document of a snapshot as one Yjs update. */
  snapshotState: (id: string, sid: string, token?: string | null) => binary(`/api/cases/${id}/snapshots/${sid}/state`, token),
  /** The plan export, live or of one snapshot. */
  plan: (id: string, snapshot?: string | null, token?: string | null) =>
    call<PlanExport>('GET', `/api/cases/${id}/plan${snapshot ? `?snapshot=${encodeURIComponent(snapshot)}` : ''}`, { token }),
  // --- case management (helper "casemgmt") ---
  /** Close a case: it leaves the default list and the review, and still opens as before. */
  archiveCase: (id: string, token?: string | null) => call<CaseSummary>('POST', `/api/cases/${id}/archive`, { token }),
  reopenCase: (id: string, token?: string | null) => call<CaseSummary>('POST', `/api/cases/${id}/reopen`, { token }),
  /** Erase a case for good: its board, snapshots, meetings and invites. */
  eraseCase: (id: string) => call<void>('DELETE', `/api/cases/${id}`),
  /** The case's processing log, newest first; `before` (ms) pages back (professionals only). */
  audit: (id: string, before?: number | null, token?: string | null) =>
    call<import('../shared/api.ts').AuditPage>('GET', `/api/cases/${id}/audit${before ? `?before=${before}` : ''}`, { token }),
  /** Where the review's CSV downloads from (a plain link: the session cookie goes along). */
  reviewCsvUrl: (weeks: number, lang: 'nl' | 'en', team: string | null = null) => `/api/review.csv?weeks=${weeks}&lang=${lang}${team ? `&team=${encodeURIComponent(team)}` : ''}`,
}

async function binary(path: string, token?: string | null): Promise<Uint8Array> {
  const headers: Record<string, string> = {}
  if (token) headers.authorization = `Bearer ${token}`
  let res: Response
  try {
    res = await fetch(path, { headers, credentials: 'same-origin' })
  } catch {
    throw new ApiFailure(0, 'network', 'offline')
  }
  if (!res.ok) {
    const e = (await res.json().catch(() => null)) as { error?: string; message?: string } | null
    throw new ApiFailure(res.status, e?.error ?? 'http_error', e?.message ?? `HTTP ${res.status}`)
  }
  return new Uint8Array(await res.arrayBuffer())
}

/**
 * Snapshots, diffs, restore, plan export and the coordinators' review (docs/api.md).
 * Rights: professionals save and restore; everyone with a right on the case reads.
 * The review's last meeting, stale cases and overdue next meetings come from meetings
 * (meetingRoutes.ts), never from automatic snapshots.
 */
import * as Y from 'yjs'
import { ApiError } from '../../shared/apiErrors.ts'
import { derivePlan, isOverdue, type Plan } from '../../shared/derivePlan.ts'
import { allItems, diffPlans, todayInNL } from '../../shared/diffPlans.ts'
import { restoreContent } from '../../shared/restore.ts'
import { CreateSnapshotBody, DEFAULT_STALE_WEEKS, LIVE } from '../../shared/snapshotApi.ts'
import { ENTITY_ID_PATTERN } from '../../shared/ids.ts'
import { loadSnapshotDoc, loadSnapshotPlan, saveSnapshot } from '../snapshots.ts'
import { meetingStatus } from '../meetings.ts'
import type { Access } from '../auth/access.ts'
import type { CaseRecord, SnapshotRecord } from '../storage/storage.ts'
import { findCase, notFound, P, parse, requireAccess, requireProfessional, route, visibleCases, type ApiDeps, type Ctx, type Route } from './apiKit.ts'
import { HttpError, readJson, sendJson } from './respond.ts'
import { reviewCsv } from './reviewCsv.ts'
import type { ReviewCase } from '../../shared/api.ts'


export function snapshotRoutes(deps: ApiDeps): Route[] {
  const { storage, rooms } = deps

  function audit(a: Access, action: string, caseId: string | null): void {
    storage.audit({ at: Date.now(), actor: a.actor, role: a.role, action, caseId })
  }

  async function create({ req, res, who, params }: Ctx): Promise<void> {
    const a = requireProfessional(who)
    const record = await findCase(storage, params[0], a)
    const body = parse(CreateSnapshotBody, await readJson(req))
    const now = Date.now()
    const label = body.label || `Momentopname ${formatNL(now)}`
    const meta = await rooms.withDoc(record.id, (doc) =>
      saveSnapshot(storage, record.id, doc, label, { name: body.savedBy ?? '', role: a.role }, false, now))
    const live = await rooms.peek(record.id)
    if (live) live.changedSinceSnapshot = false
    audit(a, 'snapshot.create', record.id)
    sendJson(res, 201, meta)
  }

  async function list({ res, who, params }: Ctx): Promise<void> {
    const a = requireAccess(who)
    const record = await findCase(storage, params[0], a)
    const body = await storage.listSnapshots(record.id)
    audit(a, 'snapshot.list', record.id)
    sendJson(res, 200, body)
  }

  async function getOne({ res, who, params }: Ctx): Promise<void> {
    const a = requireAccess(who)
    const record = await findCase(storage, params[0], a)
    const found = await loadSnapshotPlan(storage, record.id, params[1] as string)
    if (!found) throw notFound('Deze momentopname bestaat niet.')
    audit(a, 'snapshot.read', record.id)
    sendJson(res, 200, found)
  }

  async function state({ res, who, params }: Ctx): Promise<void> {
    const a = requireAccess(who)
    const record = await findCase(storage, params[0], a)
    const doc = await loadSnapshotDoc(storage, record.id, params[1] as string)
    if (!doc) throw notFound('Deze momentopname bestaat niet.')
    const update = Y.encodeStateAsUpdate(doc)
    doc.destroy()
    audit(a, 'snapshot.state', record.id)
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': update.byteLength, 'Cache-Control': 'no-store' })
    res.end(Buffer.from(update))
  }

  async function planOf(caseId: string, ref: string): Promise<{ ref: string; meta: SnapshotRecord | null; plan: Plan }> {
    if (ref === LIVE) return { ref, meta: null, plan: await rooms.withDoc(caseId, derivePlan) }
    if (!ENTITY_ID_PATTERN.test(ref)) throw new HttpError(400, ApiError.validation, 'from/to: give a snapshot id or "live".')
    const found = await loadSnapshotPlan(storage, caseId, ref)
    if (!found) throw notFound('Deze momentopname bestaat niet.')
    return { ref, meta: found.meta, plan: found.plan }
  }

  async function diff({ res, url, who, params }: Ctx): Promise<void> {
    const a = requireAccess(who)
    const record = await findCase(storage, params[0], a)
    const from = url.searchParams.get('from')
    const to = url.searchParams.get('to') ?? LIVE
    if (!from) throw new HttpError(400, ApiError.validation, 'from: give the snapshot to compare from.')
    const [x, y] = await Promise.all([planOf(record.id, from), planOf(record.id, to)])
    audit(a, 'case.diff', record.id)
    sendJson(res, 200, { from: { ref: x.ref, meta: x.meta }, to: { ref: y.ref, meta: y.meta }, diff: diffPlans(x.plan, y.plan, todayInNL()) })
  }

  async function restore({ res, who, params }: Ctx): Promise<void> {
    const a = requireProfessional(who)
    const record = await findCase(storage, params[0], a)
    const source = await loadSnapshotDoc(storage, record.id, params[1] as string)
    if (!source) throw notFound('Deze momentopname bestaat niet.')
    try {
      const plan = await rooms.changeLive(record.id, (room) => {
        restoreContent(room.doc, source, 'restore')
        return derivePlan(room.doc)
      })
      audit(a, 'snapshot.restore', record.id)
      sendJson(res, 200, { restored: params[1], plan })
    } finally {
      source.destroy()
    }
  }

  async function exportPlan({ res, url, who, params }: Ctx): Promise<void> {
    const a = requireAccess(who)
    const record = await findCase(storage, params[0], a)
    const p = await planOf(record.id, url.searchParams.get('snapshot') ?? LIVE)
    audit(a, 'plan.export', record.id)
    sendJson(res, 200, { case: { id: record.id, title: record.title }, snapshot: p.meta, exportedAt: new Date().toISOString(), plan: p.plan })
  }

  /** The review's data for this access: JSON (GET /api/review) and CSV (GET /api/review.csv) share it. */
  async function reviewData(a: Access, url: URL) {
    const weeksRaw = url.searchParams.get('weeks')
    const weeks = weeksRaw === null ? DEFAULT_STALE_WEEKS : Number(weeksRaw)
    if (!Number.isInteger(weeks) || weeks < 1 || weeks > 104) throw new HttpError(400, ApiError.validation, 'weeks: a whole number from 1 to 104.')
    const team = url.searchParams.get('team')
    if (team !== null && !/^[0-9a-f]{32}$/.test(team)) throw new HttpError(400, ApiError.validation, 'team: a team id.')
    const owned = await storage.accounts.allCaseOwnership()
    const cases: CaseRecord[] = (await visibleCases(storage, a)).filter((c) => team === null || owned.get(c.id)?.teamId === team)
    const today = todayInNL()
    const staleBefore = Date.now() - weeks * 7 * 24 * 3600_000
    const rows: ReviewCase[] = []
    const signals = []
    for (const c of cases) {
      const plan = await rooms.withDoc(c.id, derivePlan)
      const labelOf = (domainId: string | null) => plan.domains.find((d) => d.id === domainId)?.label ?? null
      // An archived (closed) case needs no follow-up: it leaves the case table, with its stale
      // and overdue marks; its signals for organisation and policy stay.
      if (c.archivedAt == null) {
        // Meetings only: an automatic snapshot (someone fixed a typo and left) is no meeting.
        const m = await meetingStatus(storage, c.id, today)
        const last = m.lastMeeting
        const open = plan.actions.filter((x) => x.status === 'open' || x.status === 'in_progress')
        rows.push({
          id: c.id, title: c.title, template: c.template,
          lastMeeting: last === null ? null : new Date(last).toISOString(),
          stale: (last ?? c.createdAt) < staleBefore,
          compareFrom: m.compareFrom,
          meetingSince: m.current ? new Date(m.current.startedAt).toISOString() : null,
          nextMeeting: m.nextMeeting,
          nextMeetingOverdue: m.nextMeetingOverdue,
          openActions: open.map((x) => ({ id: x.id, text: x.text, owner: x.owner, ownerOrg: x.ownerOrg, due: x.due, status: x.status, overdue: isOverdue(x, today) })),
          overdueCount: open.filter((x) => isOverdue(x, today)).length,
        })
      }
      for (const it of allItems(plan)) {
        if (it.signal) signals.push({ caseId: c.id, caseTitle: c.title, itemId: it.id, type: 'signal', kind: it.kind, text: it.text, domain: labelOf(it.domainId), rule: '', motivation: '' })
      }
      for (const x of plan.actions) {
        if (x.deviation) signals.push({ caseId: c.id, caseTitle: c.title, itemId: x.id, type: 'deviation', kind: x.kind, text: x.text, domain: labelOf(x.domainId), rule: x.deviationRule, motivation: x.deviationMotivation })
      }
    }
    return { today, staleAfterWeeks: weeks, cases: rows, signals }
  }

  async function review({ res, url, who }: Ctx): Promise<void> {
    const a = requireAccess(who)
    const body = await reviewData(a, url)
    audit(a, 'review.read', a.caseId)
    sendJson(res, 200, body)
  }

  /**
   * The review's case table as CSV for Excel: what the review shows, no more (reviewCsv.ts).
   * `?weeks=N` as for the review; `?lang=en` for English headers and words (default Dutch).
   */
  async function reviewCsvRoute({ res, url, who }: Ctx): Promise<void> {
    const a = requireAccess(who)
    const langRaw = url.searchParams.get('lang')
    if (langRaw !== null && langRaw !== 'nl' && langRaw !== 'en') throw new HttpError(400, ApiError.validation, 'lang: "nl" or "en".')
    const data = await reviewData(a, url)
    const text = reviewCsv(data.cases, data.staleAfterWeeks, langRaw ?? 'nl')
    audit(a, 'review.export', a.caseId)
    const body = Buffer.from(text, 'utf8')
    res.writeHead(200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Length': body.byteLength,
      'Content-Disposition': `attachment; filename="keukentafel-${langRaw === 'en' ? 'review' : 'overzicht'}-${data.today}.csv"`,
      'Cache-Control': 'no-store',
    })
    res.end(body)
  }

  return [
    route('POST', '/api/cases/:id/snapshots', create, P.writers),
    route('GET', '/api/cases/:id/snapshots', list, P.caseReaders),
    route('GET', '/api/cases/:id/snapshots/:snapshot', getOne, P.caseReaders),
    route('GET', '/api/cases/:id/snapshots/:snapshot/state', state, P.caseReaders),
    route('POST', '/api/cases/:id/snapshots/:snapshot/restore', restore, P.writers),
    route('GET', '/api/cases/:id/diff', diff, P.caseReaders),
    route('GET', '/api/cases/:id/plan', exportPlan, P.caseReaders),
    route('GET', '/api/review', review, P.caseReaders),
    route('GET', '/api/review.csv', reviewCsvRoute, P.caseReaders),
  ]
}

/** 28-11-2026 16:40 in Dutch time. */
export function formatNL(ms: number): string {
  return new Intl.DateTimeFormat('nl-NL', { timeZone: 'Europe/Amsterdam', dateStyle: 'short', timeStyle: 'short' }).format(new Date(ms))
}

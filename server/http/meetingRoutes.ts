/**
 * Meetings ('gesprekken', docs/api.md): start one, end it ('Gesprek afronden': saves its snapshot
 * with who took part), list them, what changed since the last one, and the next meeting's date.
 * Rights follow snapshots: professionals start, end and set the date; everyone with a right on the
 * case (resident, coordinator) reads — the resident sees that a meeting is going on.
 * Participants' names and notes are case data: audited as actions only, never logged.
 */
import { ApiError } from '../../shared/apiErrors.ts'
import { EndMeetingBody, NextMeetingBody, StartMeetingBody, type MeetingsOverview } from '../../shared/api.ts'
import { derivePlan } from '../../shared/derivePlan.ts'
import { todayInNL } from '../../shared/diffPlans.ts'
import type { Access } from '../auth/access.ts'
import { changesSinceLastMeeting, endMeeting, newMeeting } from '../meetings.ts'
import { findCase, notFound, P, parse, requireAccess, requireProfessional, route, type ApiDeps, type Ctx, type Route } from './apiKit.ts'
import { HttpError, readJson, sendJson } from './respond.ts'
import { formatNL } from './snapshotRoutes.ts'


export function meetingRoutes(deps: ApiDeps): Route[] {
  const { storage, rooms } = deps

  function audit(a: Access, action: string, caseId: string): void {
    storage.audit({ at: Date.now(), actor: a.actor, role: a.role, action, caseId })
  }

  async function list({ res, who, params }: Ctx): Promise<void> {
    const a = requireAccess(who)
    const record = await findCase(storage, params[0], a)
    const body: MeetingsOverview = {
      current: await storage.currentMeeting(record.id),
      meetings: await storage.listMeetings(record.id),
      nextMeeting: await storage.nextMeeting(record.id),
      today: todayInNL(),
    }
    audit(a, 'meeting.list', record.id)
    sendJson(res, 200, body)
  }

  /** 201 with the new meeting; 200 with the one already going on (two people pressing at once start one). */
  async function start({ req, res, who, params }: Ctx): Promise<void> {
    const a = requireProfessional(who)
    const record = await findCase(storage, params[0], a)
    const body = parse(StartMeetingBody, await readJson(req))
    const meeting = newMeeting(record.id, { name: body.startedBy ?? '', role: a.role })
    if (await storage.startMeeting(meeting)) {
      audit(a, 'meeting.start', record.id)
      sendJson(res, 201, meeting)
      return
    }
    const current = await storage.currentMeeting(record.id)
    if (!current) throw new HttpError(409, ApiError.conflict, 'Probeer het opnieuw.')
    sendJson(res, 200, current)
  }

  async function end({ req, res, who, params }: Ctx): Promise<void> {
    const a = requireProfessional(who)
    const record = await findCase(storage, params[0], a)
    const body = parse(EndMeetingBody, await readJson(req))
    const meetingId = params[1] as string
    const existing = await storage.getMeeting(record.id, meetingId)
    if (!existing) throw notFound('Dit gesprek bestaat niet.')
    if (existing.endedAt !== null) throw new HttpError(409, ApiError.conflict, 'Dit gesprek is al afgerond.')
    const now = Date.now()
    const ended = await rooms.withDoc(record.id, (doc) => endMeeting(storage, record.id, meetingId, doc, {
      label: body.label ?? `Gesprek ${formatNL(now)}`,
      endedBy: { name: body.endedBy ?? '', role: a.role },
      participants: body.participants,
      note: body.note,
      nextMeeting: body.nextMeeting ?? null,
    }, now))
    if (!ended) throw new HttpError(409, ApiError.conflict, 'Dit gesprek is al afgerond.')
    // The meeting's snapshot holds this state: leaving now adds no automatic one for it.
    const live = await rooms.peek(record.id)
    if (live) live.changedSinceSnapshot = false
    audit(a, 'meeting.end', record.id)
    sendJson(res, 200, ended)
  }

  async function changes({ res, who, params }: Ctx): Promise<void> {
    const a = requireAccess(who)
    const record = await findCase(storage, params[0], a)
    const live = await rooms.withDoc(record.id, derivePlan)
    audit(a, 'case.diff', record.id)
    sendJson(res, 200, await changesSinceLastMeeting(storage, record.id, live))
  }

  async function setNext({ req, res, who, params }: Ctx): Promise<void> {
    const a = requireProfessional(who)
    const record = await findCase(storage, params[0], a)
    const body = parse(NextMeetingBody, await readJson(req))
    await storage.setNextMeeting(record.id, body.nextMeeting)
    audit(a, 'meeting.plan', record.id)
    sendJson(res, 200, { nextMeeting: body.nextMeeting })
  }

  return [
    route('GET', '/api/cases/:id/meetings', list, P.caseReaders),
    route('POST', '/api/cases/:id/meetings', start, P.writers),
    route('GET', '/api/cases/:id/meetings/changes', changes, P.caseReaders),
    route('POST', '/api/cases/:id/meetings/:meeting/end', end, P.writers),
    route('PUT', '/api/cases/:id/next-meeting', setNext, P.writers),
  ]
}

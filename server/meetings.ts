/**
 * Meetings ('gesprekken'): a meeting starts, and 'Gesprek afronden' ends it with who took part and
 * saves its snapshot (auto: false, kind 'meeting'). 'Laatste gesprek' and stale cases on the review
 * count ended meetings only — automatic snapshots are a safety net, never a meeting. The start of
 * a meeting shows what changed since the last one and which agreed actions are due.
 *
 * Participants' names and the note are case data: they are stored with the case and never logged.
 */
import * as Y from 'yjs'
import type { Meeting, MeetingActor, MeetingChanges, MeetingParticipant } from '../shared/api.ts'
import { derivePlan, type Plan, type PlanAction } from '../shared/derivePlan.ts'
import { diffPlans, todayInNL } from '../shared/diffPlans.ts'
import { newId } from '../shared/ids.ts'
import { loadSnapshotPlan, summarize } from './snapshots.ts'
import type { MeetingEnd, SnapshotRecord, Storage } from './storage/storage.ts'

/** A new meeting going on from `now`. */
export function newMeeting(caseId: string, startedBy: MeetingActor, now = Date.now()): Meeting {
  return { id: newId(), caseId, startedAt: now, startedBy, endedAt: null, endedBy: null, participants: [], note: '', snapshotId: null }
}

/**
 * End the meeting `meetingId` of the case with the document as it is now: its snapshot, who took
 * part, the note and the next meeting date, stored together. Returns the ended meeting and its
 * snapshot, or null when that meeting is not going on (already ended, or another one).
 */
export async function endMeeting(
  storage: Storage, caseId: string, meetingId: string, doc: Y.Doc,
  end: { label: string; endedBy: MeetingActor; participants: MeetingParticipant[]; note: string; nextMeeting: string | null },
  now = Date.now(),
): Promise<{ meeting: Meeting; snapshot: SnapshotRecord } | null> {
  const plan = derivePlan(doc)
  const state = Y.encodeStateAsUpdate(doc)
  const previous = await storage.latestSnapshot(caseId)
  const record: SnapshotRecord = {
    id: newId(),
    caseId,
    label: end.label,
    createdAt: now,
    savedBy: { name: end.endedBy.name, role: end.endedBy.role },
    auto: false,
    schemaVersion: plan.schemaVersion,
    summary: summarize(plan, previous ? (JSON.parse(previous.planJson) as Plan) : null, todayInNL(new Date(now))),
  }
  const request: MeetingEnd = {
    caseId, id: meetingId, endedAt: now, endedBy: end.endedBy, participants: uniqueParticipants(end.participants),
    note: end.note, nextMeeting: end.nextMeeting,
    snapshot: { record, state, planJson: JSON.stringify(plan) },
  }
  if (!await storage.endMeeting(request)) return null
  const meeting = await storage.getMeeting(caseId, meetingId)
  return meeting ? { meeting, snapshot: record } : null
}

/** The same person sent twice (two tabs, or typed by hand as well) counts once. */
export function uniqueParticipants(list: MeetingParticipant[]): MeetingParticipant[] {
  const seen = new Set<string>()
  const out: MeetingParticipant[] = []
  for (const p of list) {
    const key = `${p.name.trim().toLocaleLowerCase('nl')}\n${p.org.trim().toLocaleLowerCase('nl')}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push(p)
  }
  return out
}

/** Open or in-progress actions due today or earlier, earliest first ('aan de beurt'). */
export function dueActions(plan: Plan, today: string): PlanAction[] {
  return plan.actions
    .filter((a) => (a.status === 'open' || a.status === 'in_progress') && a.due !== '' && a.due <= today)
    .sort((a, b) => a.due.localeCompare(b.due) || a.id.localeCompare(b.id))
}

/** What changed since the last ended meeting (its snapshot against `live`), and the actions due. */
export async function changesSinceLastMeeting(storage: Storage, caseId: string, live: Plan, today = todayInNL()): Promise<MeetingChanges> {
  const since = await storage.lastEndedMeeting(caseId)
  const before = since?.snapshotId ? await loadSnapshotPlan(storage, caseId, since.snapshotId) : null
  return {
    since, diff: before ? diffPlans(before.plan, live, today) : null,
    before: before?.plan ?? null, after: live, due: dueActions(live, today), today,
  }
}

/** What the review says about a case's meetings. */
export interface MeetingStatus {
  /** When the last meeting ended, or null. */
  lastMeeting: number | null
  /** The snapshot to compare 'what changed since' from: the last meeting's, else the latest one saved by hand. */
  compareFrom: string | null
  current: Meeting | null
  nextMeeting: string | null
  /** The next meeting's date has passed without a meeting since. */
  nextMeetingOverdue: boolean
}

export async function meetingStatus(storage: Storage, caseId: string, today = todayInNL()): Promise<MeetingStatus> {
  const last = await storage.lastEndedMeeting(caseId)
  const current = await storage.currentMeeting(caseId)
  const nextMeeting = await storage.nextMeeting(caseId)
  const compareFrom = last?.snapshotId ?? (await storage.listSnapshots(caseId)).find((s) => !s.auto)?.id ?? null
  return {
    lastMeeting: last?.endedAt ?? null,
    compareFrom,
    current,
    nextMeeting,
    // A meeting going on now is the meeting that was due.
    nextMeetingOverdue: nextMeeting !== null && nextMeeting < today && current === null,
  }
}

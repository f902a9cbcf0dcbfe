/**
 * Retention: cases with no activity for RETENTION_DAYS are erased automatically, exactly as the
 * API erases one (rooms first, then storage: the case's key is destroyed; docs/security.md), and
 * audited as 'system:retention' with the ground 'erasure'. The case list warns RETENTION_WARN_DAYS
 * beforehand (CaseSummary.erasesAt). Last activity: the case's last change (`updatedAt`) or the
 * end of its latest meeting, whichever is later; a case with a meeting going on is never erased.
 *
 * The policy in force is recorded in the settings table at start, so whatever lists cases can
 * tell when each will be erased from the storage alone. The sweep runs at start and hourly.
 */
import { caseRef, type Logger } from './log.ts'
import type { RoomManager } from './rooms.ts'
import type { CaseRecord, Storage } from './storage/storage.ts'

const DAY_MS = 24 * 3600_000
const SWEEP_EVERY_MS = 3600_000
const POLICY_SETTING = 'retention_policy'

export interface RetentionPolicy {
  days: number
  warnDays: number
}

/** Record the policy in force (null: never erase automatically). */
export async function recordRetentionPolicy(storage: Storage, policy: RetentionPolicy | null): Promise<void> {
  await storage.setSetting(POLICY_SETTING, policy ? JSON.stringify(policy) : '')
}

async function policyOf(storage: Storage): Promise<RetentionPolicy | null> {
  const raw = await storage.getSetting(POLICY_SETTING)
  return raw ? JSON.parse(raw) as RetentionPolicy : null
}

/** The case's last activity (ms): its last change, or the end of its latest meeting if later. */
export async function lastActivity(storage: Storage, r: CaseRecord): Promise<number> {
  let ended = 0
  try {
    ended = (await storage.lastEndedMeeting(r.id))?.endedAt ?? 0
  } catch { /* a case whose content cannot be read: its last change counts */ }
  return Math.max(r.updatedAt, ended)
}

/** When the policy erases the case (ms), or null when it does not. */
async function erasureTime(storage: Storage, policy: RetentionPolicy, r: CaseRecord): Promise<number> {
  return await lastActivity(storage, r) + policy.days * DAY_MS
}

/** For the case list: when the case will be erased, when that is within the warning window; else null. */
export async function erasesAt(storage: Storage, r: CaseRecord, now = Date.now()): Promise<string | null> {
  const policy = await policyOf(storage)
  if (!policy) return null
  const at = await erasureTime(storage, policy, r)
  return at - now <= policy.warnDays * DAY_MS ? new Date(Math.max(at, now)).toISOString() : null
}

async function meetingGoingOn(storage: Storage, caseId: string): Promise<boolean> {
  try {
    return await storage.currentMeeting(caseId) !== null
  } catch {
    return false // a case whose content cannot be read holds no meeting anyone can join
  }
}

export interface RetentionDeps {
  storage: Storage
  rooms: RoomManager
  log: Logger
}

/** Erase every case past the policy's limit at `now`; returns how many were erased. */
export async function sweepRetention(deps: RetentionDeps, now = Date.now()): Promise<number> {
  const { storage, rooms, log } = deps
  const policy = await policyOf(storage)
  if (!policy) return 0
  let erased = 0
  for (const r of await storage.listCases()) {
    if (await erasureTime(storage, policy, r) > now || await meetingGoingOn(storage, r.id)) continue
    await rooms.erase(r.id)
    // Several instances sweep the same cases: the one whose erasure removed the case reports it.
    if (!await storage.eraseCase(r.id)) continue
    storage.audit({ at: now, actor: 'system:retention', role: 'anonymous', action: 'case.erase', caseId: r.id, ground: 'erasure' })
    log.info({ case: caseRef(r.id), days: policy.days }, 'case erased: no activity within the retention period')
    erased++
  }
  return erased
}

/** Sweep now and every hour until stopped (the timer does not keep the process alive). */
export function startRetention(deps: RetentionDeps): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve()
  const sweep = () => {
    running = running.then(() => sweepRetention(deps)).catch((err: unknown) => {
      deps.log.error({ err: err instanceof Error ? err.message : String(err) }, 'the retention sweep failed')
    })
  }
  sweep()
  const timer = setInterval(sweep, SWEEP_EVERY_MS)
  timer.unref()
  return {
    /** Stop the timer; resolves once a sweep under way has finished. */
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}

/**
 * Snapshots ('momentopnames'): the plan as it stood at a moment, saved with the full document
 * state so it opens exactly as it was, the derived plan, who saved it and a short summary of
 * what changed since the previous one.
 */
import * as Y from 'yjs'
import { derivePlan, isOverdue, type Plan } from '../shared/derivePlan.ts'
import { allItems, diffPlans, todayInNL } from '../shared/diffPlans.ts'
import { newId } from '../shared/ids.ts'
import { migrateDoc } from '../shared/migrations.ts'
import { SCHEMA_VERSION, TOP_LEVEL } from '../shared/schema.ts'
import type { SnapshotRecord, SnapshotSummary, Storage } from './storage/storage.ts'

export async function saveSnapshot(
  storage: Storage, caseId: string, doc: Y.Doc, label: string, savedBy: SnapshotRecord['savedBy'], auto: boolean, now = Date.now(),
  /** The snapshot this one replaces: the summary counts changes since the one before it. */
  replaces: string | null = null,
): Promise<SnapshotRecord> {
  const plan = derivePlan(doc)
  const state = Y.encodeStateAsUpdate(doc)
  const before = replaces ? (await storage.listSnapshots(caseId)).find((s) => s.id !== replaces) : null
  const previous = replaces ? (before ? await storage.getSnapshot(caseId, before.id) : null) : await storage.latestSnapshot(caseId)
  const record: SnapshotRecord = {
    id: newId(),
    caseId,
    label,
    createdAt: now,
    savedBy,
    auto,
    schemaVersion: plan.schemaVersion,
    summary: summarize(plan, previous ? (JSON.parse(previous.planJson) as Plan) : null, todayInNL(new Date(now))),
  }
  await storage.createSnapshot(record, state, JSON.stringify(plan))
  return record
}

/** At most one automatic snapshot per case per this much activity: a newer one replaces it. */
export const AUTO_SNAPSHOT_EVERY_MS = 60 * 60 * 1000
/** Older automatic snapshots: the last of each day is kept this many days, the rest is pruned. */
export const AUTO_SNAPSHOT_KEEP_DAYS = 30

/**
 * The automatic snapshot, a safety net taken when the last participant leaves a changed case:
 * - never one whose plan and drawing equal the previous snapshot's;
 * - within AUTO_SNAPSHOT_EVERY_MS of the latest automatic snapshot (and no meeting snapshot since),
 *   it replaces that one instead of adding another;
 * - older automatic snapshots are pruned to the last one per day, for AUTO_SNAPSHOT_KEEP_DAYS.
 * Snapshots saved by people (meetings) are never pruned. Returns the snapshot, or null when none
 * was needed.
 */
export async function saveAutoSnapshot(storage: Storage, caseId: string, doc: Y.Doc, label: string, now = Date.now()): Promise<SnapshotRecord | null> {
  const latest = await storage.latestSnapshot(caseId)
  if (latest && await sameContent(latest.planJson, derivePlan(doc), storage, caseId, latest.meta.id, doc)) return null
  const replaces = latest && latest.meta.auto && now - latest.meta.createdAt < AUTO_SNAPSHOT_EVERY_MS ? latest.meta.id : null
  const record = await saveSnapshot(storage, caseId, doc, label, { name: '', role: 'system' }, true, now, replaces)
  if (replaces) await storage.deleteSnapshots(caseId, [replaces])
  await pruneAutoSnapshots(storage, caseId, now)
  return record
}

/** Keep every snapshot people saved; of automatic ones, the last per day within the keep window. */
export async function pruneAutoSnapshots(storage: Storage, caseId: string, now = Date.now()): Promise<void> {
  const keepFrom = now - AUTO_SNAPSHOT_KEEP_DAYS * 24 * 3600_000
  const dayKept = new Set<string>()
  const remove: string[] = []
  for (const s of await storage.listSnapshots(caseId)) { // newest first
    if (!s.auto) continue
    const day = todayInNL(new Date(s.createdAt))
    if (s.createdAt < keepFrom || dayKept.has(day)) remove.push(s.id)
    else dayKept.add(day)
  }
  await storage.deleteSnapshots(caseId, remove)
}

async function sameContent(previousPlanJson: string, plan: Plan, storage: Storage, caseId: string, previousId: string, doc: Y.Doc): Promise<boolean> {
  if (previousPlanJson !== JSON.stringify(plan)) return false
  // The plan is equal; so must the free drawing be.
  const prev = await loadSnapshotDoc(storage, caseId, previousId)
  if (!prev) return false
  try {
    return JSON.stringify(prev.getMap(TOP_LEVEL.canvas).toJSON()) === JSON.stringify(doc.getMap(TOP_LEVEL.canvas).toJSON())
  } finally {
    prev.destroy()
  }
}

export function summarize(plan: Plan, previous: Plan | null, today: string): SnapshotSummary {
  const open = plan.actions.filter((a) => a.status === 'open' || a.status === 'in_progress')
  let changes: SnapshotSummary['changes'] = null
  if (previous) {
    const d = diffPlans(previous, plan, today)
    changes = { count: d.count, added: d.items.added.length, removed: d.items.removed.length, changed: d.items.changed.length, completed: d.completed.length }
  }
  return { items: allItems(plan).length, openActions: open.length, overdueActions: plan.actions.filter((a) => isOverdue(a, today)).length, changes }
}

/** The snapshot's document, migrated to the current schema if it was saved under an older one. */
export async function loadSnapshotDoc(storage: Storage, caseId: string, snapshotId: string): Promise<Y.Doc | null> {
  const row = await storage.getSnapshotState(caseId, snapshotId)
  if (!row) return null
  const doc = new Y.Doc()
  Y.applyUpdate(doc, row.state)
  migrateDoc(doc)
  return doc
}

/** The snapshot's plan, re-derived when it was saved under an older schema. */
export async function loadSnapshotPlan(storage: Storage, caseId: string, snapshotId: string): Promise<{ meta: SnapshotRecord; plan: Plan } | null> {
  const row = await storage.getSnapshot(caseId, snapshotId)
  if (!row) return null
  const stored = JSON.parse(row.planJson) as Plan
  if (stored.schemaVersion === SCHEMA_VERSION) return { meta: row.meta, plan: stored }
  const doc = await loadSnapshotDoc(storage, caseId, snapshotId)
  if (!doc) return null
  try {
    return { meta: row.meta, plan: derivePlan(doc) }
  } finally {
    doc.destroy()
  }
}


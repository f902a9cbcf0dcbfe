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
import { SCHEMA_VERSION } from '../shared/schema.ts'
import type { SnapshotRecord, SnapshotSummary, Storage } from './storage/storage.ts'

export function saveSnapshot(
  storage: Storage, caseId: string, doc: Y.Doc, label: string, savedBy: SnapshotRecord['savedBy'], auto: boolean, now = Date.now(),
): SnapshotRecord {
  const plan = derivePlan(doc)
  const previous = storage.latestSnapshot(caseId)
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
  storage.createSnapshot(record, Y.encodeStateAsUpdate(doc), JSON.stringify(plan))
  return record
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
export function loadSnapshotDoc(storage: Storage, caseId: string, snapshotId: string): Y.Doc | null {
  const row = storage.getSnapshotState(caseId, snapshotId)
  if (!row) return null
  const doc = new Y.Doc()
  Y.applyUpdate(doc, row.state)
  migrateDoc(doc)
  return doc
}

/** The snapshot's plan, re-derived when it was saved under an older schema. */
export function loadSnapshotPlan(storage: Storage, caseId: string, snapshotId: string): { meta: SnapshotRecord; plan: Plan } | null {
  const row = storage.getSnapshot(caseId, snapshotId)
  if (!row) return null
  const stored = JSON.parse(row.planJson) as Plan
  if (stored.schemaVersion === SCHEMA_VERSION) return { meta: row.meta, plan: stored }
  const doc = loadSnapshotDoc(storage, caseId, snapshotId)
  if (!doc) return null
  try {
    return { meta: row.meta, plan: derivePlan(doc) }
  } finally {
    doc.destroy()
  }
}


/** Where a new card goes: in the selected domain, else the domain at the viewport centre, else near the resident. */
import type * as Y from 'yjs'
import { domainAt, listDomains, listItems } from '../../../shared/doc.ts'
import { ITEM_SIZE, RESIDENT_SIZE, type Size, type Vec } from '../../../shared/schema.ts'

export interface Rect {
  x: number
  y: number
  w: number
  h: number
}

const GAP = 16
const HEAD = 56

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
}

/** The first free cell, row by row, of `size` inside `region` (or the region's first cell, offset, when full). */
export function findFreeSpot(region: Rect, occupied: readonly Rect[], size: Size = ITEM_SIZE): Vec {
  const cols = Math.max(1, Math.floor((region.w - GAP) / (size.w + GAP)))
  const rows = Math.max(1, Math.floor((region.h - GAP) / (size.h + GAP)))
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const cell = { x: region.x + GAP + c * (size.w + GAP), y: region.y + GAP + r * (size.h + GAP), w: size.w, h: size.h }
      if (!occupied.some((o) => overlaps(cell, o))) return { x: cell.x, y: cell.y }
    }
  }
  const n = occupied.length % 8
  return { x: region.x + GAP + n * 12, y: region.y + GAP + n * 12 }
}

export function placeNewItem(doc: Y.Doc, opts: { selectedDomainId: string | null; viewportCentre: Vec }): { domainId: string | null; pos: Vec } {
  const occupied = listItems(doc).map((i) => ({ x: i.pos.x, y: i.pos.y, w: i.size.w, h: i.size.h }))
  const domainId = opts.selectedDomainId ?? domainAt(doc, opts.viewportCentre)
  const domain = domainId ? listDomains(doc).find((d) => d.id === domainId) : undefined
  if (domain) {
    const region = { x: domain.pos.x, y: domain.pos.y + HEAD - GAP, w: domain.size.w, h: domain.size.h - HEAD + GAP }
    return { domainId: domain.id, pos: findFreeSpot(region, occupied) }
  }
  // Unassigned: just below the resident in the middle (the one place the domain grid leaves free).
  const region = { x: -RESIDENT_SIZE.w / 2 - 130, y: RESIDENT_SIZE.h / 2 - 8, w: RESIDENT_SIZE.w + 260, h: ITEM_SIZE.h + 2 * GAP }
  const pos = findFreeSpot(region, occupied)
  return { domainId: domainAt(doc, { x: pos.x + ITEM_SIZE.w / 2, y: pos.y + ITEM_SIZE.h / 2 }), pos }
}

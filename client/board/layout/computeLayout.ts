/**
 * The derived board layout: where every plan shape goes, computed on each client from the
 * document alone (domains in order, live items in flow order, measured card heights). Nothing
 * of it is stored, so three people adding cards at once get the same tidy arrangement and no
 * two cards ever overlap.
 *
 *   resident card (goal, route, ladder)            — top, centred over the grid
 *   grid of life domains, `gridColumns` per row     — a grid row is as tall as its tallest domain
 *     inside a domain: cards in rows of DOMAIN_COLS — a row is as tall as its tallest card,
 *                                                     so reading order is flow order
 *   'Nog geen leefgebied' area                      — cards without (a known) domain, below
 *
 * Pure and O(n) apart from sorting each domain's cards into flow order.
 */
import {
  CARD_GAP, CARD_W, DOMAIN_COLS, DOMAIN_GAP, DOMAIN_HEAD, DOMAIN_MIN_BODY, DOMAIN_PAD, DOMAIN_W,
  RESIDENT_MIN_H, RESIDENT_W, SECTION_GAP, gridColumns,
} from './metrics.ts'

export interface Rect {
  x: number
  y: number
  w: number
  h: number
}

export interface LayoutCard {
  id: string
  domainId: string | null
  /** Flow position (readers default it to createdAt). */
  order: number
  createdAt: number
  /** Measured height at CARD_W. */
  h: number
}

export interface LayoutInput {
  /** Domain ids in template order. */
  domains: readonly string[]
  cards: readonly LayoutCard[]
  residentH: number
}

/** One flowing region: a domain, or the 'no domain' area (key null). */
export interface FlowRegion {
  key: string | null
  rect: Rect
  cols: number
  /** Card ids in flow order. */
  ids: string[]
  /** Top and bottom of each row of cards (index = row). */
  rows: { top: number; bottom: number }[]
}

export interface BoardLayout {
  resident: Rect
  domains: Map<string, Rect>
  /** The 'no domain' area, when any card has no known domain. */
  unassigned: Rect | null
  cards: Map<string, Rect>
  regions: FlowRegion[]
  /** The whole arrangement's bounds. */
  bounds: Rect
}

/** Flow order: order, then createdAt, then id (the same rule as shared/doc.ts itemsInDomain). */
export function compareFlow(a: LayoutCard, b: LayoutCard): number {
  return a.order - b.order || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

const UNASSIGNED_COLS_MIN = DOMAIN_COLS

export function computeLayout(input: LayoutInput): BoardLayout {
  const known = new Set(input.domains)
  const groups = new Map<string | null, LayoutCard[]>()
  for (const id of input.domains) groups.set(id, [])
  for (const c of input.cards) {
    const key = c.domainId !== null && known.has(c.domainId) ? c.domainId : null
    let g = groups.get(key)
    if (!g) groups.set(key, (g = []))
    g.push(c)
  }
  for (const g of groups.values()) g.sort(compareFlow)

  const cols = gridColumns(input.domains.length)
  const gridW = Math.max(cols * DOMAIN_W + (cols - 1) * DOMAIN_GAP, RESIDENT_W)
  const left = -gridW / 2
  const cards = new Map<string, Rect>()
  const domains = new Map<string, Rect>()
  const regions: FlowRegion[] = []

  const residentH = Math.max(RESIDENT_MIN_H, Math.ceil(input.residentH))
  const resident: Rect = { x: -RESIDENT_W / 2, y: 0, w: RESIDENT_W, h: residentH }
  let y = residentH + SECTION_GAP

  // Domains, one grid row at a time: flow each domain's cards, then stretch the row's domains
  // to the tallest of them (a tidy grid and a larger drop target).
  for (let start = 0; start < input.domains.length; start += cols) {
    const rowIds = input.domains.slice(start, start + cols)
    const rowRegions = rowIds.map((id, i) => {
      const x = left + i * (DOMAIN_W + DOMAIN_GAP)
      return flow(id, groups.get(id) ?? [], { x, y, w: DOMAIN_W }, DOMAIN_COLS, cards)
    })
    const rowH = Math.max(...rowRegions.map((r) => r.rect.h))
    for (const r of rowRegions) {
      r.rect.h = rowH
      domains.set(r.key as string, r.rect)
      regions.push(r)
    }
    y += rowH + DOMAIN_GAP
  }

  let unassigned: Rect | null = null
  const loose = groups.get(null)
  if (loose && loose.length > 0) {
    y += SECTION_GAP - DOMAIN_GAP
    const n = Math.max(UNASSIGNED_COLS_MIN, Math.floor((gridW - 2 * DOMAIN_PAD + CARD_GAP) / (CARD_W + CARD_GAP)))
    const w = n * CARD_W + (n - 1) * CARD_GAP + 2 * DOMAIN_PAD
    const r = flow(null, loose, { x: -w / 2, y, w }, n, cards)
    unassigned = r.rect
    regions.push(r)
    y += r.rect.h
  } else if (input.domains.length > 0) {
    y -= DOMAIN_GAP
  }

  return { resident, domains, unassigned, cards, regions, bounds: { x: left, y: 0, w: gridW, h: y } }
}

function flow(
  key: string | null, list: readonly LayoutCard[], at: { x: number; y: number; w: number }, cols: number,
  out: Map<string, Rect>,
): FlowRegion {
  const rows: { top: number; bottom: number }[] = []
  let top = at.y + DOMAIN_HEAD
  for (let i = 0; i < list.length; i += cols) {
    let rowH = 0
    for (let c = 0; c < cols && i + c < list.length; c++) rowH = Math.max(rowH, cardHeight(list[i + c]!.h))
    for (let c = 0; c < cols && i + c < list.length; c++) {
      const card = list[i + c]!
      out.set(card.id, { x: at.x + DOMAIN_PAD + c * (CARD_W + CARD_GAP), y: top, w: CARD_W, h: cardHeight(card.h) })
    }
    rows.push({ top, bottom: top + rowH })
    top += rowH + CARD_GAP
  }
  // `top` is below the last row plus one gap; the bottom padding replaces that gap.
  const contentH = list.length ? top - CARD_GAP + DOMAIN_PAD - at.y : 0
  const h = Math.max(DOMAIN_HEAD + DOMAIN_MIN_BODY, contentH)
  return { key, rect: { x: at.x, y: at.y, w: at.w, h }, cols, ids: list.map((c) => c.id), rows }
}

function cardHeight(h: number): number {
  return Number.isFinite(h) && h > 0 ? Math.ceil(h) : 1
}

/** The flow region (domain or 'no domain' area) that contains a canvas point, or null. */
export function regionAt(layout: BoardLayout, p: { x: number; y: number }): FlowRegion | null {
  for (const r of layout.regions) {
    if (p.x >= r.rect.x && p.x <= r.rect.x + r.rect.w && p.y >= r.rect.y && p.y <= r.rect.y + r.rect.h) return r
  }
  return null
}

/**
 * Where a card dropped with its centre at `p` goes: the region under it and the card it goes
 * before (null: at the end) — the slot nearest to the drop point in reading order. Cards in
 * `moving` are left out (they are the ones being placed). Null when `p` is in no region.
 */
export function slotAt(
  layout: BoardLayout, p: { x: number; y: number }, moving: ReadonlySet<string> = new Set(),
): { domainId: string | null; beforeId: string | null } | null {
  const region = regionAt(layout, p)
  if (!region) return null
  for (const id of region.ids) {
    if (moving.has(id)) continue
    const r = layout.cards.get(id)
    if (!r) continue
    const rowTop = r.y
    const row = region.rows.find((x) => x.top === rowTop)
    const bottom = row ? row.bottom : r.y + r.h
    // Reading order: a card is after the point when its row starts below the point, or when
    // the point is in its row and left of the card's middle.
    if (p.y < rowTop - CARD_GAP / 2 || (p.y <= bottom + CARD_GAP / 2 && p.x < r.x + r.w / 2)) {
      return { domainId: region.key, beforeId: id }
    }
  }
  return { domainId: region.key, beforeId: null }
}

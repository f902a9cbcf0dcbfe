/**
 * Readable views of the board. A view is chosen by how large card text is on screen (font size ×
 * zoom), not by "fit everything": a meeting needs to read the cards, an overview is one click away.
 *
 * - professional: at least READABLE_PX.professional CSS px card text (the brief: ≥ 14 on 1280×800);
 * - resident mode: at least READABLE_PX.resident (≥ 20);
 * - presenting: READABLE_PX.presenting, readable from across a table.
 */
import { Box, type Editor } from 'tldraw'
import type * as Y from 'yjs'
import { listDomains } from '../../../shared/doc.ts'
import { RESIDENT_ENTITY_ID, shapeIdFor } from '../bridge/ids.ts'
import { CARD_FONT_PX } from '../layout/metrics.ts'

export type ViewMode = 'professional' | 'resident' | 'presenting'

/** On-screen card text (CSS px) each mode aims for at least; a little above the promise, for rounding. */
export const READABLE_PX: Record<ViewMode, number> = { professional: 15, resident: 21, presenting: 24 }
/** The largest zoom a fitted view goes to (large screens should not blow one card up). */
const MAX_ZOOM: Record<ViewMode, number> = { professional: 1.25, resident: 1.75, presenting: 2.5 }
/** Card text size at zoom 1 when no card is on the board to measure (the layout's metric). */
export const DEFAULT_CARD_FONT_PX = CARD_FONT_PX
/** Screen margin around a view; the bottom one keeps content clear of tldraw's corner mark. */
const INSET = { x: 20, top: 16, bottom: 40 }

/** The card text's font size at zoom 1, measured from a card on the board (its CSS), else the default. */
export function cardFontPx(editor: Editor): number {
  const el = editor.getContainer().querySelector('[data-testid="kt-item-text"]')
  const px = el ? parseFloat(getComputedStyle(el).fontSize) : NaN
  return Number.isFinite(px) && px > 0 ? px : DEFAULT_CARD_FONT_PX
}

/** The smallest zoom at which card text is readable in this mode. */
export function readableZoom(editor: Editor, mode: ViewMode): number {
  return READABLE_PX[mode] / cardFontPx(editor)
}

/**
 * The camera that shows `bounds` (page coordinates) on a viewport of `vw`×`vh` screen px: as large
 * as fits, but never below `minZoom` (then the bounds' top-left corner is shown) nor above `maxZoom`;
 * centred across, aligned to the top.
 */
export function cameraFor(bounds: { x: number; y: number; w: number; h: number }, vw: number, vh: number, minZoom: number, maxZoom: number): { x: number; y: number; z: number } {
  const availW = Math.max(1, vw - 2 * INSET.x)
  const availH = Math.max(1, vh - INSET.top - INSET.bottom)
  const fit = Math.min(availW / Math.max(1, bounds.w), availH / Math.max(1, bounds.h))
  const z = Math.max(minZoom, Math.min(maxZoom, fit))
  const sx = bounds.w * z <= availW ? (vw - bounds.w * z) / 2 : INSET.x
  const sy = INSET.top // top-aligned: a domain's title and first cards come first
  // tldraw: screen = (page + camera) × zoom.
  return { x: sx / z - bounds.x, y: sy / z - bounds.y, z }
}

/** Show page bounds readably in this mode (see cameraFor). */
export function showReadable(editor: Editor, bounds: Box, mode: ViewMode, animate = false): void {
  const vp = editor.getViewportScreenBounds()
  if (vp.w < 1 || vp.h < 1) return
  const cam = cameraFor(bounds, vp.w, vp.h, readableZoom(editor, mode), Math.max(readableZoom(editor, mode), MAX_ZOOM[mode]))
  editor.setCamera(cam, animate ? { animation: { duration: 220 } } : undefined)
}

/** Exactly these page bounds, fitted and centred (what a follower does with the presenter's view). */
export function exactCamera(editor: Editor, bounds: { x: number; y: number; w: number; h: number }): { x: number; y: number; z: number } | null {
  const vp = editor.getViewportScreenBounds()
  if (vp.w < 1 || vp.h < 1 || bounds.w <= 0 || bounds.h <= 0) return null
  const z = Math.min(vp.w / bounds.w, vp.h / bounds.h)
  return { x: (vp.w / z - bounds.w) / 2 - bounds.x, y: (vp.h / z - bounds.h) / 2 - bounds.y, z }
}

export function shapeBounds(editor: Editor, entityId: string): Box | null {
  return editor.getShapePageBounds(shapeIdFor(entityId)) ?? null
}

/**
 * The board's opening view: the first life domain at a readable zoom — together with the resident
 * card (goal) when both fit readably, which happens on large screens.
 */
export function showDefaultView(editor: Editor, doc: Y.Doc, mode: ViewMode): void {
  const first = listDomains(doc)[0]
  const domain = first ? shapeBounds(editor, first.id) : null
  const resident = shapeBounds(editor, RESIDENT_ENTITY_ID)
  if (!domain) {
    if (resident) showReadable(editor, resident, mode)
    return
  }
  if (resident) {
    const both = Box.Common([domain, resident])
    const vp = editor.getViewportScreenBounds()
    const z = readableZoom(editor, mode)
    if (both.w * z <= vp.w - 2 * INSET.x && both.h * z <= vp.h - INSET.top - INSET.bottom) {
      showReadable(editor, both, mode)
      return
    }
  }
  showReadable(editor, domain, mode)
}

/** Everything on the board ('Overzicht'), whatever the zoom. */
export function showOverview(editor: Editor): void {
  editor.zoomToFit({ animation: { duration: 220 } })
}

export function zoomBy(editor: Editor, direction: 'in' | 'out'): void {
  const centre = editor.getViewportScreenCenter()
  if (direction === 'in') editor.zoomIn(centre, { animation: { duration: 160 } })
  else editor.zoomOut(centre, { animation: { duration: 160 } })
}

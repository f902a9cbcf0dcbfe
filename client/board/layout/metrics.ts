/**
 * The board's fixed measures, in canvas units (CSS px at 100 % zoom). One place, so the layout,
 * the text measurer and the rendered cards agree: a card's height is measured with exactly the
 * styles it is drawn with (see ../shapes/CardBody.tsx, which applies CARD_STYLE inline).
 *
 * Card text is 16 px; at a zoom of 0.875 or more it is at least 14 CSS px on screen.
 */

/** Width of every plan card. */
export const CARD_W = 280
/** Card text size (the body); the board's default zoom keeps it ≥ 14 CSS px on screen. */
export const CARD_FONT_PX = 16
export const CARD_LINE_HEIGHT = 1.4
/** Space between cards, and between a card and its domain's edge. */
export const CARD_GAP = 16
/** Cards per row inside a life domain. */
export const DOMAIN_COLS = 2
/** A domain's title bar (label, score) plus the space below it. */
export const DOMAIN_HEAD = 56
/** Room for at least one card to be dropped into an empty domain. */
export const DOMAIN_MIN_BODY = 112
export const DOMAIN_PAD = CARD_GAP
export const DOMAIN_W = DOMAIN_COLS * CARD_W + (DOMAIN_COLS - 1) * CARD_GAP + 2 * DOMAIN_PAD
/** Space between domains in the grid. */
export const DOMAIN_GAP = 40
/** The resident card above the grid: as wide as two domains. */
export const RESIDENT_W = 2 * DOMAIN_W + DOMAIN_GAP
export const RESIDENT_MIN_H = 140
/** Space between the resident card and the grid, and between the grid and the 'no domain' area. */
export const SECTION_GAP = 56

/** Domains per grid row for a template of `count` domains (8 → 4×2, 13 → 4×4, 6 → 3×2). */
export function gridColumns(count: number): number {
  if (count >= 7) return 4
  if (count >= 5) return 3
  return Math.max(1, count)
}

/** The font every card is set in (inline, so it does not depend on where the card is in the DOM). */
export const BOARD_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"

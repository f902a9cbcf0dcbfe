/**
 * Pure projection: document entities (and where the board's layout put them) -> tldraw records.
 * No store, no doc access, no side effects.
 */
import {
  PageRecordType, toRichText,
  type IndexKey, type TLArrowShape, type TLDefaultColorStyle, type TLPageId,
  type TLParentId,
} from 'tldraw'
import type { DomainFields, ItemFields, LinkFields, LinkKind, PlanFields } from '../../../shared/schema.ts'
import {
  DOMAIN_TYPE, ITEM_TYPE, RESIDENT_TYPE, UNASSIGNED_AREA_ID,
  type CardLink, type DomainShape, type ItemShape, type ItemShapeProps, type ResidentShape,
} from '../shapes/defs.ts'
import { RESIDENT_ENTITY_ID, shapeIdFor } from './ids.ts'

/** The one page of a board. Every client's store has it (createTLStore's default page). */
export const BOARD_PAGE_ID: TLPageId = PageRecordType.createId('page')

interface Placement {
  index: IndexKey
  parentId?: TLParentId
}

function base(id: string, x: number, y: number, p: Placement, isLocked = false) {
  return {
    id: shapeIdFor(id),
    typeName: 'shape' as const,
    x, y,
    rotation: 0,
    index: p.index,
    parentId: p.parentId ?? BOARD_PAGE_ID,
    isLocked,
    opacity: 1,
    meta: {},
  }
}

/** Where the layout put a shape (see ../layout/computeLayout.ts). */
export interface Rect {
  x: number
  y: number
  w: number
  h: number
}

export function itemProps(f: ItemFields, view: { w: number; h: number; links: CardLink[] }): ItemShapeProps {
  return {
    w: view.w, h: view.h,
    kind: f.kind, text: f.text, domainId: f.domainId,
    stress: f.stress, signal: f.signal,
    owner: f.owner, ownerOrg: f.ownerOrg, due: f.due, status: f.status,
    deviation: f.deviation, deviationRule: f.deviationRule, deviationMotivation: f.deviationMotivation,
    authorName: f.author.name, authorOrg: f.author.org, authorRole: f.author.role,
    recordedBy: f.recordedBy ? { name: f.recordedBy.name, org: f.recordedBy.org } : null,
    links: view.links,
  }
}

export function itemShape(f: ItemFields, at: Rect, links: CardLink[], p: Placement): ItemShape {
  return { ...base(f.id, at.x, at.y, p), type: ITEM_TYPE, props: itemProps(f, { w: at.w, h: at.h, links }) }
}

export function domainShape(f: DomainFields, at: Rect, p: Placement): DomainShape {
  return {
    ...base(f.id, at.x, at.y, p), type: DOMAIN_TYPE,
    props: { w: at.w, h: at.h, label: f.label, key: f.key, score: f.score },
  }
}

/** The area where cards without a (known) domain flow; a domain shape that belongs to no entity. */
export function unassignedShape(at: Rect, p: Placement): DomainShape {
  return {
    ...base(UNASSIGNED_AREA_ID, at.x, at.y, p), type: DOMAIN_TYPE,
    props: { w: at.w, h: at.h, label: '', key: UNASSIGNED_AREA_ID, score: null },
  }
}

/** The resident card at the top; locked: it is no thing to move or delete. */
export function residentShape(plan: PlanFields, at: Rect, p: Placement): ResidentShape {
  return {
    ...base(RESIDENT_ENTITY_ID, at.x, at.y, p, true), type: RESIDENT_TYPE,
    props: {
      w: at.w, h: at.h,
      goal: plan.goal, route: plan.route, ladderNow: plan.ladderNow, ladderGoal: plan.ladderGoal,
    },
  }
}

export const LINK_COLORS: Record<LinkKind, TLDefaultColorStyle> = {
  reinforces: 'orange',
  causes: 'red',
  helps: 'green',
  blocks: 'violet',
}

/** The dash tells the kind too (for who does not see the colours). */
export const LINK_DASH: Record<LinkKind, TLArrowShape['props']['dash']> = {
  reinforces: 'solid',
  causes: 'solid',
  helps: 'dotted',
  blocks: 'dashed',
}

/**
 * A link as a straight arrow from the edge of one card to the edge of the other. No text on the
 * line (labels ran over cards): colour and dash say the kind; the cards and the plan view say it
 * in words. Not bound to the cards (tldraw would lift a bound arrow above them): the board draws
 * it anew whenever the cards move.
 */
export function linkArrow(link: LinkFields, from: ItemShape, to: ItemShape, p: Placement): TLArrowShape {
  const a = rectOf(from)
  const b = rectOf(to)
  const start = edgePoint(a, centre(b))
  const end = edgePoint(b, centre(a))
  return {
    ...base(link.id, start.x, start.y, p), type: 'arrow',
    props: {
      kind: 'arc', elbowMidPoint: 0.5, dash: LINK_DASH[link.kind], size: 'm', fill: 'none',
      color: LINK_COLORS[link.kind], labelColor: LINK_COLORS[link.kind],
      bend: 0, start: { x: 0, y: 0 }, end: { x: end.x - start.x, y: end.y - start.y },
      arrowheadStart: 'none', arrowheadEnd: 'arrow',
      richText: toRichText(''), labelPosition: 0.5, font: 'sans', scale: 1,
    },
  }
}

/** Space between a card's edge and the end of a link's line. */
const LINK_GAP = 6

function rectOf(s: ItemShape): Rect {
  return { x: s.x, y: s.y, w: s.props.w, h: s.props.h }
}
function centre(r: Rect): { x: number; y: number } {
  return { x: r.x + r.w / 2, y: r.y + r.h / 2 }
}

/** Where the line from the middle of `r` towards `towards` leaves `r` (plus a small gap). */
export function edgePoint(r: Rect, towards: { x: number; y: number }): { x: number; y: number } {
  const c = centre(r)
  const dx = towards.x - c.x
  const dy = towards.y - c.y
  if (dx === 0 && dy === 0) return c
  const hw = r.w / 2 + LINK_GAP
  const hh = r.h / 2 + LINK_GAP
  const t = Math.min(dx === 0 ? Infinity : hw / Math.abs(dx), dy === 0 ? Infinity : hh / Math.abs(dy))
  return { x: c.x + dx * t, y: c.y + dy * t }
}

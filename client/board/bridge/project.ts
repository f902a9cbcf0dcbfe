/**
 * Pure projection: document entities -> tldraw records. No store, no doc access, no side effects.
 */
import {
  PageRecordType, toRichText,
  type IndexKey, type TLArrowBinding, type TLArrowShape, type TLDefaultColorStyle, type TLPageId,
  type TLParentId, type TLShape,
} from 'tldraw'
import type { DomainFields, ItemFields, LinkFields, LinkKind, PlanFields } from '../../../shared/schema.ts'
import { RESIDENT_SIZE } from '../../../shared/schema.ts'
import {
  DOMAIN_TYPE, ITEM_TYPE, RESIDENT_TYPE,
  type DomainShape, type ItemShape, type ItemShapeProps, type ResidentShape,
} from '../shapes/defs.ts'
import { RESIDENT_ENTITY_ID, linkBindingId, shapeIdFor } from './ids.ts'
import type { BoardStrings } from '../strings.ts'

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

export function itemProps(f: ItemFields): ItemShapeProps {
  return {
    w: f.size.w, h: f.size.h,
    kind: f.kind, text: f.text, domainId: f.domainId,
    stress: f.stress, signal: f.signal,
    owner: f.owner, ownerOrg: f.ownerOrg, due: f.due, status: f.status,
    deviation: f.deviation, deviationRule: f.deviationRule, deviationMotivation: f.deviationMotivation,
    authorName: f.author.name, authorOrg: f.author.org, authorRole: f.author.role,
  }
}

export function itemShape(f: ItemFields, p: Placement): ItemShape {
  return { ...base(f.id, f.pos.x, f.pos.y, p), type: ITEM_TYPE, props: itemProps(f) }
}

export function domainShape(f: DomainFields, p: Placement): DomainShape {
  return {
    ...base(f.id, f.pos.x, f.pos.y, p), type: DOMAIN_TYPE,
    props: { w: f.size.w, h: f.size.h, label: f.label, key: f.key, score: f.score },
  }
}

/** The resident sits in the middle (centre at 0,0); locked: it is no thing to move or delete. */
export function residentShape(plan: PlanFields, p: Placement): ResidentShape {
  return {
    ...base(RESIDENT_ENTITY_ID, -RESIDENT_SIZE.w / 2, -RESIDENT_SIZE.h / 2, p, true), type: RESIDENT_TYPE,
    props: {
      w: RESIDENT_SIZE.w, h: RESIDENT_SIZE.h,
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

/**
 * A link as an arrow between two item shapes, plus its two bindings (so it stays attached when
 * the items move). `from`/`to` are the current item shapes (for a sensible unbound fallback).
 */
export function linkRecords(
  link: LinkFields, from: TLShape, to: TLShape, p: Placement, strings: BoardStrings,
): { arrow: TLArrowShape; bindings: TLArrowBinding[] } {
  const fc = centreOf(from)
  const tc = centreOf(to)
  const arrow: TLArrowShape = {
    ...base(link.id, fc.x, fc.y, p), type: 'arrow',
    props: {
      kind: 'arc', elbowMidPoint: 0.5, dash: link.kind === 'blocks' ? 'dashed' : 'solid', size: 'm', fill: 'none',
      color: LINK_COLORS[link.kind], labelColor: LINK_COLORS[link.kind],
      bend: 0, start: { x: 0, y: 0 }, end: { x: tc.x - fc.x, y: tc.y - fc.y },
      arrowheadStart: 'none', arrowheadEnd: 'arrow',
      richText: toRichText(strings.link[link.kind]), labelPosition: 0.5, font: 'sans', scale: 1,
    },
  }
  const binding = (terminal: 'start' | 'end', target: TLShape): TLArrowBinding => ({
    id: linkBindingId(link.id, terminal),
    typeName: 'binding',
    type: 'arrow',
    fromId: arrow.id,
    toId: target.id,
    props: { terminal, normalizedAnchor: { x: 0.5, y: 0.5 }, isExact: false, isPrecise: false, snap: 'none' },
    meta: {},
  })
  return { arrow, bindings: [binding('start', from), binding('end', to)] }
}

function centreOf(s: TLShape): { x: number; y: number } {
  const props = s.props as { w?: unknown; h?: unknown }
  const w = typeof props.w === 'number' ? props.w : 0
  const h = typeof props.h === 'number' ? props.h : 0
  return { x: s.x + w / 2, y: s.y + h / 2 }
}

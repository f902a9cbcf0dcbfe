/**
 * The board's custom shape types: names, props, validators and migrations. No rendering here, so
 * the bridge (and its tests) can build a tldraw store without React.
 *
 * A shape's id is 'shape:' + the entity id in the Y.Doc (see ../bridge/ids.ts).
 */
import {
  T, createShapePropsMigrationSequence,
  type RecordProps, type TLPropsMigrations, type TLShape,
} from 'tldraw'
import { LINK_KINDS, type ActionFieldName, type ItemFields, type LinkKind, type Role } from '../../../shared/schema.ts'
import { authorSchema, domainSchema, itemSchema, planSchema } from '../../../shared/entities/index.ts'

export const ITEM_TYPE = 'kt-item'
export const DOMAIN_TYPE = 'kt-domain'
export const RESIDENT_TYPE = 'kt-resident'
export const ENTITY_SHAPE_TYPES: readonly string[] = [ITEM_TYPE, DOMAIN_TYPE, RESIDENT_TYPE]
/**
 * Id (after 'shape:') and `key` of the 'Nog geen leefgebied' area: a domain shape of no entity
 * (the '~' cannot occur in an entity id).
 */
export const UNASSIGNED_AREA_ID = '~unassigned'

/** One line on a card about a link: its kind, its direction and the other card's (short) text. */
export interface CardLink {
  kind: LinkKind
  dir: 'out' | 'in'
  other: string
}

/**
 * An item card shows the item's own fields (as the schema defines them), its author (and who
 * wrote it down), its links in words, and the size the board's layout gave it.
 */
export interface ItemShapeProps extends Pick<ItemFields, 'kind' | 'text' | 'domainId' | 'stress' | 'signal' | ActionFieldName> {
  w: number
  h: number
  authorName: string
  authorOrg: string
  authorRole: Role
  recordedBy: { name: string; org: string } | null
  links: CardLink[]
}

export interface DomainShapeProps {
  w: number
  h: number
  label: string
  /** Key within the template, e.g. 'income_debts'. */
  key: string
  score: number | null
}

export interface ResidentShapeProps {
  w: number
  h: number
  goal: string
  route: string | null
  ladderNow: number | null
  ladderGoal: number | null
}

declare module 'tldraw' {
  export interface TLGlobalShapePropsMap {
    [ITEM_TYPE]: ItemShapeProps
    [DOMAIN_TYPE]: DomainShapeProps
    [RESIDENT_TYPE]: ResidentShapeProps
  }
}

export type ItemShape = TLShape<typeof ITEM_TYPE>
export type DomainShape = TLShape<typeof DOMAIN_TYPE>
export type ResidentShape = TLShape<typeof RESIDENT_TYPE>

// ---------- validators ----------
// Enumerations come from the entity schemas (shared/entities/), so the board accepts exactly the
// values the document may hold; tests/unit/client/board/defs.test.ts checks the field lists.

const size = T.positiveNumber
const item = itemSchema.shape

export const itemShapeProps: RecordProps<ItemShape> = {
  w: size,
  h: size,
  kind: T.literalEnum(...item.kind.options),
  text: T.string,
  domainId: T.string.nullable(),
  stress: T.boolean,
  signal: T.boolean,
  owner: T.string,
  ownerOrg: T.string,
  due: T.string,
  status: T.literalEnum(...item.status.unwrap().options),
  deviation: T.boolean,
  deviationRule: T.string,
  deviationMotivation: T.string,
  authorName: T.string,
  authorOrg: T.string,
  authorRole: T.literalEnum(...authorSchema.shape.role.options),
  recordedBy: T.object({ name: T.string, org: T.string }).nullable(),
  links: T.arrayOf(T.object({
    kind: T.literalEnum(...LINK_KINDS),
    dir: T.literalEnum('out', 'in'),
    other: T.string,
  })),
}

export const domainShapeProps: RecordProps<DomainShape> = {
  w: size,
  h: size,
  label: T.string,
  key: T.string,
  score: T.integer.nullable(),
}

/** Fields of the card taken from the item entity as they are; the others are derived (see below). */
export const ITEM_CARD_ENTITY_FIELDS = [
  'kind', 'text', 'domainId', 'stress', 'signal', 'owner', 'ownerOrg', 'due', 'status', 'deviation', 'deviationRule',
  'deviationMotivation',
] as const satisfies readonly (keyof typeof item)[]
/** Card props derived from entity fields: author* from `author`, recordedBy from `recordedBy`. */
export const ITEM_CARD_DERIVED_FIELDS = { authorName: 'author', authorOrg: 'author', authorRole: 'author', recordedBy: 'recordedBy' } as const
/** Card props that come from elsewhere: w/h from the board's layout, links from the links map. */
export const ITEM_CARD_VIEW_FIELDS = ['w', 'h', 'links'] as const
/** Domain and resident props likewise come from the domain entity and the plan. */
export const DOMAIN_CARD_ENTITY_FIELDS = ['label', 'key', 'score'] as const satisfies readonly (keyof typeof domainSchema.shape)[]
export const RESIDENT_CARD_PLAN_FIELDS = ['goal', 'route', 'ladderNow', 'ladderGoal'] as const satisfies readonly (keyof typeof planSchema.shape)[]

export const residentShapeProps: RecordProps<ResidentShape> = {
  w: size,
  h: size,
  goal: T.string,
  route: T.string.nullable(),
  ladderNow: T.integer.nullable(),
  ladderGoal: T.integer.nullable(),
}

// ---------- migrations ----------
// The shapes are a projection rebuilt from the Y.Doc on every load, so their records are never
// persisted by tldraw. The sequences exist so that a future props change has a place to go.

export const itemShapeMigrations: TLPropsMigrations = createShapePropsMigrationSequence({ sequence: [] })
export const domainShapeMigrations: TLPropsMigrations = createShapePropsMigrationSequence({ sequence: [] })
export const residentShapeMigrations: TLPropsMigrations = createShapePropsMigrationSequence({ sequence: [] })

/** For createTLSchema({ shapes: { ...defaultShapeSchemas, ...boardShapeSchemas } }). */
export const boardShapeSchemas = {
  [ITEM_TYPE]: { props: itemShapeProps, migrations: itemShapeMigrations },
  [DOMAIN_TYPE]: { props: domainShapeProps, migrations: domainShapeMigrations },
  [RESIDENT_TYPE]: { props: residentShapeProps, migrations: residentShapeMigrations },
}

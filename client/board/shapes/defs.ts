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
import { ACTION_STATUSES, ITEM_KINDS, ROLES, type ActionFieldName, type ItemFields, type Role } from '../../../shared/schema.ts'

export const ITEM_TYPE = 'kt-item'
export const DOMAIN_TYPE = 'kt-domain'
export const RESIDENT_TYPE = 'kt-resident'
export const ENTITY_SHAPE_TYPES: readonly string[] = [ITEM_TYPE, DOMAIN_TYPE, RESIDENT_TYPE]

/** An item card shows the item's own fields (as the schema defines them), its size and its author. */
export interface ItemShapeProps extends Pick<ItemFields, 'kind' | 'text' | 'domainId' | 'stress' | 'signal' | ActionFieldName> {
  w: number
  h: number
  authorName: string
  authorOrg: string
  authorRole: Role
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

const size = T.positiveNumber

export const itemShapeProps: RecordProps<ItemShape> = {
  w: size,
  h: size,
  kind: T.literalEnum(...ITEM_KINDS),
  text: T.string,
  domainId: T.string.nullable(),
  stress: T.boolean,
  signal: T.boolean,
  owner: T.string,
  ownerOrg: T.string,
  due: T.string,
  status: T.literalEnum(...ACTION_STATUSES),
  deviation: T.boolean,
  deviationRule: T.string,
  deviationMotivation: T.string,
  authorName: T.string,
  authorOrg: T.string,
  authorRole: T.literalEnum(...ROLES),
}

export const domainShapeProps: RecordProps<DomainShape> = {
  w: size,
  h: size,
  label: T.string,
  key: T.string,
  score: T.integer.nullable(),
}

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

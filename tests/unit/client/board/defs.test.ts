import { describe, expect, it } from 'vitest'
import {
  DOMAIN_CARD_ENTITY_FIELDS, ITEM_CARD_DERIVED_FIELDS, ITEM_CARD_ENTITY_FIELDS, ITEM_CARD_VIEW_FIELDS, RESIDENT_CARD_PLAN_FIELDS,
  domainShapeProps, itemShapeProps, residentShapeProps,
} from '../../../../client/board/shapes/defs.ts'
import { domainSchema, itemSchema, planSchema } from '../../../../shared/entities/index.ts'

describe('the board shape props', () => {
  it('of an item card are item fields, derived from one, or the view (layout size, links)', () => {
    const props = Object.keys(itemShapeProps).sort()
    expect(props).toEqual([...ITEM_CARD_ENTITY_FIELDS, ...Object.keys(ITEM_CARD_DERIVED_FIELDS), ...ITEM_CARD_VIEW_FIELDS].sort())
    for (const f of [...ITEM_CARD_ENTITY_FIELDS, ...Object.values(ITEM_CARD_DERIVED_FIELDS)]) {
      expect(Object.keys(itemSchema.shape), f).toContain(f)
    }
  })

  it('of a domain and of the resident come from the domain entity and the plan', () => {
    expect(Object.keys(domainShapeProps).sort()).toEqual([...DOMAIN_CARD_ENTITY_FIELDS, 'w', 'h'].sort())
    for (const f of DOMAIN_CARD_ENTITY_FIELDS) expect(Object.keys(domainSchema.shape)).toContain(f)
    expect(Object.keys(residentShapeProps).sort()).toEqual([...RESIDENT_CARD_PLAN_FIELDS, 'w', 'h'].sort())
    for (const f of RESIDENT_CARD_PLAN_FIELDS) expect(Object.keys(planSchema.shape)).toContain(f)
  })

  it('accept exactly the kinds and statuses the item schema allows', () => {
    for (const kind of itemSchema.shape.kind.options) expect(() => itemShapeProps.kind.validate(kind)).not.toThrow()
    expect(() => itemShapeProps.kind.validate('cat')).toThrow()
    for (const st of itemSchema.shape.status.unwrap().options) expect(() => itemShapeProps.status.validate(st)).not.toThrow()
    expect(() => itemShapeProps.status.validate('later')).toThrow()
  })
})

/** A plan item card: problem, wish, strength, action or note. */
import {
  HTMLContainer, Rectangle2d, ShapeUtil, resizeBox,
  type Geometry2d, type TLResizeInfo, type TLShapeUtilCanBindOpts,
} from 'tldraw'
import { ITEM_SIZE } from '../../../shared/schema.ts'
import { ITEM_TYPE, itemShapeMigrations, itemShapeProps, type ItemShape } from './defs.ts'
import { ItemCard } from './ItemCard.tsx'

export const ITEM_MIN_SIZE = { w: 140, h: 80 }

export class ItemShapeUtil extends ShapeUtil<ItemShape> {
  static override type = ITEM_TYPE
  static override props = itemShapeProps
  static override migrations = itemShapeMigrations

  getDefaultProps(): ItemShape['props'] {
    return {
      w: ITEM_SIZE.w, h: ITEM_SIZE.h, kind: 'note', text: '', domainId: null, stress: false, signal: false,
      owner: '', ownerOrg: '', due: '', status: 'open', deviation: false, deviationRule: '', deviationMotivation: '',
      authorName: '', authorOrg: '', authorRole: 'professional',
    }
  }

  getGeometry(shape: ItemShape): Geometry2d {
    return new Rectangle2d({ width: shape.props.w, height: shape.props.h, isFilled: true })
  }

  override canEdit(): boolean {
    return true
  }
  override canResize(): boolean {
    return true
  }
  override hideRotateHandle(): boolean {
    return true
  }
  override canBind(opts: TLShapeUtilCanBindOpts): boolean {
    return opts.bindingType === 'arrow'
  }
  override getText(shape: ItemShape): string {
    return shape.props.text
  }
  override getAriaDescriptor(shape: ItemShape): string {
    return `${shape.props.kind}: ${shape.props.text}`
  }

  override onResize(shape: ItemShape, info: TLResizeInfo<ItemShape>) {
    return resizeBox(shape, info, { minWidth: ITEM_MIN_SIZE.w, minHeight: ITEM_MIN_SIZE.h })
  }

  component(shape: ItemShape) {
    return (
      <HTMLContainer className="kt-shape-container">
        <ItemCard shape={shape} />
      </HTMLContainer>
    )
  }

  getIndicatorPath(shape: ItemShape) {
    const path = new Path2D()
    path.roundRect(0, 0, shape.props.w, shape.props.h, 10)
    return path
  }
}

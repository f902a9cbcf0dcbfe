/**
 * A plan item card: problem, wish, strength, action or note. Its place and size come from the
 * board's layout (../layout/): it cannot be resized by hand (it grows with its text), and a
 * card dragged somewhere is put into the flow of the domain it was dropped in. It is edited in
 * place only by who may change it (../rights.ts: a resident only a resident's own card).
 */
import { HTMLContainer, Rectangle2d, ShapeUtil, type Geometry2d, type TLShapeUtilCanBindOpts } from 'tldraw'
import { CARD_W } from '../layout/metrics.ts'
import { editorMayEditCard } from '../rights.ts'
import { ITEM_TYPE, itemShapeMigrations, itemShapeProps, type ItemShape } from './defs.ts'
import { ItemCard } from './ItemCard.tsx'
import { cardAriaLabel } from './cardContent.ts'

/** The board's language as tldraw knows it (Board sets the user's locale). */
export function boardLocale(locale: string | undefined): 'nl' | 'en' {
  return locale?.startsWith('en') ? 'en' : 'nl'
}

export class ItemShapeUtil extends ShapeUtil<ItemShape> {
  static override type = ITEM_TYPE
  static override props = itemShapeProps
  static override migrations = itemShapeMigrations

  getDefaultProps(): ItemShape['props'] {
    return {
      w: CARD_W, h: 120, kind: 'note', text: '', domainId: null, stress: false, signal: false,
      owner: '', ownerOrg: '', due: '', status: 'open', deviation: false, deviationRule: '', deviationMotivation: '',
      authorName: '', authorOrg: '', authorRole: 'professional', recordedBy: null, links: [],
    }
  }

  getGeometry(shape: ItemShape): Geometry2d {
    return new Rectangle2d({ width: shape.props.w, height: shape.props.h, isFilled: true })
  }

  override canEdit(shape: ItemShape): boolean {
    return editorMayEditCard(this.editor, shape.props.authorRole)
  }
  override canResize(): boolean {
    return false
  }
  override hideResizeHandles(): boolean {
    return true
  }
  override hideRotateHandle(): boolean {
    return true
  }
  override isAspectRatioLocked(): boolean {
    return true
  }
  override canBind(opts: TLShapeUtilCanBindOpts): boolean {
    return opts.bindingType === 'arrow'
  }
  override canSnap(): boolean {
    return false
  }
  override getText(shape: ItemShape): string {
    return shape.props.text
  }
  override getAriaDescriptor(shape: ItemShape): string {
    return cardAriaLabel(shape.props, boardLocale(this.editor.user.getLocale()))
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

/**
 * A life domain ('leefgebied'): a labelled region on the canvas, with a score on scaled templates.
 * The board's layout places and sizes it (it grows with its cards); it cannot be moved or resized
 * by hand. The same shape, with a fixed id of no entity, shows the 'Nog geen leefgebied' area.
 */
import { Group2d, HTMLContainer, Rectangle2d, ShapeUtil, stopEventPropagation, type Geometry2d } from 'tldraw'
import { updateDomain } from '../../../shared/doc.ts'
import { translator } from '../../i18n.ts'
import { useBoard, writeUi } from '../context.ts'
import { mayChangeShared } from '../rights.ts'
import { entityIdOf } from '../bridge/ids.ts'
import { domainLabel } from '../ui/domainLabel.ts'
import { DOMAIN_HEAD, DOMAIN_W } from '../layout/metrics.ts'
import { DOMAIN_TYPE, UNASSIGNED_AREA_ID, domainShapeMigrations, domainShapeProps, type DomainShape } from './defs.ts'
import { boardLocale } from './ItemShapeUtil.tsx'

/** Height of the title bar (the rest of DOMAIN_HEAD is space above the first cards). */
export const DOMAIN_HEAD_HEIGHT = 48
/** `key` of the 'no domain' area (no template domain has it). */
export const UNASSIGNED_KEY = UNASSIGNED_AREA_ID

export class DomainShapeUtil extends ShapeUtil<DomainShape> {
  static override type = DOMAIN_TYPE
  static override props = domainShapeProps
  static override migrations = domainShapeMigrations

  getDefaultProps(): DomainShape['props'] {
    return { w: DOMAIN_W, h: DOMAIN_HEAD + 120, label: '', key: '', score: null }
  }
  getGeometry(shape: DomainShape): Geometry2d {
    // Hollow with a solid title bar: the region is taken by its title bar or edge, so a drag
    // inside it can still select the cards that lie there.
    return new Group2d({
      children: [
        new Rectangle2d({ width: shape.props.w, height: shape.props.h, isFilled: false }),
        new Rectangle2d({ width: shape.props.w, height: DOMAIN_HEAD_HEIGHT, isFilled: true }),
      ],
    })
  }
  override canBind(): boolean {
    return false
  }
  override canEdit(): boolean {
    return false
  }
  override canResize(): boolean {
    return false
  }
  override canSnap(): boolean {
    return false
  }
  override hideResizeHandles(): boolean {
    return true
  }
  override hideRotateHandle(): boolean {
    return true
  }
  override getText(shape: DomainShape): string {
    return shape.props.key === UNASSIGNED_KEY ? translator(boardLocale(this.editor.user.getLocale()))('layoutUnassigned') : shape.props.label
  }
  component(shape: DomainShape) {
    return (
      <HTMLContainer className="kt-shape-container">
        <DomainRegion shape={shape} />
      </HTMLContainer>
    )
  }
  getIndicatorPath(shape: DomainShape) {
    const path = new Path2D()
    path.roundRect(0, 0, shape.props.w, shape.props.h, 16)
    return path
  }
}

function DomainRegion({ shape }: { shape: DomainShape }) {
  const ctx = useBoard()
  const id = entityIdOf(shape.id) ?? ''
  const { score, w, h } = shape.props
  const unassigned = shape.props.key === UNASSIGNED_KEY
  const label = unassigned
    ? translator(ctx.locale)('layoutUnassigned')
    : domainLabel(shape.props, { locale: ctx.locale, templateId: ctx.templateId, residentMode: ctx.residentMode ?? false })
  const level = ctx.scale?.find((l) => l.value === score)
  return (
    <div className={`kt-domain${unassigned ? ' kt-domain-unassigned' : ''}`} data-testid={unassigned ? 'kt-unassigned' : 'kt-domain'}
      data-domain-id={id} data-score={score ?? ''} style={{ width: w, height: h, boxSizing: 'border-box' }}>
      <div className="kt-domain-head" style={{ height: DOMAIN_HEAD_HEIGHT, boxSizing: 'border-box' }}>
        <span className="kt-domain-label">{label}</span>
        {ctx.scale && !unassigned && (
          <label className={`kt-score kt-score-${score ?? 'none'}`} title={level ? level[ctx.locale] : ctx.strings.noScore}>
            <span className="kt-score-caption">{ctx.strings.score}</span>
            <select
              data-testid="kt-domain-score"
              aria-label={`${ctx.strings.score} ${label}`}
              value={score ?? ''}
              disabled={ctx.readOnly || !mayChangeShared(ctx.me.role)}
              onPointerDown={stopEventPropagation}
              onChange={(e) => {
                const v = e.currentTarget.value
                writeUi(ctx, (doc) => updateDomain(doc, id, { score: v === '' ? null : Number(v) }))
              }}
            >
              <option value="">–</option>
              {ctx.scale.map((l) => (
                <option key={l.value} value={l.value}>{`${l.value} · ${l[ctx.locale]}`}</option>
              ))}
            </select>
          </label>
        )}
      </div>
    </div>
  )
}

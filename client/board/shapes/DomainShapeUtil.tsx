/** A life domain ('leefgebied'): a labelled region on the canvas, with a score on scaled templates. */
import { Group2d, HTMLContainer, Rectangle2d, ShapeUtil, resizeBox, stopEventPropagation, type Geometry2d, type TLResizeInfo } from 'tldraw'
import { updateDomain } from '../../../shared/doc.ts'
import { DOMAIN_SIZE, getTemplate } from '../../../shared/templates.ts'
import { useBoard, writeUi } from '../context.ts'
import { entityIdOf } from '../bridge/ids.ts'
import { DOMAIN_TYPE, domainShapeMigrations, domainShapeProps, type DomainShape } from './defs.ts'

export const DOMAIN_HEAD_HEIGHT = 48

export class DomainShapeUtil extends ShapeUtil<DomainShape> {
  static override type = DOMAIN_TYPE
  static override props = domainShapeProps
  static override migrations = domainShapeMigrations

  getDefaultProps(): DomainShape['props'] {
    return { w: DOMAIN_SIZE.w, h: DOMAIN_SIZE.h, label: '', key: '', score: null }
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
  override hideRotateHandle(): boolean {
    return true
  }
  override getText(shape: DomainShape): string {
    return shape.props.label
  }
  override onResize(shape: DomainShape, info: TLResizeInfo<DomainShape>) {
    return resizeBox(shape, info, { minWidth: 240, minHeight: 160 })
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

/** A label that is still the template's Dutch wording is shown in the UI language. */
function shownLabel(label: string, key: string, locale: 'nl' | 'en', templateId: string): string {
  if (locale === 'nl') return label
  const d = getTemplate(templateId)?.domains.find((x) => x.key === key)
  return d && d.nl === label ? d.en : label
}

function DomainRegion({ shape }: { shape: DomainShape }) {
  const ctx = useBoard()
  const id = entityIdOf(shape.id) ?? ''
  const { score, w, h } = shape.props
  const label = shownLabel(shape.props.label, shape.props.key, ctx.locale, ctx.templateId)
  const level = ctx.scale?.find((l) => l.value === score)
  return (
    <div className="kt-domain" data-testid="kt-domain" data-domain-id={id} data-score={score ?? ''} style={{ width: w, height: h }}>
      <div className="kt-domain-head">
        <span className="kt-domain-label">{label}</span>
        {ctx.scale && (
          <label className={`kt-score kt-score-${score ?? 'none'}`} title={level ? level[ctx.locale] : ctx.strings.noScore}>
            <span className="kt-score-caption">{ctx.strings.score}</span>
            <select
              data-testid="kt-domain-score"
              aria-label={`${ctx.strings.score} ${label}`}
              value={score ?? ''}
              disabled={ctx.readOnly}
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

/**
 * The resident card at the top of the board: the whole long-term goal, the route and the ladder
 * (read-only here; the plan view edits them). It grows with the goal (the layout measures it).
 */
import { useMemo } from 'react'
import { HTMLContainer, Rectangle2d, ShapeUtil, type Geometry2d } from 'tldraw'
import { useBoard } from '../context.ts'
import { RESIDENT_MIN_H, RESIDENT_W } from '../layout/metrics.ts'
import { RESIDENT_TYPE, residentShapeMigrations, residentShapeProps, type ResidentShape } from './defs.ts'
import { ResidentBody } from './CardBody.tsx'
import { residentContent } from './cardContent.ts'
import { boardLocale } from './ItemShapeUtil.tsx'

export class ResidentShapeUtil extends ShapeUtil<ResidentShape> {
  static override type = RESIDENT_TYPE
  static override props = residentShapeProps
  static override migrations = residentShapeMigrations

  getDefaultProps(): ResidentShape['props'] {
    return { w: RESIDENT_W, h: RESIDENT_MIN_H, goal: '', route: null, ladderNow: null, ladderGoal: null }
  }
  getGeometry(shape: ResidentShape): Geometry2d {
    return new Rectangle2d({ width: shape.props.w, height: shape.props.h, isFilled: true })
  }
  override canBind(): boolean {
    return false
  }
  override canResize(): boolean {
    return false
  }
  override canEdit(): boolean {
    return false
  }
  override canSnap(): boolean {
    return false
  }
  override hideRotateHandle(): boolean {
    return true
  }
  override hideResizeHandles(): boolean {
    return true
  }
  override getText(shape: ResidentShape): string {
    return shape.props.goal
  }
  override getAriaDescriptor(shape: ResidentShape): string {
    const c = residentContent(shape.props, boardLocale(this.editor.user.getLocale()))
    return [`${c.title} — ${c.goalLabel}: ${c.goal || c.placeholder}`, ...c.facts.map((f) => `${f.label}: ${f.value}`)].join('. ')
  }
  component(shape: ResidentShape) {
    return (
      <HTMLContainer className="kt-shape-container">
        <ResidentCard shape={shape} />
      </HTMLContainer>
    )
  }
  getIndicatorPath(shape: ResidentShape) {
    const path = new Path2D()
    path.roundRect(0, 0, shape.props.w, shape.props.h, 24)
    return path
  }
}

function ResidentCard({ shape }: { shape: ResidentShape }) {
  const { locale } = useBoard()
  const content = useMemo(() => residentContent(shape.props, locale), [shape.props, locale])
  return <ResidentBody content={content} height={shape.props.h} />
}

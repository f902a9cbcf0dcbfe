/** The resident in the middle, with the long-term goal, route and ladder (read-only here). */
import { HTMLContainer, Rectangle2d, ShapeUtil, type Geometry2d } from 'tldraw'
import { RESIDENT_SIZE, isLadderRung, isRoute } from '../../../shared/schema.ts'
import { useBoard } from '../context.ts'
import { RESIDENT_TYPE, residentShapeMigrations, residentShapeProps, type ResidentShape } from './defs.ts'

export class ResidentShapeUtil extends ShapeUtil<ResidentShape> {
  static override type = RESIDENT_TYPE
  static override props = residentShapeProps
  static override migrations = residentShapeMigrations

  getDefaultProps(): ResidentShape['props'] {
    return { w: RESIDENT_SIZE.w, h: RESIDENT_SIZE.h, goal: '', route: null, ladderNow: null, ladderGoal: null }
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
  override hideRotateHandle(): boolean {
    return true
  }
  override hideResizeHandles(): boolean {
    return true
  }
  override getText(shape: ResidentShape): string {
    return shape.props.goal
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
  const { strings: s } = useBoard()
  const { goal, route, ladderNow, ladderGoal, w, h } = shape.props
  const rung = (n: number | null) => (isLadderRung(n) ? `${n} · ${s.ladderRung[n]}` : '–')
  return (
    <div className="kt-resident" data-testid="kt-resident" style={{ width: w, height: h }}>
      <div className="kt-resident-title">{s.resident}</div>
      <div className="kt-resident-goal-label">{s.goal}</div>
      <div className="kt-resident-goal" data-testid="kt-resident-goal">
        {goal ? goal : <span className="kt-placeholder">{s.noGoal}</span>}
      </div>
      <dl className="kt-resident-facts">
        <div>
          <dt>{s.routeLabel}</dt>
          <dd data-testid="kt-resident-route">{isRoute(route) ? s.route[route] : '–'}</dd>
        </div>
        <div>
          <dt>{s.ladder}</dt>
          <dd data-testid="kt-resident-ladder">
            {s.ladderNow} {rung(ladderNow)} → {s.ladderGoal} {rung(ladderGoal)}
          </dd>
        </div>
      </dl>
    </div>
  )
}

/**
 * The board's toolbar: a row above the canvas (never over it) that wraps on narrow screens.
 * - adding cards (AddToolbar.tsx: the add buttons, and the domain chooser in a row of its own);
 * - views: 'Overzicht', smaller/larger, 'Doel' (the resident card), one button per life domain;
 * - 'Tekenen' (free drawing, off by default; absent in resident mode, read-only and for a resident:
 *   only a professional draws, ../rights.ts) with its tools;
 * - 'Presenteren'.
 */
import { GeoShapeGeoStyle, useValue, type Editor } from 'tldraw'
import { listDomains } from '../../../shared/doc.ts'
import { useI18n, type MessageKey } from '../../i18n.ts'
import { useBoard } from '../context.ts'
import { RESIDENT_ENTITY_ID, shapeIdFor } from '../bridge/ids.ts'
import { AddButtons, DomainChooser, chosenDomain, useAdder } from './AddToolbar.tsx'
import { mayChangeShared } from '../rights.ts'
import { useBoardUi } from './boardUi.ts'
import { shapeBounds, showOverview, showReadable, zoomBy, type ViewMode } from './camera.ts'
import { domainLabel } from './domainLabel.ts'
import type { PresentingApi } from './presenting.ts'
import { useDocVersion } from '../../useDocVersion.ts'

/** Free-drawing tools offered behind 'Tekenen' (no notes: a plan note is a card). */
export const DRAW_TOOLS = ['select', 'hand', 'draw', 'eraser', 'arrow', 'text', 'rectangle', 'ellipse', 'line', 'highlight'] as const
type DrawTool = (typeof DRAW_TOOLS)[number]
const GEO_TOOLS: readonly string[] = ['rectangle', 'ellipse']

/** Rectangle and ellipse are tldraw's one 'geo' tool with a style for the next shape. */
function selectTool(editor: Editor, id: DrawTool): void {
  if (GEO_TOOLS.includes(id)) {
    editor.run(() => {
      editor.setStyleForNextShapes(GeoShapeGeoStyle, id as 'rectangle' | 'ellipse')
      editor.setCurrentTool('geo')
    })
  } else {
    editor.setCurrentTool(id)
  }
}

function currentTool(editor: Editor): string {
  const id = editor.getCurrentToolId()
  return id === 'geo' ? editor.getSharedStyles().getAsKnownValue(GeoShapeGeoStyle) ?? 'geo' : id
}

export function BoardBar({ mode, present, narrow = false }: { mode: ViewMode; present: PresentingApi; narrow?: boolean }) {
  const ctx = useBoard()
  const ui = useBoardUi()
  const { t } = useI18n()
  const { editor } = ui
  useDocVersion(ctx.doc)
  const current = useValue('kt current domain', () => chosenDomain(editor), [editor])
  const tool = useValue('kt current tool', () => currentTool(editor), [editor])
  const domains = listDomains(ctx.doc)
  const canDraw = !ctx.readOnly && !ctx.residentMode && mayChangeShared(ctx.me.role)
  const adder = useAdder(editor)

  const goTo = (entityId: string) => {
    const b = shapeBounds(editor, entityId)
    if (!b) return
    present.unfollow()
    showReadable(editor, b, mode, true)
    if (entityId !== RESIDENT_ENTITY_ID) editor.select(shapeIdFor(entityId))
  }

  const goalAndDomains = (
    <>
      <button type="button" className="kt-view-goal" data-testid="view-goal" title={t('bd_goalTitle')}
        onClick={() => goTo(RESIDENT_ENTITY_ID)}>
        {t('bd_goal')}
      </button>
      {domains.map((d) => (
        <button key={d.id} type="button" data-testid="view-domain" data-domain-id={d.id}
          aria-current={current === d.id ? true : undefined} onClick={() => goTo(d.id)}>
          {domainLabel(d, ctx)}
        </button>
      ))}
    </>
  )

  return (
    <div className="kt-bar" data-testid="board-bar">
      <div className="kt-bar-row">
        <AddButtons adder={adder} />
        <span className="kt-bar-spacer" />
        {canDraw && (
          <label className="kt-switch" data-testid="drawing-switch-label">
            <input type="checkbox" role="switch" data-testid="drawing-switch" checked={ui.drawing}
              onChange={(e) => ui.setDrawing(e.currentTarget.checked)} />
            {t('bd_drawing')}
          </label>
        )}
        {!ctx.residentMode && !ctx.readOnly && (
          <button type="button" className={`kt-present${present.presenting ? ' kt-on' : ''}`} data-testid="present-button"
            aria-pressed={present.presenting} onClick={() => (present.presenting ? present.stop() : present.start())}>
            {present.presenting ? t('bd_presentStop') : t('bd_present')}
          </button>
        )}
      </div>
      <DomainChooser adder={adder} />
      {canDraw && ui.drawing && (
        <div className="kt-bar-row kt-draw-tools" role="group" aria-label={t('bd_drawingTools')} data-testid="drawing-tools">
          {DRAW_TOOLS.map((id) => (
            <button key={id} type="button" aria-pressed={tool === id} data-testid={`tool-${id}`}
              onClick={() => selectTool(editor, id)}>
              {t(`bd_tool_${id}` as MessageKey)}
            </button>
          ))}
        </div>
      )}
      <nav className="kt-bar-row kt-views" aria-label={t('bd_view')} data-testid="board-views">
        <div className="kt-toolbar-group kt-zoom-group">
          <button type="button" data-testid="view-overview" title={t('bd_overviewTitle')}
            onClick={() => { present.unfollow(); showOverview(editor) }}>
            {t('bd_overview')}
          </button>
          <button type="button" className="kt-zoom" data-testid="zoom-out" title={t('bd_zoomOutTitle')} aria-label={t('bd_zoomOut')}
            onClick={() => { present.unfollow(); zoomBy(editor, 'out') }}>
            <span aria-hidden="true">−</span> <span className="kt-zoom-word">{t('bd_zoomOut')}</span>
          </button>
          <button type="button" className="kt-zoom" data-testid="zoom-in" title={t('bd_zoomInTitle')} aria-label={t('bd_zoomIn')}
            onClick={() => { present.unfollow(); zoomBy(editor, 'in') }}>
            <span aria-hidden="true">+</span> <span className="kt-zoom-word">{t('bd_zoomIn')}</span>
          </button>
        </div>
        {narrow ? (
          // A phone: the domain buttons fold away behind 'Leefgebieden' (they would fill the screen).
          <details className="kt-views-fold" data-testid="views-fold">
            <summary>{t('bd_domains')}</summary>
            <div className="kt-bar-row">{goalAndDomains}</div>
          </details>
        ) : (
          <>
            <span className="kt-views-label" aria-hidden="true">{t('bd_domains')}:</span>
            {goalAndDomains}
          </>
        )}
      </nav>
    </div>
  )
}

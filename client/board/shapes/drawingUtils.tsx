/**
 * tldraw's arrow, draw and geo shapes, with one change: the hatch pattern of the 'pattern' fill
 * (an SVG <pattern> per zoom level and colour scheme, drawn on canvases and encoded as images)
 * is made only once a shape on the page uses that fill. tldraw makes it when the canvas mounts,
 * which on the board is 50–80 ms of main-thread work in the middle of the first screen — and
 * the plan's cards never use it; only a drawing with that fill does ('Tekenen').
 *
 * Everything else (props, migrations, rendering, export) is tldraw's own: the subclasses keep
 * the shape types, so the store schema is unchanged.
 */
import { useEffect, useState } from 'react'
import {
  ArrowShapeUtil, DrawShapeUtil, GeoShapeUtil, useEditor,
  type Editor, type TLRecord, type TLShapeUtilCanvasSvgDef,
} from 'tldraw'

const hasPatternFill = (r: TLRecord) => r.typeName === 'shape' && (r.props as { fill?: unknown }).fill === 'pattern'

/**
 * Whether a shape with the 'pattern' fill was ever on the canvas (it stays true). One look at the
 * page when the canvas mounts, then only at the records that change: a drag (a change per pointer
 * move) costs a look at the dragged shapes, not at every shape of a large board.
 */
function usePatternFillUsed(editor: Editor): boolean {
  const [used, setUsed] = useState(() => editor.getCurrentPageShapes().some(hasPatternFill))
  useEffect(() => {
    if (used) return
    const stop = editor.store.listen(({ changes }) => {
      if (Object.values(changes.added).some(hasPatternFill) || Object.values(changes.updated).some(([, to]) => hasPatternFill(to))) setUsed(true)
    }, { scope: 'document' })
    return stop
  }, [editor, used])
  return used
}

/** Render each def only once a shape with `fill: 'pattern'` is on the canvas (and keep it then). */
function whenPatternUsed(defs: TLShapeUtilCanvasSvgDef[]): TLShapeUtilCanvasSvgDef[] {
  return defs.map(({ key, component: Def }) => ({
    key,
    component: function PatternDefWhenUsed() {
      return usePatternFillUsed(useEditor()) ? <Def /> : null
    },
  }))
}

export class KtArrowShapeUtil extends ArrowShapeUtil {
  override getCanvasSvgDefs(): TLShapeUtilCanvasSvgDef[] {
    return whenPatternUsed(super.getCanvasSvgDefs())
  }
}

export class KtDrawShapeUtil extends DrawShapeUtil {
  override getCanvasSvgDefs(): TLShapeUtilCanvasSvgDef[] {
    return whenPatternUsed(super.getCanvasSvgDefs())
  }
}

export class KtGeoShapeUtil extends GeoShapeUtil {
  override getCanvasSvgDefs(): TLShapeUtilCanvasSvgDef[] {
    return whenPatternUsed(super.getCanvasSvgDefs())
  }
}

/** Pass to <Tldraw shapeUtils>: they replace tldraw's defaults of the same type. */
export const drawingShapeUtils = [KtArrowShapeUtil, KtDrawShapeUtil, KtGeoShapeUtil] as const

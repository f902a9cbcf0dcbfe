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
import { useState } from 'react'
import {
  ArrowShapeUtil, DrawShapeUtil, GeoShapeUtil, useEditor, useValue,
  type TLShapeUtilCanvasSvgDef,
} from 'tldraw'

/** Render each def only once a shape on the current page has `fill: 'pattern'` (and keep it then). */
function whenPatternUsed(defs: TLShapeUtilCanvasSvgDef[]): TLShapeUtilCanvasSvgDef[] {
  return defs.map(({ key, component: Def }) => ({
    key,
    component: function PatternDefWhenUsed() {
      const editor = useEditor()
      const [used, setUsed] = useState(false)
      const now = useValue(
        'kt pattern fill used',
        () => !used && editor.getCurrentPageShapes().some((s) => (s.props as { fill?: unknown }).fill === 'pattern'),
        [editor, used],
      )
      if (now && !used) setUsed(true)
      return used || now ? <Def /> : null
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

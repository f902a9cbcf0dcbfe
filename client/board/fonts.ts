/**
 * Only the fonts the board uses. Cards are set in the system font (layout/metrics.ts BOARD_FONT);
 * tldraw's own fonts are needed only by what is drawn with them — link arrows' labels (sans) and
 * free drawings with text. tldraw loads each shape's fonts when the shape is shown, but on mount
 * it also preloads all 16 of its font faces (1.4 MB) "in case the user switches font". Here every
 * face still waiting to load that no shape on the page needs is dropped (the shapes' own requests
 * made so far are kept); a drawing that picks another font later still gets it, when that shape
 * is shown.
 *
 * tldraw offers no option for this: this reaches into FontManager's pending set (tldraw 5.4.2,
 * pinned exactly). If a tldraw update renames it, nothing breaks — the preload simply happens
 * again, and `npm run bench` shows the font bytes growing.
 */
import type { Editor, TLFontFace } from 'tldraw'

/** Call in the editor's onMount (tldraw queued the preload a moment earlier, in a microtask). */
export function dropUnusedFontPreload(editor: Editor): number {
  const pending = (editor.fonts as unknown as { fontsToLoad?: unknown }).fontsToLoad
  if (!(pending instanceof Set)) return 0
  // By value: tldraw queues its default faces and its themes' copies of them (other objects).
  const needed = new Set<string>()
  for (const id of editor.getCurrentPageShapeIds()) {
    for (const face of editor.fonts.getShapeFontFaces(id)) needed.add(faceKey(face))
  }
  let dropped = 0
  for (const face of [...pending] as TLFontFace[]) {
    if (!needed.has(faceKey(face))) {
      pending.delete(face)
      dropped++
    }
  }
  return dropped
}

function faceKey(f: TLFontFace): string {
  return `${f.family}|${f.weight ?? 'normal'}|${f.style ?? 'normal'}|${f.src.url}`
}

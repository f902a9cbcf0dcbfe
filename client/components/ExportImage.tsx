/** 'Bord als afbeelding': the whole board as PNG or SVG, through tldraw's own export (editor.toImage / getSvgString). */
import { useRef, useState } from 'react'
import type { Editor } from 'tldraw'
import { useI18n } from '../i18n.ts'

/** A file name without characters that file systems dislike: 'Familie Jansen 2026-03-01.png'. */
export function exportFileName(title: string, date: string, ext: 'png' | 'svg'): string {
  const base = title.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 80) || 'bord'
  return `${base} ${date}.${ext}`
}

export async function exportBoard(editor: Editor, format: 'png' | 'svg'): Promise<Blob | null> {
  const ids = [...editor.getCurrentPageShapeIds()]
  if (ids.length === 0) return null
  if (format === 'svg') {
    const res = await editor.getSvgString(ids, { background: true, padding: 32, darkMode: false })
    return res ? new Blob([res.svg], { type: 'image/svg+xml' }) : null
  }
  const res = await editor.toImage(ids, { format: 'png', background: true, padding: 32, darkMode: false, pixelRatio: 2 })
  return res.blob
}

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export function ExportImageButton({ editor, title }: { editor: Editor | null; title: string }) {
  const { t } = useI18n()
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const menu = useRef<HTMLDetailsElement>(null)
  const run = async (format: 'png' | 'svg') => {
    if (!editor) return
    if (menu.current) menu.current.open = false
    setBusy(true)
    setError(null)
    try {
      const blob = await exportBoard(editor, format)
      if (!blob) setError(t('exportEmpty'))
      else download(blob, exportFileName(title, new Date().toISOString().slice(0, 10), format))
    } catch (e) {
      setError(`${t('error')}: ${e instanceof Error ? e.message : String(e)}`)
    } finally {
      setBusy(false)
    }
  }
  return (
    <span className="export-image" data-testid="export-image">
      <details ref={menu}>
        <summary className="button-like">{t('exportImage')}</summary>
        <div className="menu">
          <button type="button" disabled={!editor || busy} onClick={() => run('png')} data-testid="export-png">{t('exportPng')}</button>
          <button type="button" disabled={!editor || busy} onClick={() => run('svg')} data-testid="export-svg">{t('exportSvg')}</button>
        </div>
      </details>
      {error && <span className="error" role="alert" data-testid="export-error">{error}</span>}
    </span>
  )
}

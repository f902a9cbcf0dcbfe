/**
 * A word that needs explaining ('signaal', 'gemotiveerd afwijken', 'participatieladder', 'route',
 * 'ZRM-score'…) with its plain explanation (B1) one tap, click or Enter away. A disclosure
 * button, not a hover-only title: it works by touch, keyboard and screen reader (aria-expanded,
 * the explanation is announced as the button's description and shown right below the word).
 * Escape closes it. The explanations live in the dictionary (client/i18n.ts, `term_*`).
 *
 *   <Term term="signal">{s.signal}</Term>      the word as shown, then a small (?) button
 *   <Term term="ladder" />                     only the (?) button, after a label that names the word
 */
import { useId, useState, type ReactNode } from 'react'
import { useI18n, type MessageKey } from '../i18n.ts'

export type TermKey =
  | 'signal' | 'deviation' | 'ladder' | 'route' | 'routeParallel' | 'zrmScore'
  | 'stress' | 'goal' | 'domain' | 'snapshot' | 'meeting' | 'action'

/** The plain explanation of a term, for places that cannot host the button (e.g. a print-out). */
export function termText(t: (k: MessageKey) => string, term: TermKey): string {
  return t(`term_${term}`)
}

export function Term({ term, children, label }: { term: TermKey; children?: ReactNode; label?: string }) {
  const { t } = useI18n()
  const [open, setOpen] = useState(false)
  const id = useId()
  const word = label ?? (typeof children === 'string' ? children : '')
  return (
    <span className={`term${open ? ' term-open' : ''}`} data-testid={`term-${term}`}>
      {children !== undefined && <span className="term-word">{children}</span>}
      <button
        type="button"
        className="term-toggle"
        aria-expanded={open}
        aria-controls={id}
        aria-label={word ? `${t('termExplain')}: ${word}` : t('termExplain')}
        // Keep the board (tldraw) from taking the press as the start of a drag or a selection.
        onPointerDown={(e) => e.stopPropagation()}
        onClick={(e) => { e.stopPropagation(); setOpen((o) => !o) }}
        onKeyDown={(e) => { if (e.key === 'Escape' && open) { e.stopPropagation(); setOpen(false) } }}
      >
        <span aria-hidden="true">?</span>
      </button>
      <span id={id} className="term-explain" role="note" hidden={!open} data-testid={`term-${term}-text`}>
        {termText(t, term)}
      </span>
    </span>
  )
}

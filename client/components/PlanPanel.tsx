/**
 * The plan fields the research asks for, beside the board: the long-term goal ('stip op de
 * horizon'), the route, the participation ladder now and as goal, and ZRM scores per domain.
 * Everything reads and writes the same document as the board, live.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react'
import * as Y from 'yjs'
import { listDomains, parts, readMeta, readPlanFields, setGoal, updateDomain, updatePlan } from '../../shared/doc.ts'
import { MAX_LONG_FIELD_CHARS } from '../../shared/limits.ts'
import { LADDER_RUNGS, ROUTES, isLadderRung, isRoute } from '../../shared/schema.ts'
import { getTemplate } from '../../shared/templates.ts'
import { useI18n, type MessageKey } from '../i18n.ts'

/** Re-render on any change to the plan or the domains; returns a version counter. */
function useDocVersion(doc: Y.Doc): number {
  const version = useRef(0)
  return useSyncExternalStore(
    (notify) => {
      const p = parts(doc)
      const on = () => {
        version.current++
        notify()
      }
      p.plan.observeDeep(on)
      p.domains.observeDeep(on)
      return () => {
        p.plan.unobserveDeep(on)
        p.domains.unobserveDeep(on)
      }
    },
    () => version.current,
  )
}

export function PlanPanel({ doc, readOnly }: { doc: Y.Doc; readOnly: boolean }) {
  const { t, locale } = useI18n()
  useDocVersion(doc)
  const plan = readPlanFields(doc)
  const template = getTemplate(readMeta(doc).templateId)
  const domains = listDomains(doc)
  const plainLabel = (key: string, label: string) => {
    const d = template?.domains.find((x) => x.key === key)
    return locale === 'en' ? d?.en ?? label : label
  }

  return (
    <aside className="plan-panel" aria-label={t('plan')}>
      <h2>{t('plan')}</h2>
      <GoalField doc={doc} readOnly={readOnly} />
      <label>
        {t('route')}
        <select
          data-testid="plan-route" disabled={readOnly} value={plan.route ?? ''}
          onChange={(e) => updatePlan(doc, { route: isRoute(e.target.value) ? e.target.value : null })}
        >
          <option value="">{t('routeNone')}</option>
          {ROUTES.map((r) => <option key={r} value={r}>{t(`route_${r}` as MessageKey)}</option>)}
        </select>
      </label>
      {(['ladderNow', 'ladderGoal'] as const).map((field) => (
        <label key={field}>
          {t(field)}
          <select
            data-testid={field === 'ladderNow' ? 'plan-ladder-now' : 'plan-ladder-goal'} disabled={readOnly} value={plan[field] ?? ''}
            onChange={(e) => {
              const n = Number(e.target.value)
              updatePlan(doc, { [field]: isLadderRung(n) ? n : null })
            }}
          >
            <option value="">{t('ladderNone')}</option>
            {LADDER_RUNGS.map((r) => <option key={r} value={r}>{t(`ladder${r}` as MessageKey)}</option>)}
          </select>
        </label>
      ))}
      {template?.scale && (
        <fieldset className="scores">
          <legend>{t('scores')}</legend>
          {domains.map((d) => (
            <label key={d.id} className="score-row">
              <span>{plainLabel(d.key, d.label)}</span>
              <select
                data-testid="plan-score" disabled={readOnly} value={d.score ?? ''}
                onChange={(e) => updateDomain(doc, d.id, { score: e.target.value ? Number(e.target.value) : null })}
              >
                <option value="">{t('scoreNone')}</option>
                {template.scale!.map((s) => <option key={s.value} value={s.value}>{s.value} {s[locale]}</option>)}
              </select>
            </label>
          ))}
        </fieldset>
      )}
    </aside>
  )
}

/**
 * A textarea bound to the plan's goal Y.Text: local typing becomes minimal edits, remote edits
 * update the text while keeping the local cursor where it was relative to the text around it.
 */
export function GoalField({ doc, readOnly }: { doc: Y.Doc; readOnly: boolean }) {
  const { t } = useI18n()
  const ref = useRef<HTMLTextAreaElement>(null)
  const [value, setValue] = useState(() => readPlanFields(doc).goal)
  useEffect(() => {
    const plan = parts(doc).plan
    let text: Y.Text | null = null
    const onText = (e: Y.YTextEvent) => {
      if (e.transaction.local) return
      const next = (e.target as Y.Text).toString()
      const el = ref.current
      // Write the new text and the shifted selection into the element at once, in the same task:
      // React then finds the element already holding its new value and leaves the cursor alone.
      // (Deferring the selection, or reading it back after React re-rendered, loses the cursor
      // when several remote edits arrive in a row.)
      if (el && el.value !== next) {
        const focused = document.activeElement === el
        const start = shift(el.selectionStart, e.delta)
        const end = shift(el.selectionEnd, e.delta)
        const dir = el.selectionDirection
        el.value = next
        if (focused) el.setSelectionRange(start, end, dir ?? undefined)
      }
      setValue(next)
    }
    const attach = () => {
      text?.unobserve(onText)
      const g = plan.get('goal')
      text = g instanceof Y.Text ? g : null
      text?.observe(onText)
      setValue(text?.toString() ?? '')
    }
    const onPlan = (e: Y.YMapEvent<unknown>) => {
      if (e.keysChanged.has('goal')) attach()
    }
    attach()
    plan.observe(onPlan)
    return () => {
      plan.unobserve(onPlan)
      text?.unobserve(onText)
    }
  }, [doc])
  return (
    <label>
      {t('goal')}
      <span className="help">{t('goalHelp')}</span>
      <textarea
        ref={ref} data-testid="plan-goal" rows={4} maxLength={MAX_LONG_FIELD_CHARS} readOnly={readOnly} value={value}
        onChange={(e) => {
          const next = e.target.value
          setValue(next)
          try {
            setGoal(doc, next)
          } catch {
            // Too long for the schema (maxLength normally prevents it): keep the document as it was.
            setValue(readPlanFields(doc).goal)
          }
        }}
      />
    </label>
  )
}

/** Where a cursor at `pos` (in the old text) ends up after a remote text delta. */
export function shift(pos: number, delta: { insert?: unknown; delete?: number; retain?: number }[]): number {
  let oldIndex = 0
  let result = pos
  for (const op of delta) {
    if (oldIndex > pos) break
    if (op.retain) {
      oldIndex += op.retain
    } else if (typeof op.insert === 'string') {
      // Text typed exactly at the cursor goes after it (the local typist keeps their place).
      if (oldIndex < pos) result += op.insert.length
    } else if (op.delete) {
      result -= Math.min(op.delete, Math.max(0, pos - oldIndex))
      oldIndex += op.delete
    }
  }
  return Math.max(0, result)
}

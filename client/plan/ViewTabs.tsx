/**
 * Tabs in the WAI-ARIA pattern: one Tab stop (the selected tab), arrow keys, Home and End move
 * between tabs and select them. Used for the board page's views (Plan / Bord / Momentopnamen).
 */
import { useRef, type KeyboardEvent } from 'react'

export interface ViewTab<K extends string> {
  key: K
  label: string
  testId?: string
}

export function ViewTabs<K extends string>({ tabs, selected, onSelect, label, idPrefix }: {
  tabs: readonly ViewTab<K>[]; selected: K; onSelect(key: K): void; label: string; idPrefix: string
}) {
  const refs = useRef(new Map<K, HTMLButtonElement>())
  const onKey = (e: KeyboardEvent) => {
    const i = tabs.findIndex((x) => x.key === selected)
    let next = -1
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') next = (i + 1) % tabs.length
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') next = (i - 1 + tabs.length) % tabs.length
    else if (e.key === 'Home') next = 0
    else if (e.key === 'End') next = tabs.length - 1
    if (next < 0) return
    e.preventDefault()
    const k = tabs[next]!.key
    onSelect(k)
    refs.current.get(k)?.focus()
  }
  return (
    <div className="tabs" role="tablist" aria-label={label} onKeyDown={onKey}>
      {tabs.map((tab) => (
        <button
          key={tab.key} type="button" role="tab" id={`${idPrefix}-tab-${tab.key}`} aria-controls={`${idPrefix}-panel`}
          aria-selected={tab.key === selected} tabIndex={tab.key === selected ? 0 : -1} data-testid={tab.testId}
          ref={(el) => { if (el) refs.current.set(tab.key, el); else refs.current.delete(tab.key) }}
          onClick={() => onSelect(tab.key)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  )
}

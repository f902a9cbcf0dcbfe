/**
 * What every part of the plan view needs: the document, who is looking (role, resident mode),
 * the words, the template's labels, and a way to tell the user what just happened (with undo).
 */
import { createContext, useContext } from 'react'
import type * as Y from 'yjs'
import type { Author, DomainFields, ItemFields, Role } from '../../shared/schema.ts'
import type { LifeDomainTemplate } from '../../shared/templates.ts'
import { fill, type Locale, type MessageKey, type T } from '../i18n.ts'

export interface Notice {
  text: string
  /** Offered as a button next to the text ('Ongedaan maken'); focus moves to it. */
  undo?: () => void
}

export interface PlanViewContextValue {
  doc: Y.Doc
  readOnly: boolean
  role: Role
  residentMode: boolean
  t: T
  locale: Locale
  domains: DomainFields[]
  template: LifeDomainTemplate | null
  /** Who is acting here (deletions are stamped with it). */
  me: Author
  notify(n: Notice): void
  /** Run a write; a refused write (invalid input) is told, never thrown at the user. */
  write(fn: () => void): boolean
}

export const PlanViewContext = createContext<PlanViewContextValue | null>(null)

export function usePlanView(): PlanViewContextValue {
  const v = useContext(PlanViewContext)
  if (!v) throw new Error('usePlanView outside the plan view')
  return v
}

/** A domain's label for this reader: English, the plain (Mijn ZRM) words in resident mode, else the instrument's. */
export function domainLabel(ctx: Pick<PlanViewContextValue, 'template' | 'locale' | 'residentMode'>, d: Pick<DomainFields, 'key' | 'label'>): string {
  const td = ctx.template?.domains.find((x) => x.key === d.key)
  if (ctx.locale === 'en') return td?.en ?? d.label
  if (ctx.residentMode) return td?.plainNl ?? d.label
  return d.label
}

/** Short text of an item for sentences and option lists ('Schulden'), never empty. */
export function itemText(t: T, item: Pick<ItemFields, 'text'>, max = 60): string {
  const s = item.text.trim().replace(/\s+/g, ' ')
  if (!s) return t('pv_noText')
  return s.length > max ? `${s.slice(0, max - 1)}…` : s
}

/** 'Knelpunt: Schulden'. */
export function itemName(t: T, item: Pick<ItemFields, 'kind' | 'text'>): string {
  return `${t(`kind_${item.kind}` as MessageKey)}: ${itemText(t, item)}`
}

/** Whose words an item is: 'door Sanne (Sociaal wijkteam)', 'Inwoner', 'Inwoner · opgeschreven door Sanne'. */
export function authorLine(t: T, item: Pick<ItemFields, 'author' | 'recordedBy'>): string {
  const a = item.author
  let who: string
  if (a.role === 'resident') who = a.name ? `${t('pv_residentAuthor')} (${a.name})` : t('pv_residentAuthor')
  else who = fill(t('pv_by'), { name: a.org ? `${a.name} (${a.org})` : a.name || '?' })
  if (item.recordedBy) who += ` · ${fill(t('pv_recordedBy'), { name: item.recordedBy.name })}`
  return who
}

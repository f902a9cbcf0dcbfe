/**
 * Polite, summarised announcements of what other participants changed: changes whose transaction
 * did not start here are collected until the document has been quiet for a moment, then told in
 * one sentence per person ('Fatima heeft 2 knelpunten toegevoegd en 1 afspraak gewijzigd') in
 * one aria-live region. Own changes are never announced; layout writes (pos, size) are no news.
 */
import { useEffect, useRef, useState } from 'react'
import * as Y from 'yjs'
import type { Awareness } from 'y-protocols/awareness'
import { readPresence } from '../../shared/awareness.ts'
import { parts } from '../../shared/doc.ts'
import { ITEM_KINDS, isItemKind, type ItemKind } from '../../shared/schema.ts'
import { fill, type Locale, type MessageKey, type T } from '../i18n.ts'

export type Verb = 'added' | 'changed' | 'deleted' | 'restored'
export type Noun = ItemKind | 'link' | 'goal' | 'route' | 'ladder' | 'score'

const VERBS: readonly Verb[] = ['added', 'changed', 'deleted', 'restored']
const NOUNS: readonly Noun[] = [...ITEM_KINDS, 'link', 'goal', 'route', 'ladder', 'score']
/** Nouns told without a count ('het doel gewijzigd'). */
const SINGLE: ReadonlySet<Noun> = new Set(['goal', 'route', 'ladder'])
/** Item and domain keys that only the board's layout writes. */
const LAYOUT_KEYS: ReadonlySet<string> = new Set(['pos', 'size'])

/** Per person (name; '' when unknown): per verb, per noun, the ids of what changed. */
export type ChangeLog = Map<string, Map<Verb, Map<Noun, Set<string>>>>

function note(log: ChangeLog, who: string, verb: Verb, noun: Noun, id: string): void {
  let person = log.get(who)
  if (!person) log.set(who, (person = new Map()))
  let byNoun = person.get(verb)
  if (!byNoun) person.set(verb, (byNoun = new Map()))
  let ids = byNoun.get(noun)
  if (!ids) byNoun.set(noun, (ids = new Set()))
  ids.add(id)
}

/** Who made a transaction: the first participant whose clock it advanced and whom awareness names. */
function authorOf(tr: Y.Transaction, awareness: Awareness | null | undefined): string {
  if (!awareness) return ''
  const states = awareness.getStates()
  for (const [client, clock] of tr.afterState) {
    if (clock <= (tr.beforeState.get(client) ?? 0)) continue
    const p = readPresence(states.get(client))
    if (p?.user.name) return p.user.name
  }
  return ''
}

/** Add what one (remote) transaction changed to the log. */
export function collect(log: ChangeLog, doc: Y.Doc, tr: Y.Transaction, who: string): void {
  const p = parts(doc)
  const added = new Set<string>()
  const itemKind = (id: string): ItemKind | null => {
    const k = p.items.get(id)?.get('kind')
    return isItemKind(k) ? k : null
  }
  const top = (type: unknown): 'items' | 'links' | 'plan' | null =>
    type === (p.items as unknown) ? 'items' : type === (p.links as unknown) ? 'links' : type === (p.plan as unknown) ? 'plan' : null
  for (const [type, keys] of tr.changed) {
    const which = top(type)
    if (which === 'items') {
      for (const key of keys) {
        if (key === null) continue
        const kind = itemKind(key)
        if (kind) {
          added.add(key)
          note(log, who, 'added', kind, key)
        }
      }
    } else if (which === 'links') {
      for (const key of keys) {
        if (key === null) continue
        note(log, who, p.links.has(key) ? 'added' : 'deleted', 'link', key)
      }
    } else if (which === 'plan') {
      if (keys.has('route')) note(log, who, 'changed', 'route', 'route')
      if (keys.has('ladderNow') || keys.has('ladderGoal')) note(log, who, 'changed', 'ladder', 'ladder')
      if (keys.has('goal')) note(log, who, 'changed', 'goal', 'goal')
    }
  }
  for (const [type, keys] of tr.changed) {
    const parent = type.parent
    if (type instanceof Y.Map && parent === p.items) {
      const id = type.get('id')
      if (typeof id !== 'string' || added.has(id)) continue
      const kind = itemKind(id)
      if (!kind) continue
      if (keys.has('deletedAt')) {
        const d = type.get('deletedAt')
        note(log, who, d === null || d === undefined ? 'restored' : 'deleted', kind, id)
      } else if ([...keys].some((k) => k !== null && !LAYOUT_KEYS.has(k) && k !== 'deletedBy')) {
        note(log, who, 'changed', kind, id)
      }
    } else if (type instanceof Y.Text && parent instanceof Y.Map && parent.parent === p.items) {
      const id = parent.get('id')
      const kind = typeof id === 'string' ? itemKind(id) : null
      if (kind && typeof id === 'string' && !added.has(id)) note(log, who, 'changed', kind, id)
    } else if (type instanceof Y.Text && parent === p.plan) {
      note(log, who, 'changed', 'goal', 'goal')
    } else if (type instanceof Y.Map && parent === p.links && keys.has('kind')) {
      const id = type.get('id')
      if (typeof id === 'string') note(log, who, 'changed', 'link', id)
    } else if (type instanceof Y.Map && parent === p.domains && keys.has('score')) {
      const id = type.get('id')
      if (typeof id === 'string') note(log, who, 'changed', 'score', id)
    }
  }
}

/** The log as sentences, one per person, in the reader's language. '' when there is nothing to tell. */
export function summarise(log: ChangeLog, t: T, locale: Locale): string {
  const plural = new Intl.PluralRules(locale)
  const list = new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' })
  const sentences: string[] = []
  for (const [who, verbs] of log) {
    const phrases: string[] = []
    for (const verb of VERBS) {
      const byNoun = verbs.get(verb)
      if (!byNoun) continue
      const nouns: string[] = []
      for (const noun of NOUNS) {
        const n = byNoun.get(noun)?.size ?? 0
        if (n === 0) continue
        if (SINGLE.has(noun)) nouns.push(t(`pv_noun_${noun}` as MessageKey))
        else nouns.push(fill(t(`pv_noun_${noun}_${plural.select(n) === 'one' ? 'one' : 'other'}` as MessageKey), { n }))
      }
      if (nouns.length) phrases.push(fill(t(`pv_verb_${verb}` as MessageKey), { what: list.format(nouns) }))
    }
    if (phrases.length) sentences.push(fill(t('pv_announce'), { who: who || t('pv_someone'), what: list.format(phrases) }))
  }
  return sentences.join(' ')
}

/**
 * The current announcement about others' changes. A batch is told once the document has been
 * quiet for `quietMs`, or at the latest `maxWaitMs` after its first change (someone typing on
 * and on is still told about, now and then).
 */
export function useRemoteChanges(
  doc: Y.Doc, awareness: Awareness | null | undefined, t: T, locale: Locale,
  quietMs = 2000, maxWaitMs = 8000,
): string {
  const [message, setMessage] = useState('')
  // The words are read when a batch is told, so a language switch does not drop a batch.
  const words = useRef({ t, locale })
  words.current = { t, locale }
  useEffect(() => {
    let log: ChangeLog = new Map()
    let quiet: ReturnType<typeof setTimeout> | null = null
    let latest: ReturnType<typeof setTimeout> | null = null
    const flush = () => {
      if (quiet) clearTimeout(quiet)
      if (latest) clearTimeout(latest)
      quiet = latest = null
      const text = summarise(log, words.current.t, words.current.locale)
      log = new Map()
      if (text) setMessage(text)
    }
    const onTransaction = (tr: Y.Transaction) => {
      if (tr.local) return
      const before = log.size === 0 ? 0 : 1
      collect(log, doc, tr, authorOf(tr, awareness))
      if (log.size === 0) return
      if (quiet) clearTimeout(quiet)
      quiet = setTimeout(flush, quietMs)
      if (!before && !latest) latest = setTimeout(flush, maxWaitMs)
    }
    doc.on('afterTransaction', onTransaction)
    return () => {
      doc.off('afterTransaction', onTransaction)
      if (quiet) clearTimeout(quiet)
      if (latest) clearTimeout(latest)
    }
  }, [doc, awareness, quietMs, maxWaitMs])
  return message
}

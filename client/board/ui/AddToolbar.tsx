/**
 * '+ Knelpunt', '+ Wens', … : add a card to the plan in the domain the user chose — the selected
 * domain, or the selected card's domain; otherwise a small chooser asks which domain (keyboard
 * usable: focus goes to it, Esc cancels). Never unassigned by accident. The new card is selected,
 * brought into view and opened for typing, with the keyboard focus in its text.
 */
import { useEffect, useRef, useState } from 'react'
import type { Editor } from 'tldraw'
import { addItem, listDomains } from '../../../shared/doc.ts'
import { ITEM_KINDS, type ItemKind } from '../../../shared/schema.ts'
import { authorForNewItem, useMeetingView } from '../../meeting/view.ts'
import { fill, useI18n } from '../../i18n.ts'
import { useBoard, writeUi } from '../context.ts'
import { entityIdOf, shapeIdFor } from '../bridge/ids.ts'
import { DOMAIN_TYPE, ITEM_TYPE, type ItemShape } from '../shapes/defs.ts'
import { domainLabel } from './domainLabel.ts'
import { useDocVersion } from '../../useDocVersion.ts'

export const ADD_TEST_IDS: Record<ItemKind, string> = {
  problem: 'add-problem', wish: 'add-wish', strength: 'add-strength', action: 'add-action', note: 'add-note',
}

/** The four kinds a resident adds (no loose notes in resident mode). */
export const RESIDENT_KINDS: readonly ItemKind[] = ['problem', 'wish', 'strength', 'action']

/**
 * The domain new cards go to: the selected domain, or the selected card's domain.
 * `undefined`: nothing chosen (ask); `null` never comes from here.
 */
export function chosenDomain(editor: Editor): string | undefined {
  const sel = editor.getOnlySelectedShape()
  if (sel?.type === DOMAIN_TYPE) return entityIdOf(sel.id) ?? undefined
  if (sel?.type === ITEM_TYPE) return (sel as ItemShape).props.domainId ?? undefined
  return undefined
}

export interface Adder {
  kinds: readonly ItemKind[]
  /** The kind waiting for its domain (the chooser is open), or null. */
  asking: ItemKind | null
  add(kind: ItemKind, button: HTMLButtonElement): void
  create(kind: ItemKind, domainId: string | null): void
  cancel(): void
}

/** Adding cards: the add buttons and the domain chooser share this (they sit in different rows). */
export function useAdder(editor: Editor): Adder {
  const ctx = useBoard()
  const view = useMeetingView()
  const [asking, setAsking] = useState<ItemKind | null>(null)
  const returnTo = useRef<HTMLButtonElement | null>(null)

  const create = (kind: ItemKind, domainId: string | null) => {
    setAsking(null)
    const who = authorForNewItem(view.me.name ? view : { residentSpeaking: view.residentSpeaking, me: ctx.me })
    let id = ''
    const ok = writeUi(ctx, (doc) => {
      id = addItem(doc, { kind, domainId, ...who })
    })
    const shapeId = shapeIdFor(id)
    if (!ok || !editor.getShape(shapeId)) return
    editor.setCurrentTool('select')
    editor.select(shapeId)
    // The card's place comes from the layout; bring it into view once it is there, then type.
    requestAnimationFrame(() => {
      if (!editor.getShape(shapeId)) return
      editor.zoomToSelectionIfOffscreen(64, { animation: { duration: 0 }, inset: 0 })
      editor.setEditingShape(shapeId)
    })
  }
  return {
    kinds: ctx.residentMode ? RESIDENT_KINDS : ITEM_KINDS,
    asking,
    create,
    add(kind, button) {
      const domainId = chosenDomain(editor)
      if (domainId) return create(kind, domainId)
      returnTo.current = button
      setAsking(kind)
    },
    cancel() {
      setAsking(null)
      returnTo.current?.focus()
    },
  }
}

export function AddButtons({ adder }: { adder: Adder }) {
  const ctx = useBoard()
  const s = ctx.strings
  if (ctx.readOnly) return null
  return (
    <div className="kt-toolbar-group" role="group" aria-label={s.toolbarLabel} data-testid="board-toolbar">
      {adder.kinds.map((kind) => (
        <button
          key={kind}
          type="button"
          className={`kt-add kt-add-${kind}`}
          data-testid={ADD_TEST_IDS[kind]}
          title={s.addTitle[kind]}
          aria-expanded={adder.asking === kind ? true : undefined}
          onClick={(e) => adder.add(kind, e.currentTarget)}
        >
          {s.add[kind]}
        </button>
      ))}
    </div>
  )
}

/** 'Bij welk leefgebied hoort die?': one button per domain; focus goes to the first, Esc cancels. */
export function DomainChooser({ adder }: { adder: Adder }) {
  const ctx = useBoard()
  const { t } = useI18n()
  const s = ctx.strings
  const ref = useRef<HTMLDivElement>(null)
  useDocVersion(ctx.doc)
  const asking = adder.asking
  useEffect(() => {
    if (asking) ref.current?.querySelector<HTMLButtonElement>('button')?.focus()
  }, [asking])
  if (!asking || ctx.readOnly) return null
  return (
    <div
      ref={ref}
      className="kt-domain-chooser"
      role="group"
      aria-labelledby="kt-domain-chooser-label"
      data-testid="domain-chooser"
      onKeyDown={(e) => { if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); adder.cancel() } }}
    >
      <span id="kt-domain-chooser-label" className="kt-domain-chooser-label">
        {fill(t('bd_chooseDomain'), { kind: s.kind[asking].toLowerCase() })}
      </span>
      {listDomains(ctx.doc).map((d) => (
        <button key={d.id} type="button" data-testid="domain-choice" data-domain-id={d.id} onClick={() => adder.create(asking, d.id)}>
          {domainLabel(d, ctx)}
        </button>
      ))}
      {!ctx.residentMode && (
        <button type="button" className="kt-quiet" data-testid="domain-choice-none" onClick={() => adder.create(asking, null)}>
          {t('bd_noDomain')}
        </button>
      )}
      <button type="button" className="kt-quiet" data-testid="domain-choice-cancel" onClick={adder.cancel}>{t('bd_cancel')}</button>
    </div>
  )
}

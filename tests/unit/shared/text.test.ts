import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { applyTextChange } from '../../../shared/text.ts'

function edits(from: string, to: string): { text: string; delta: unknown[] } {
  const doc = new Y.Doc()
  const t = doc.getText('t')
  t.insert(0, from)
  let delta: unknown[] = []
  t.observe((e) => { delta = e.delta })
  applyTextChange(t, to)
  return { text: t.toString(), delta }
}

describe('applyTextChange', () => {
  it('produces the new text with one minimal edit', () => {
    expect(edits('schulden', 'grote schulden')).toEqual({ text: 'grote schulden', delta: [{ insert: 'grote ' }] })
    expect(edits('grote schulden', 'schulden')).toEqual({ text: 'schulden', delta: [{ delete: 6 }] })
    // A replacement in the middle leaves the rest untouched, so a concurrent edit elsewhere survives.
    const a = new Y.Doc()
    a.getText('t').insert(0, 'abcdef')
    const b = new Y.Doc()
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    applyTextChange(a.getText('t'), 'abXYef')
    b.getText('t').insert(6, '!')
    b.getText('t').insert(0, '>')
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b))
    expect(a.getText('t').toString()).toBe('>abXYef!')
  })

  it('does nothing when the text is unchanged', () => {
    expect(edits('zelfde', 'zelfde').delta).toEqual([])
  })

  it('never splits a surrogate pair', () => {
    const r = edits('a😀b', 'a😃b')
    expect(r.text).toBe('a😃b')
  })
})

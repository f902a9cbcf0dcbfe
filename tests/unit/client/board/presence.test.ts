// Presence goes through awareness only: remote participants become tldraw presence records.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness'
import { bindRemotePresence } from '../../../../client/board/bridge/bindPresence.ts'
import { makeStore } from './helpers.ts'

function pair() {
  const a = new Awareness(new Y.Doc())
  const b = new Awareness(new Y.Doc())
  const forward = (from: Awareness, to: Awareness) =>
    from.on('update', ({ added, updated, removed }: Record<string, number[]>, origin: unknown) => {
      if (origin !== 'peer') applyAwarenessUpdate(to, encodeAwarenessUpdate(from, [...added!, ...updated!, ...removed!]), 'peer')
    })
  forward(a, b)
  forward(b, a)
  return { a, b }
}

describe('presence', () => {
  it('shows other participants with name, colour and cursor, and removes them when they leave', () => {
    const { a, b } = pair()
    const store = makeStore()
    const off = bindRemotePresence(store, a)
    b.setLocalStateField('user', { name: 'Fatima', org: '', role: 'resident', color: '#d1495b' })
    b.setLocalStateField('cursor', { x: 120, y: -40 })
    b.setLocalStateField('selection', [])
    const recs = store.query.records('instance_presence').get()
    expect(recs).toHaveLength(1)
    expect(recs[0]!.userName).toBe('Fatima')
    expect(recs[0]!.color).toBe('#d1495b')
    expect(recs[0]!.cursor).toMatchObject({ x: 120, y: -40 })
    // Our own state is never shown as a collaborator.
    a.setLocalStateField('user', { name: 'Sanne', org: 'Wijkteam', role: 'professional', color: '#2e86ab' })
    a.setLocalStateField('cursor', { x: 1, y: 1 })
    expect(store.query.records('instance_presence').get()).toHaveLength(1)
    // Leaving removes the record.
    removeAwarenessStates(b, [b.clientID], 'test')
    expect(store.query.records('instance_presence').get()).toHaveLength(0)
    off()
  })

  it('ignores malformed awareness states', () => {
    const { a, b } = pair()
    const store = makeStore()
    bindRemotePresence(store, a)
    b.setLocalState({ user: { name: 42 }, cursor: 'nope' })
    expect(store.query.records('instance_presence').get()).toHaveLength(0)
  })
})

/**
 * Generators of hostile (and some honest) y-websocket frames for the hostile-input suite.
 *
 * Every generator draws from one seeded PRNG, so a run is replayable from its seed (as far as the
 * interleaving of connections allows). Each connection keeps a mirror of the case (what the server
 * sent it). Honest edits are made on the mirror itself, as a y-websocket client does. A hostile
 * write never touches the mirror: one that adds new entities is made on an empty document (the
 * update names its parent by top-level name and key, so that is enough); one that changes existing
 * entities is made on a copy of the mirror.
 *
 * Frame layout (shared/protocol.ts): varUint messageType, then the payload; sync payloads are
 * varUint syncType + varUint8Array, awareness payloads a varUint8Array.
 */
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import { writeAwarenessEntries } from '../../shared/awarenessWire.ts'
import * as awarenessProtocol from 'y-protocols/awareness'
import * as syncProtocol from 'y-protocols/sync'
import { addItem, addLink, purgeItem, parts, setGoal, setItemText, updateDomain, updateItem, updatePlan } from '../../shared/doc.ts'
import { MAX_ITEM_TEXT_CHARS, MAX_LONG_FIELD_CHARS, MAX_PERSON_NAME_CHARS, MAX_SHORT_FIELD_CHARS, MAX_VALUE_JSON_CHARS, MAX_WS_MESSAGE_BYTES } from '../../shared/limits.ts'
import { MessageType } from '../../shared/protocol.ts'
import { ITEM_KINDS, LINK_KINDS, ROUTES, type Author } from '../../shared/schema.ts'

// ---------- a seeded PRNG (mulberry32) ----------

export interface Rng {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [0, n). */
  int(n: number): number
  chance(p: number): boolean
  pick<T>(list: readonly T[]): T
  bytes(n: number): Uint8Array
}

export function createRng(seed: number): Rng {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  return {
    next, int,
    chance: (p) => next() < p,
    pick: <T>(list: readonly T[]) => list[int(list.length)] as T,
    bytes(n) {
      const b = new Uint8Array(n)
      for (let i = 0; i < n; i++) b[i] = int(256)
      return b
    },
  }
}

// ---------- frames ----------

export type Frame = Uint8Array | string

export function syncStep1Frame(doc: Y.Doc): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MessageType.sync)
  syncProtocol.writeSyncStep1(enc, doc)
  return encoding.toUint8Array(enc)
}

export function syncUpdateFrame(update: Uint8Array, syncType: number = syncProtocol.messageYjsUpdate): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MessageType.sync)
  encoding.writeVarUint(enc, syncType)
  encoding.writeVarUint8Array(enc, update)
  return encoding.toUint8Array(enc)
}

export function awarenessFrame(update: Uint8Array): Uint8Array {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, MessageType.awareness)
  encoding.writeVarUint8Array(enc, update)
  return encoding.toUint8Array(enc)
}

/** An awareness update with hand-picked entries (client id, clock, JSON state). */
export function awarenessEntries(entries: { clientId: number; clock: number; state: string }[]): Uint8Array {
  return writeAwarenessEntries(entries)
}

/** A varUint as lib0 writes it, for any safe integer (lib0's own writer stops at 2^53 too). */
function varUint(n: number): number[] {
  const out: number[] = []
  while (n > 0x7f) {
    out.push(0x80 | (n % 128))
    n = Math.floor(n / 128)
  }
  out.push(n)
  return out
}

// ---------- what a generator sees ----------

export interface FuzzContext {
  rng: Rng
  /** The case as the server sent it to this connection, plus this connection's honest edits. */
  mirror: Y.Doc
  /** This connection's presence. */
  awareness: awarenessProtocol.Awareness
  /** Awareness client ids of others in the case (other connections, the observer). */
  othersAwarenessIds(): number[]
  /** Real updates made or seen recently, raw material for mutations (shared per case). */
  recentUpdates: Uint8Array[]
  /** Prefix of the ids of items this connection adds honestly (marks a coordinator's writes). */
  itemIdPrefix: string
  /** The author this connection claims on honest items. */
  author: Author
}

export interface Generator {
  name: string
  /** Relative frequency. */
  weight: number
  /** True for frames a well-behaved client sends too. */
  honest?: boolean
  make(ctx: FuzzContext): Frame[]
}

const RECENT_UPDATES_KEPT = 64

export function remember(ctx: Pick<FuzzContext, 'recentUpdates' | 'rng'>, update: Uint8Array): void {
  if (ctx.recentUpdates.length < RECENT_UPDATES_KEPT) ctx.recentUpdates.push(update)
  else ctx.recentUpdates[ctx.rng.int(RECENT_UPDATES_KEPT)] = update
}

/** Make `change` on the mirror itself, as a y-websocket client does, and return its update. */
function editMirror(ctx: FuzzContext, change: () => void): Uint8Array | null {
  const updates: Uint8Array[] = []
  const on = (u: Uint8Array, origin: unknown) => { if (origin !== 'remote') updates.push(u) }
  ctx.mirror.on('update', on)
  try {
    change()
  } catch {
    // The helper refused (e.g. the item vanished meanwhile): nothing to send.
  } finally {
    ctx.mirror.off('update', on)
  }
  return updates.length ? Y.mergeUpdates(updates) : null
}

const encodedStates = new WeakMap<Y.Doc, Uint8Array>()
const watched = new WeakSet<Y.Doc>()

/** The mirror's whole state, encoded once per change of the mirror (copies are frequent). */
function encodedState(doc: Y.Doc): Uint8Array {
  if (!watched.has(doc)) {
    watched.add(doc)
    doc.on('update', () => encodedStates.delete(doc))
  }
  let state = encodedStates.get(doc)
  if (!state) {
    state = Y.encodeStateAsUpdate(doc)
    encodedStates.set(doc, state)
  }
  return state
}

/** Make `change` on a copy of the mirror and return the update it makes; the mirror stays as it was. */
export function editCopy(ctx: FuzzContext, change: (doc: Y.Doc) => void): Uint8Array {
  const copy = new Y.Doc()
  try {
    Y.applyUpdate(copy, encodedState(ctx.mirror))
    const before = Y.encodeStateVector(copy)
    copy.transact(() => change(copy))
    return Y.encodeStateAsUpdate(copy, before)
  } finally {
    copy.destroy()
  }
}

/**
 * Make `change` on an empty document. Enough for new entities under new keys (the update names
 * its parent by top-level name and key), and far cheaper than a copy of a grown case.
 */
export function editFresh(change: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc()
  try {
    doc.transact(() => change(doc))
    return Y.encodeStateAsUpdate(doc)
  } finally {
    doc.destroy()
  }
}

function existingIds(doc: Y.Doc, part: 'items' | 'domains' | 'links'): string[] {
  return [...parts(doc)[part].keys()]
}

function someItemId(ctx: FuzzContext): string | null {
  const ids = existingIds(ctx.mirror, 'items')
  return ids.length ? ctx.rng.pick(ids) : null
}

/** An item this connection may honestly change: a resident only the resident's own words. */
function ownItemId(ctx: FuzzContext): string | null {
  if (ctx.author.role !== 'resident') return someItemId(ctx)
  const items = ctx.mirror.getMap('items') as Y.Map<Y.Map<unknown>>
  const ids = existingIds(ctx.mirror, 'items').filter((id) => (items.get(id)?.get('author') as { role?: unknown } | undefined)?.role === 'resident')
  return ids.length ? ctx.rng.pick(ids) : null
}

function fuzzId(ctx: FuzzContext): string {
  return `fz${Math.floor(ctx.rng.next() * 1e12).toString(36)}`
}

/** A complete, valid item as shared/doc.ts writes it, to be spoiled in one field. */
function validItemMap(ctx: FuzzContext, id: string, kind = ctx.rng.pick(ITEM_KINDS)): Y.Map<unknown> {
  const m = new Y.Map<unknown>()
  m.set('id', id)
  m.set('kind', kind)
  m.set('text', new Y.Text('fuzz'))
  m.set('domainId', null)
  m.set('pos', { x: ctx.rng.int(2000), y: ctx.rng.int(2000) })
  m.set('size', { w: 220, h: 120 })
  m.set('createdAt', Date.now())
  m.set('author', { ...ctx.author })
  m.set('stress', false)
  m.set('signal', false)
  if (kind === 'action') {
    m.set('owner', '')
    m.set('ownerOrg', '')
    m.set('due', '')
    m.set('status', 'open')
    m.set('deviation', false)
    m.set('deviationRule', '')
    m.set('deviationMotivation', '')
  }
  return m
}

// ---------- honest frames ----------

const honestEdits: ((ctx: FuzzContext) => void)[] = [
  (ctx) => {
    addItem(ctx.mirror, {
      id: `${ctx.itemIdPrefix}${fuzzId(ctx)}`, kind: ctx.rng.pick(ITEM_KINDS), text: 'fuzz',
      pos: { x: ctx.rng.int(3000), y: ctx.rng.int(3000) }, author: ctx.author,
    })
  },
  (ctx) => {
    const id = ownItemId(ctx)
    if (id) setItemText(ctx.mirror, id, `fuzz ${ctx.rng.int(1000)}`)
  },
  (ctx) => {
    const id = ownItemId(ctx)
    if (id) updateItem(ctx.mirror, id, { pos: { x: ctx.rng.int(3000), y: ctx.rng.int(3000) }, stress: ctx.rng.chance(0.5) })
  },
  (ctx) => {
    const a = someItemId(ctx)
    const b = someItemId(ctx)
    if (a && b && a !== b) addLink(ctx.mirror, a, b, ctx.rng.pick(LINK_KINDS))
  },
  (ctx) => updatePlan(ctx.mirror, { route: ctx.rng.pick([...ROUTES, null]), ladderNow: ctx.rng.pick([1, 2, 3, 4, 5, 6, null] as const) }),
  (ctx) => setGoal(ctx.mirror, `doel ${ctx.rng.int(100)}`),
  (ctx) => {
    const ids = ctx.author.role === 'resident' ? [] : existingIds(ctx.mirror, 'domains') // domains: professionals only
    if (ids.length) updateDomain(ctx.mirror, ctx.rng.pick(ids), { score: ctx.rng.pick([1, 2, 3, 4, 5, null]) })
  },
  (ctx) => {
    // Deleting is honest too, but rarer than adding, so the cases fill up.
    const id = ctx.author.role === 'resident' ? null : someItemId(ctx) // removing for good: professionals only
    if (id && ctx.rng.chance(0.3)) purgeItem(ctx.mirror, id)
  },
]

const honestEdit: Generator = {
  name: 'honest edit', weight: 22, honest: true,
  make(ctx) {
    const update = editMirror(ctx, () => ctx.rng.pick(honestEdits)(ctx))
    if (!update) return []
    remember(ctx, update)
    return [syncUpdateFrame(update)]
  },
}

const syncStep1: Generator = { name: 'sync step 1', weight: 3, honest: true, make: (ctx) => [syncStep1Frame(ctx.mirror)] }

const queryAwareness: Generator = { name: 'query awareness', weight: 1, honest: true, make: () => [new Uint8Array([MessageType.queryAwareness])] }

const ownAwareness: Generator = {
  name: 'own awareness', weight: 3, honest: true,
  make(ctx) {
    ctx.awareness.setLocalState({ user: { name: 'fuzz', org: '', role: 'professional', color: '#2e86ab' }, cursor: { x: ctx.rng.int(999), y: ctx.rng.int(999) }, selection: [] })
    return [awarenessFrame(awarenessProtocol.encodeAwarenessUpdate(ctx.awareness, [ctx.awareness.clientID]))]
  },
}

// ---------- malformed frames ----------

const truncatedSync: Generator = {
  name: 'truncated sync', weight: 5,
  make(ctx) {
    const whole = ctx.rng.chance(0.5) || !ctx.recentUpdates.length ? syncStep1Frame(ctx.mirror) : syncUpdateFrame(ctx.rng.pick(ctx.recentUpdates))
    const fixed = [[0], [0, 0], [0, 1], [0, 2], [0, 2, 200], [0, 0, 5, 1], [1], [1, 10, 1]]
    if (ctx.rng.chance(0.3)) return [new Uint8Array(ctx.rng.pick(fixed))]
    return [whole.slice(0, 1 + ctx.rng.int(Math.max(1, whole.length - 1)))]
  },
}

const TWO_TO_53 = 2 ** 53 - 1
const hugeVarint: Generator = {
  name: 'huge varint', weight: 4,
  make(ctx) {
    const huge = varUint(ctx.rng.pick([TWO_TO_53, 2 ** 32, 2 ** 31 - 1, 2 ** 40]))
    const overlong = new Array(10 + ctx.rng.int(10)).fill(0xff) as number[]
    const variants: number[][] = [
      huge, // message type
      [0, ...huge], // sync type
      [0, 0, ...huge, 1, 2], // step 1 state vector length
      [0, 2, ...huge, 1, 2, 3], // update length
      [1, ...huge, 1], // awareness length
      [1, 5, 1, ...huge, 0, 0], // awareness entry count
      [0, 2, 8, ...huge, 0, 0, 0, 0, 0, 0, 0], // struct count inside an update
      overlong, [0, ...overlong], [0, 2, ...overlong], [1, ...overlong],
    ]
    return [new Uint8Array(ctx.rng.pick(variants))]
  },
}

const unknownType: Generator = {
  name: 'unknown message/sync type', weight: 4,
  make(ctx) {
    const type = ctx.rng.pick([MessageType.auth, 4, 5, 17, 127, 128, 255, 1000, 65_536])
    const variants = [
      [...varUint(type), 0, 0],
      [...varUint(type)],
      [0, ...varUint(ctx.rng.pick([3, 4, 9, 127, 300])), 0],
      [MessageType.queryAwareness, ...ctx.rng.bytes(ctx.rng.int(8))],
      [MessageType.auth, 0, 4, 116, 101, 115, 116],
    ]
    return [new Uint8Array(ctx.rng.pick(variants))]
  },
}

const randomBytes: Generator = {
  name: 'random bytes', weight: 5,
  make: (ctx) => [ctx.rng.chance(0.05) ? new Uint8Array(0) : ctx.rng.bytes(1 + ctx.rng.int(ctx.rng.chance(0.1) ? 8192 : 96))],
}

/** Update v1 headers that promise structs, followed by nonsense. */
const garbageStructs: Generator = {
  name: 'garbage structs', weight: 5,
  make(ctx) {
    const enc = encoding.createEncoder()
    encoding.writeVarUint(enc, 1 + ctx.rng.int(3)) // clients
    encoding.writeVarUint(enc, 1 + ctx.rng.int(5)) // structs of the first client
    encoding.writeVarUint(enc, ctx.rng.int(2 ** 30)) // client id
    encoding.writeVarUint(enc, ctx.rng.int(50)) // clock
    const info = ctx.rng.pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 31, 0xe8, 0x28, 0x48, 0x88, 0xff])
    encoding.writeUint8(enc, info)
    if (ctx.rng.chance(0.5)) encoding.writeVarString(enc, ctx.rng.pick(['items', 'meta', 'plan', 'evil', 'canvas', '']))
    encoding.writeUint8Array(enc, ctx.rng.bytes(ctx.rng.int(40)))
    const update = encoding.toUint8Array(enc)
    return [syncUpdateFrame(update, ctx.rng.pick([syncProtocol.messageYjsUpdate, syncProtocol.messageYjsSyncStep2]))]
  },
}

/** Real updates with bits flipped, cut short, or spliced together. */
const mutatedUpdate: Generator = {
  name: 'mutated real update', weight: 8,
  make(ctx) {
    const source = ctx.recentUpdates.length ? ctx.rng.pick(ctx.recentUpdates) : Y.encodeStateAsUpdate(ctx.mirror)
    let u = source.slice()
    switch (ctx.rng.int(4)) {
      case 0:
        for (let i = 0, n = 1 + ctx.rng.int(4); i < n && u.length; i++) {
          const at = ctx.rng.int(u.length)
          u[at] = (u[at] as number) ^ (1 << ctx.rng.int(8))
        }
        break
      case 1:
        u = u.slice(0, ctx.rng.int(u.length))
        break
      case 2: {
        const other = ctx.recentUpdates.length ? ctx.rng.pick(ctx.recentUpdates) : u
        const cut = ctx.rng.int(u.length + 1)
        u = new Uint8Array([...u.slice(0, cut), ...other.slice(ctx.rng.int(other.length + 1))])
        break
      }
      default: {
        const at = ctx.rng.int(u.length + 1)
        u = new Uint8Array([...u.slice(0, at), ...ctx.rng.bytes(1 + ctx.rng.int(6)), ...u.slice(at)])
      }
    }
    return [syncUpdateFrame(u)]
  },
}

// ---------- schema-invalid entities (well-formed Yjs) ----------

/** Spoils a document; `needsMirror`: it changes existing entities, so it needs a copy of the case. */
interface Spoiler {
  (doc: Y.Doc, ctx: FuzzContext): void
  needsMirror?: boolean
}

function onMirror(fn: (doc: Y.Doc, ctx: FuzzContext) => void): Spoiler {
  return Object.assign(fn, { needsMirror: true })
}

/** Add a fresh entity map that is valid but for one spoiled field. */
function spoilNewItem(spoil: (m: Y.Map<unknown>, id: string) => void, kind?: (typeof ITEM_KINDS)[number]): Spoiler {
  return (doc, ctx) => {
    const id = fuzzId(ctx)
    const m = validItemMap(ctx, id, kind)
    parts(doc).items.set(id, m)
    spoil(m, id)
  }
}

function onExistingItem(change: (m: Y.Map<unknown>, ctx: FuzzContext) => void): Spoiler {
  return onMirror((doc, ctx) => {
    const items = parts(doc).items
    const ids = [...items.keys()]
    if (!ids.length) return spoilNewItem((m) => m.set('kind', 'bogus'))(doc, ctx)
    const m = items.get(ctx.rng.pick(ids))
    if (m instanceof Y.Map) change(m, ctx)
    else items.set(fuzzId(ctx), new Y.Map())
  })
}

function onExistingDomain(change: (m: Y.Map<unknown>, ctx: FuzzContext) => void): Spoiler {
  return onMirror((doc, ctx) => {
    const domains = parts(doc).domains
    const ids = [...domains.keys()]
    const m = ids.length ? domains.get(ctx.rng.pick(ids)) : undefined
    if (m instanceof Y.Map) change(m, ctx)
    else domains.set(fuzzId(ctx), new Y.Map())
  })
}

const longText = (n: number) => 'x'.repeat(n + 1)

const invalidItems: Spoiler[] = [
  spoilNewItem((m) => m.set('kind', 'bogus')),
  spoilNewItem((m) => m.set('kind', 42)),
  spoilNewItem((m) => m.delete('kind')),
  spoilNewItem((m) => m.delete('text')),
  spoilNewItem((m) => m.set('text', 'a plain string, not a Y.Text')),
  spoilNewItem((m) => m.set('text', new Y.Text(longText(MAX_ITEM_TEXT_CHARS)))),
  spoilNewItem((m) => m.set('text', new Y.Map())),
  spoilNewItem((m) => m.delete('author')),
  spoilNewItem((m) => m.set('author', { name: 'x', org: 'y', role: 'admin' })),
  spoilNewItem((m) => m.set('author', { name: longText(MAX_PERSON_NAME_CHARS), org: '', role: 'professional' })),
  spoilNewItem((m) => m.set('author', 'someone')),
  spoilNewItem((m) => m.set('pos', { x: 'a', y: 1 })),
  spoilNewItem((m) => m.set('pos', { x: Number.NaN, y: Number.POSITIVE_INFINITY })),
  spoilNewItem((m) => m.set('pos', [1, 2])),
  spoilNewItem((m) => m.delete('pos')),
  spoilNewItem((m) => m.set('size', { w: -5, h: 0 })),
  spoilNewItem((m) => m.set('createdAt', 'yesterday')),
  spoilNewItem((m) => m.set('createdAt', -1)),
  spoilNewItem((m) => m.set('stress', 'yes')),
  spoilNewItem((m) => m.set('signal', 1)),
  spoilNewItem((m) => m.set('domainId', 'not an id!')),
  spoilNewItem((m) => m.set('id', 'someOtherId')),
  spoilNewItem((m) => m.delete('id')),
  spoilNewItem((m) => m.set('status', 'bogus'), 'action'),
  spoilNewItem((m) => m.set('due', '2024-13-45'), 'action'),
  spoilNewItem((m) => m.set('owner', longText(MAX_SHORT_FIELD_CHARS)), 'action'),
  spoilNewItem((m) => m.set('deviationMotivation', longText(MAX_LONG_FIELD_CHARS)), 'action'),
  spoilNewItem((m) => m.set('deviation', 'true'), 'action'),
  spoilNewItem((m) => m.set('evilExtra', { nested: [1, 2, 3] })),
  spoilNewItem((m) => m.set('evilExtra', new Y.Array())),
  (doc, ctx) => parts(doc).items.set(`bad id ${ctx.rng.int(99)}!`, validItemMap(ctx, 'x')),
  (doc, ctx) => parts(doc).items.set('a'.repeat(65), validItemMap(ctx, 'a'.repeat(65))),
  (doc, ctx) => (parts(doc).items as Y.Map<unknown>).set(fuzzId(ctx), 'an item that is a string'),
  (doc, ctx) => (parts(doc).items as Y.Map<unknown>).set(fuzzId(ctx), 12),
  (doc, ctx) => (parts(doc).items as Y.Map<unknown>).set(fuzzId(ctx), new Y.Array()),
  (doc, ctx) => (parts(doc).items as Y.Map<unknown>).set(fuzzId(ctx), new Y.Text('x')),
  (doc, ctx) => (parts(doc).items as Y.Map<unknown>).set(fuzzId(ctx), null),
]

/** Fields that never change after creation, and replacing the shape of an existing item. */
const changedIdentity: Spoiler[] = [
  onExistingItem((m) => m.set('author', { name: 'someone else', org: 'x', role: 'resident' })),
  onExistingItem((m) => m.set('author', { name: 'someone else', org: 'x', role: 'professional' })),
  onExistingItem((m, ctx) => m.set('kind', ctx.rng.pick(ITEM_KINDS.filter((k) => k !== m.get('kind'))))),
  onExistingItem((m) => m.set('createdAt', 1)),
  onExistingItem((m) => m.set('createdAt', (m.get('createdAt') as number) + 1)),
  onExistingItem((m) => m.set('id', 'changedId')),
  onExistingItem((m) => m.delete('id')),
  onExistingItem((m) => m.delete('kind')),
  onExistingItem((m) => m.delete('text')),
  onExistingItem((m) => m.set('text', 'replaced by a string')),
  onExistingItem((m) => m.delete('author')),
  onExistingItem((m) => (m.get('text') instanceof Y.Text ? (m.get('text') as Y.Text).insert(0, longText(MAX_ITEM_TEXT_CHARS)) : m.set('kind', 'bogus'))),
]

const invalidDomains: Spoiler[] = [
  onExistingDomain((m) => m.set('score', 9)),
  onExistingDomain((m) => m.set('score', 2.5)),
  onExistingDomain((m) => m.set('label', longText(MAX_SHORT_FIELD_CHARS))),
  onExistingDomain((m) => m.set('order', 'first')),
  onExistingDomain((m) => m.delete('key')),
  onExistingDomain((m) => m.set('id', 'otherDomain')),
  onExistingDomain((m) => m.set('pos', null)),
  onExistingDomain((m) => m.set('size', { w: 'wide' })),
  (doc, ctx) => {
    const id = fuzzId(ctx)
    const m = new Y.Map<unknown>()
    m.set('id', id)
    m.set('key', 'x')
    m.set('label', 'x')
    parts(doc).domains.set(id, m) // order, pos, size, score missing
  },
  (doc, ctx) => (parts(doc).domains as Y.Map<unknown>).set(fuzzId(ctx), { id: 'plain', key: 'x' }),
]

const invalidLinks: Spoiler[] = [
  (doc, ctx) => newLink(doc, ctx, (m) => m.set('kind', 'bogus')),
  (doc, ctx) => newLink(doc, ctx, (m) => m.set('to', m.get('from'))),
  (doc, ctx) => newLink(doc, ctx, (m) => m.set('from', 'not an id!')),
  (doc, ctx) => newLink(doc, ctx, (m) => m.delete('to')),
  (doc, ctx) => newLink(doc, ctx, (m) => m.set('id', 'elsewhere')),
  (doc, ctx) => newLink(doc, ctx, (m) => m.set('from', 7)),
  (doc, ctx) => (parts(doc).links as Y.Map<unknown>).set(fuzzId(ctx), 'a link that is a string'),
  onMirror((doc) => {
    const links = parts(doc).links
    const id = [...links.keys()][0]
    const m = id === undefined ? undefined : links.get(id)
    if (m instanceof Y.Map) m.set('kind', 'bogus')
    else (links as Y.Map<unknown>).set('x', 1)
  }),
]

function newLink(doc: Y.Doc, ctx: FuzzContext, spoil: (m: Y.Map<unknown>) => void): void {
  const id = fuzzId(ctx)
  const items = [...parts(doc).items.keys()]
  const m = new Y.Map<unknown>()
  m.set('id', id)
  m.set('from', items[0] ?? 'aaaa')
  m.set('to', items[1] ?? 'bbbb')
  m.set('kind', ctx.rng.pick(LINK_KINDS))
  parts(doc).links.set(id, m)
  spoil(m)
}

const invalidPlan: Spoiler[] = [
  onMirror((doc) => parts(doc).plan.set('route', 'bogus')),
  onMirror((doc) => parts(doc).plan.set('route', 3)),
  onMirror((doc) => parts(doc).plan.set('ladderNow', 7)),
  onMirror((doc) => parts(doc).plan.set('ladderNow', 0)),
  onMirror((doc) => parts(doc).plan.set('ladderGoal', '3')),
  onMirror((doc) => parts(doc).plan.set('goal', 'a plain string goal')),
  onMirror((doc) => parts(doc).plan.set('goal', new Y.Text(longText(MAX_LONG_FIELD_CHARS)))),
  onMirror((doc) => parts(doc).plan.delete('goal')),
  onMirror((doc) => parts(doc).plan.set('unknownField', { a: 1 })),
  onMirror((doc) => parts(doc).plan.set('goal', new Y.Map())),
]

const invalidMeta: Spoiler[] = [
  onMirror((doc) => parts(doc).meta.set('schemaVersion', 2)),
  onMirror((doc) => parts(doc).meta.set('schemaVersion', '1')),
  onMirror((doc) => parts(doc).meta.delete('schemaVersion')),
  onMirror((doc) => parts(doc).meta.set('templateId', 42)),
  onMirror((doc) => parts(doc).meta.set('createdAt', 'now')),
  onMirror((doc) => parts(doc).meta.set('createdAt', Date.now() + 1)),
  onMirror((doc) => parts(doc).meta.set('unknownField', true)),
  onMirror((doc) => parts(doc).meta.set('schemaVersion', new Y.Text('1'))),
]

const canvasKey = (ctx: FuzzContext) => `shape:${fuzzId(ctx)}`
const invalidCanvas: Spoiler[] = [
  (doc, ctx) => parts(doc).canvas.set(canvasKey(ctx), 42),
  (doc, ctx) => parts(doc).canvas.set(canvasKey(ctx), 'a string record'),
  (doc, ctx) => parts(doc).canvas.set(canvasKey(ctx), null),
  (doc, ctx) => parts(doc).canvas.set(canvasKey(ctx), new Y.Map()),
  (doc, ctx) => parts(doc).canvas.set(canvasKey(ctx), new Y.Text('x')),
  (doc, ctx) => parts(doc).canvas.set(canvasKey(ctx), { id: 'shape:elsewhere', typeName: 'shape', type: 'geo' }),
  (doc, ctx) => parts(doc).canvas.set(canvasKey(ctx), { typeName: 'shape' }),
  (doc, ctx) => parts(doc).canvas.set(`not a record id ${ctx.rng.int(99)}`, { id: 'not a record id', typeName: 'shape' }),
  (doc, ctx) => {
    const key = canvasKey(ctx)
    parts(doc).canvas.set(key, { id: key, typeName: 'shape', type: 'text', props: { text: 'x'.repeat(MAX_VALUE_JSON_CHARS) } })
  },
  (doc, ctx) => parts(doc).canvas.set(canvasKey(ctx), [1, 2, 3]),
]

const foreignTopLevel: Spoiler[] = [
  (doc) => doc.getMap('evil').set('x', 1),
  (doc) => doc.getArray('extra').insert(0, [1]),
  (doc) => doc.getText('notes').insert(0, 'x'),
  (doc) => doc.getMap('Items').set('x', 1),
  (doc) => doc.getXmlFragment('xml').insert(0, [new Y.XmlText('x')]),
]

/**
 * A known top-level name used as another type: list content inserted into a root map. Built on an
 * empty document (the mirror already has these names as maps).
 */
const topLevelTypeConfusion: ((doc: Y.Doc) => void)[] = [
  (doc) => doc.getArray('items').insert(0, [{ id: 'x' }]),
  (doc) => doc.getText('plan').insert(0, 'x'),
  (doc) => doc.getArray('meta').insert(0, [2]),
  (doc) => doc.getArray('canvas').insert(0, ['x']),
]

function spoilerGenerator(name: string, weight: number, spoilers: Spoiler[]): Generator {
  return {
    name, weight,
    make(ctx) {
      const spoiler = ctx.rng.pick(spoilers)
      const update = spoiler.needsMirror ? editCopy(ctx, (doc) => spoiler(doc, ctx)) : editFresh((doc) => spoiler(doc, ctx))
      return [syncUpdateFrame(update, ctx.rng.chance(0.2) ? syncProtocol.messageYjsSyncStep2 : syncProtocol.messageYjsUpdate)]
    },
  }
}

const typeConfusion: Generator = {
  name: 'invalid: top-level type confusion', weight: 2,
  make(ctx) {
    const d = new Y.Doc()
    ctx.rng.pick(topLevelTypeConfusion)(d)
    const u = Y.encodeStateAsUpdate(d)
    d.destroy()
    return [syncUpdateFrame(u)]
  },
}

/** A real update whose predecessor from the same client is withheld. */
const missingDependencies: Generator = {
  name: 'update with missing dependencies', weight: 3,
  make(ctx) {
    const doc = new Y.Doc()
    try {
      const id = fuzzId(ctx)
      addItem(doc, { id, kind: 'note', text: 'x', pos: { x: 0, y: 0 }, author: ctx.author })
      const sent = Y.encodeStateVector(doc) // ... is never sent: only what follows it
      if (ctx.rng.chance(0.5)) setItemText(doc, id, 'y')
      else parts(doc).items.set(id, validItemMap(ctx, id)) // replaces what the server never saw
      return [syncUpdateFrame(Y.encodeStateAsUpdate(doc, sent))]
    } finally {
      doc.destroy()
    }
  },
}

// ---------- awareness ----------

const awarenessForgery: Generator = {
  name: 'awareness forgery', weight: 4,
  make(ctx) {
    const others = ctx.othersAwarenessIds()
    const victim = others.length && ctx.rng.chance(0.8) ? ctx.rng.pick(others) : ctx.rng.pick([0, 1, 2 ** 32 - 1, TWO_TO_53])
    const clock = ctx.rng.pick([0, 1, 1000, 2 ** 31, TWO_TO_53])
    const state = ctx.rng.pick([
      JSON.stringify({ user: { name: 'forged', org: '', role: 'resident', color: '#000000' }, cursor: null, selection: [] }),
      'null',
      '{"user":', // not JSON
      JSON.stringify({ user: 5 }),
    ])
    const entries = [{ clientId: victim, clock, state }]
    if (ctx.rng.chance(0.3)) entries.unshift({ clientId: ctx.awareness.clientID, clock: 1, state: '{}' })
    return [awarenessFrame(awarenessEntries(entries))]
  },
}

const oversizedAwareness: Generator = {
  name: 'oversized awareness state', weight: 1,
  make(ctx) {
    const size = ctx.rng.pick([9 * 1024, 64 * 1024, 256 * 1024, 1024 * 1024])
    const state = JSON.stringify({ user: { name: 'x'.repeat(size), org: '', role: 'professional', color: '#000000' } })
    return [awarenessFrame(awarenessEntries([{ clientId: ctx.awareness.clientID, clock: nextClock(ctx), state }]))]
  },
}

/** Bursts of presence a busy board could send, also speaking for many made-up clients. */
const awarenessFlood: Generator = {
  name: 'awareness flood', weight: 0.3,
  make(ctx) {
    const frames: Frame[] = []
    for (let i = 0, n = 20 + ctx.rng.int(40); i < n; i++) {
      const clientId = ctx.rng.chance(0.3) ? ctx.rng.int(2 ** 31) : ctx.awareness.clientID
      frames.push(awarenessFrame(awarenessEntries([{ clientId, clock: nextClock(ctx), state: floodState(i) }])))
    }
    return frames
  },
}

/**
 * More presence updates at once than any presence budget allows, each well-formed and for the
 * connection's own client. Useful as the first thing a connection sends (a malformed frame before
 * it would close the connection first); not in GENERATORS, the suite sends it on purpose.
 */
export const awarenessRateFlood: Generator = {
  name: 'awareness flood (over the rate)', weight: 0,
  make(ctx) {
    const frames: Frame[] = []
    for (let i = 0, n = 125 + ctx.rng.int(40); i < n; i++) {
      frames.push(awarenessFrame(awarenessEntries([{ clientId: ctx.awareness.clientID, clock: nextClock(ctx), state: floodState(i) }])))
    }
    return frames
  },
}

function floodState(i: number): string {
  return JSON.stringify({ user: { name: 'flood', org: '', role: 'professional', color: '#123456' }, cursor: { x: i, y: i }, selection: [] })
}

const clocks = new WeakMap<awarenessProtocol.Awareness, number>()
function nextClock(ctx: FuzzContext): number {
  const c = (clocks.get(ctx.awareness) ?? 1000) + 1
  clocks.set(ctx.awareness, c)
  return c
}

// ---------- frames of the wrong kind or size ----------

const textFrame: Generator = {
  name: 'text frame', weight: 2,
  make: (ctx) => [ctx.rng.pick(['hello', '', '{"type":"sync"}', '\u0000\u0001', 'x'.repeat(10_000)])],
}

const oversizedFrame: Generator = {
  name: 'oversized frame', weight: 0.15,
  make(ctx) {
    const frame = new Uint8Array(MAX_WS_MESSAGE_BYTES + 1 + ctx.rng.int(1024))
    frame.set(syncUpdateFrame(new Uint8Array(0)).slice(0, 2))
    return [frame]
  },
}

export const GENERATORS: readonly Generator[] = [
  honestEdit, syncStep1, queryAwareness, ownAwareness,
  truncatedSync, hugeVarint, unknownType, randomBytes, garbageStructs, mutatedUpdate,
  spoilerGenerator('invalid: items', 8, invalidItems),
  spoilerGenerator('invalid: changed item identity', 5, changedIdentity),
  spoilerGenerator('invalid: domains', 3, invalidDomains),
  spoilerGenerator('invalid: links', 3, invalidLinks),
  spoilerGenerator('invalid: plan', 3, invalidPlan),
  spoilerGenerator('invalid: meta', 3, invalidMeta),
  spoilerGenerator('invalid: canvas', 3, invalidCanvas),
  spoilerGenerator('invalid: foreign top-level name', 2, foreignTopLevel),
  typeConfusion, missingDependencies,
  awarenessForgery, oversizedAwareness, awarenessFlood,
  textFrame, oversizedFrame,
]

/** Pick a generator by weight. */
export function pickGenerator(rng: Rng, generators: readonly Generator[] = GENERATORS): Generator {
  const total = generators.reduce((s, g) => s + g.weight, 0)
  let r = rng.next() * total
  for (const g of generators) {
    r -= g.weight
    if (r < 0) return g
  }
  return generators[generators.length - 1] as Generator
}

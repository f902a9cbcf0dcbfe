/**
 * The browser figures of `npm run bench` (section `browser`), measured in Debian's Chromium
 * (playwright-core) against our built server with a freshly built client (or KT_CLIENT_DIR):
 *
 * - time from navigation to an editable board (the page's `kt-editable` User Timing mark, see
 *   client/perfMarks.ts: canvas there, cards placed, add buttons live), cold — a new browser
 *   context (empty cache) each run —, 5 runs each for a new case and a 500-card case, median;
 * - bytes transferred (Resource Timing transferSize, encoded) for the login page and the board,
 *   and how many font files the board loaded;
 * - an observer's frame rate on the 500-card board while a peer (a real y-websocket client) drags
 *   one card across it for 10 s, streaming positions through awareness as the board does: frames
 *   counted with requestAnimationFrame per second, median and worst second;
 * - the longest main-thread task after the document arrived (PerformanceObserver 'longtask');
 * - document bytes per drag move: a second Chromium page drags a card with 200 mouse moves and
 *   drops it in another domain; a y-websocket client measures the document before and after.
 * No assertions; each figure is printed with its target and ratio.
 */
/// <reference lib="dom" />
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as Y from 'yjs'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { addItem, listDomains, listItems } from '../../shared/doc.ts'
import { SCHEMA_VERSION } from '../../shared/schema.ts'
import { DRAG_STREAM_INTERVAL_MS } from '../../shared/awareness.ts'
import { BENCH_ORG_KEY, createCases, startBenchServer, type BenchServer } from './serverProcess.ts'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage']
const RUNS = 5
const BIG_CASE_CARDS = 500
const DRAG_SECONDS = 10
const DRAG_MOVES = 200
const VIEWPORT = { width: 1400, height: 900 }

export const BROWSER_TARGETS = {
  editableNewMs: 2000,
  editableBigMs: 3000,
  fpsMedian: 50,
  fpsWorst: 40,
  longTaskMs: 200,
  docBytesPerMove: 1,
} as const

export interface BrowserFigures {
  editableNewMs: number[]
  editableBigMs: number[]
  loginBytes: number
  boardBytes: number
  boardFonts: { files: number; bytes: number }
  fpsPerSecond: number[]
  longestTaskMs: number
  docBytesPerMove: number
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN
}

/** Build the client (with its precompressed copies) unless KT_CLIENT_DIR names a built one. */
async function clientDir(): Promise<{ dir: string; temp: boolean }> {
  if (process.env.KT_CLIENT_DIR) return { dir: path.resolve(process.env.KT_CLIENT_DIR), temp: false }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-bench-client-'))
  const { build } = await import('vite')
  await build({ configFile: path.resolve('vite.config.ts'), logLevel: 'warn', build: { outDir: dir, emptyOutDir: true } })
  return { dir, temp: true }
}

/** A WebSocket that presents the organisation key as a Bearer header (keys never go in a URL). */
class WithKey extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols, { headers: { authorization: `Bearer ${BENCH_ORG_KEY}` } })
  }
}

function peer(server: BenchServer, caseId: string): { doc: Y.Doc; provider: WebsocketProvider; synced: Promise<void> } {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(server.url.replace('http', 'ws') + '/ws', caseId, doc, {
    WebSocketPolyfill: WithKey as unknown as typeof globalThis.WebSocket,
    params: { schema: String(SCHEMA_VERSION) },
    disableBc: true,
  })
  const synced = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no sync with case ${caseId} within 30 s`)), 30_000)
    provider.on('sync', (s: boolean) => { if (s) { clearTimeout(timer); resolve() } })
    if (provider.synced) { clearTimeout(timer); resolve() }
  })
  return { doc, provider, synced }
}

/** A case session cookie through an invite (what following an invitation link gives). */
async function caseCookie(server: BenchServer, caseId: string): Promise<{ name: string; value: string }> {
  const inv = await fetch(`${server.url}/api/cases/${caseId}/invites`, {
    method: 'POST', headers: { authorization: `Bearer ${BENCH_ORG_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'professional' }),
  })
  if (inv.status !== 201) throw new Error(`invite failed: HTTP ${inv.status}`)
  const { token } = (await inv.json()) as { token: string }
  const red = await fetch(`${server.url}/api/invites/redeem`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: server.url }, body: JSON.stringify({ token }),
  })
  if (red.status !== 200) throw new Error(`redeem failed: HTTP ${red.status}`)
  const set = red.headers.get('set-cookie') ?? ''
  const m = /^([^=]+)=([^;]*)/.exec(set)
  if (!m) throw new Error('no case session cookie')
  return { name: m[1] as string, value: m[2] as string }
}

/** A fresh context (empty cache) with a case session, a name given before, and a long-task recorder. */
async function boardContext(browser: Browser, server: BenchServer, caseId: string): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: server.url, viewport: VIEWPORT })
  const cookie = await caseCookie(server, caseId)
  await context.addCookies([{ ...cookie, url: server.url }])
  await context.addInitScript(() => {
    localStorage.setItem('kt.identity', JSON.stringify({ name: 'Bench', org: 'Bench' }))
    const w = window as unknown as { __ktLongTasks: { start: number; duration: number }[] }
    w.__ktLongTasks = []
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__ktLongTasks.push({ start: e.startTime, duration: e.duration })
      }).observe({ type: 'longtask', buffered: true })
    } catch { /* no long-task timing in this browser */ }
  })
  return context
}

const editableAt = (page: Page) => page.evaluate(() => performance.getEntriesByName('kt-editable', 'mark')[0]?.startTime ?? null)

async function waitEditable(page: Page): Promise<number> {
  await page.waitForFunction(() => performance.getEntriesByName('kt-editable', 'mark').length > 0, null, { timeout: 60_000 })
  return (await editableAt(page)) as number
}

/** Wait until no new resource has loaded for a second (at most 20 s); then the bytes so far. */
async function settledBytes(page: Page): Promise<{ total: number; fonts: { files: number; bytes: number } }> {
  let last = -1
  for (let i = 0; i < 40; i++) {
    const n = await page.evaluate(() => performance.getEntriesByType('resource').length)
    if (n === last) break
    last = n
    await page.waitForTimeout(1000)
  }
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[]
    const res = performance.getEntriesByType('resource') as PerformanceResourceTiming[]
    const fonts = res.filter((r) => /\.(woff2?|ttf)$/.test(new URL(r.name).pathname))
    return {
      total: [...nav, ...res].reduce((n, r) => n + r.transferSize, 0),
      fonts: { files: fonts.length, bytes: fonts.reduce((n, r) => n + r.transferSize, 0) },
    }
  })
}

async function timeToEditable(browser: Browser, server: BenchServer, caseId: string): Promise<{ ms: number; bytes: number; fonts: { files: number; bytes: number } }> {
  const context = await boardContext(browser, server, caseId)
  const page = await context.newPage()
  await page.goto(`/cases/${caseId}`)
  const ms = await waitEditable(page)
  const { total, fonts } = await settledBytes(page)
  await context.close()
  return { ms, bytes: total, fonts }
}

async function loginPageBytes(browser: Browser, server: BenchServer): Promise<number> {
  const context = await browser.newContext({ baseURL: server.url, viewport: VIEWPORT })
  const page = await context.newPage()
  await page.goto('/')
  await page.getByLabel('Gebruikersnaam', { exact: true }).waitFor({ timeout: 30_000 })
  const { total } = await settledBytes(page)
  await context.close()
  return total
}

/** Fill a case with `n` cards spread over its domains, in one update. */
async function seedCards(server: BenchServer, caseId: string, n: number): Promise<string[]> {
  const c = peer(server, caseId)
  await c.synced
  const domains = listDomains(c.doc)
  const ids: string[] = []
  const kinds = ['problem', 'wish', 'strength', 'action', 'note'] as const
  c.doc.transact(() => {
    for (let i = 0; i < n; i++) {
      ids.push(addItem(c.doc, {
        kind: kinds[i % kinds.length]!, text: `Kaart ${i}: ${'een regel tekst over de situatie '.repeat(1 + (i % 3))}`.trim(),
        domainId: domains[i % domains.length]!.id, author: { name: 'Bench', org: 'Bench', role: 'professional' },
      }))
    }
  })
  // Wait until the server has it: a second client sees the last card.
  const check = peer(server, caseId)
  await check.synced
  for (const x of [check, c]) { x.provider.destroy(); x.doc.destroy() }
  return ids
}

/** A card's page position on a board, from tldraw's shape transform. */
async function pagePos(page: Page, itemId: string): Promise<{ x: number; y: number }> {
  return page.evaluate((id) => {
    const el = document.querySelector<HTMLElement>(`.tl-shape[data-shape-id="shape:${id}"]`)
    const m = el ? new DOMMatrix(getComputedStyle(el).transform) : null
    return m ? { x: m.e, y: m.f } : { x: 0, y: 0 }
  }, itemId)
}

async function observerFps(browser: Browser, server: BenchServer, caseId: string, ids: string[]): Promise<{ fps: number[]; longestTaskMs: number }> {
  const context = await boardContext(browser, server, caseId)
  const page = await context.newPage()
  await page.goto(`/cases/${caseId}`)
  const editable = await waitEditable(page)
  await page.getByTestId('view-overview').click()
  const moving = ids[0] as string
  const from = await pagePos(page, moving)
  const to = await pagePos(page, ids[ids.length - 1] as string)
  await page.evaluate(() => {
    const w = window as unknown as { __ktFrames: number[] }
    w.__ktFrames = []
    const tick = (t: number) => { w.__ktFrames.push(t); requestAnimationFrame(tick) }
    requestAnimationFrame(tick)
  })
  const p = peer(server, caseId)
  await p.synced
  const user = { name: 'Peer', org: 'Bench', role: 'professional', color: '#2e86ab' }
  const t0 = Date.now()
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const k = Math.min(1, (Date.now() - t0) / (DRAG_SECONDS * 1000))
      const x = Math.round(from.x + (to.x - from.x) * k)
      const y = Math.round(from.y + (to.y - from.y) * k + 200 * Math.sin(k * Math.PI * 4))
      p.provider.awareness.setLocalState({ user, cursor: { x, y }, selection: [moving], drag: k < 1 ? { items: [{ id: moving, x, y }], domain: null } : null })
      if (k >= 1) { clearInterval(timer); resolve() }
    }, DRAG_STREAM_INTERVAL_MS)
  })
  const { frames, tasks, arrived } = await page.evaluate(() => {
    const w = window as unknown as { __ktFrames: number[]; __ktLongTasks: { start: number; duration: number }[] }
    return { frames: w.__ktFrames, tasks: w.__ktLongTasks, arrived: performance.getEntriesByName('kt-doc-arrived', 'mark')[0]?.startTime ?? 0 }
  })
  p.provider.destroy()
  p.doc.destroy()
  await context.close()
  // Frames per whole second of the drag (the first frame's second on).
  const start = frames[0] ?? 0
  const perSecond: number[] = []
  for (const t of frames) {
    const s = Math.floor((t - start) / 1000)
    if (s >= DRAG_SECONDS) break
    perSecond[s] = (perSecond[s] ?? 0) + 1
  }
  const after = tasks.filter((t) => t.start + t.duration >= arrived)
  const longest = after.reduce((m, t) => Math.max(m, t.duration), 0)
  console.log(`  long tasks after the doc arrived (${arrived.toFixed(0)} ms; editable at ${editable.toFixed(0)} ms): ${after.map((t) => `${t.duration.toFixed(0)} ms at ${t.start.toFixed(0)}`).join(', ') || 'none'}`)
  return { fps: perSecond.map((n) => n ?? 0), longestTaskMs: longest }
}

/** The element's box once it is the same in three looks 100 ms apart (at most 10 s). */
async function steadyBox(page: Page, el: ReturnType<Page['locator']>): Promise<{ x: number; y: number; width: number; height: number }> {
  let last = ''
  let same = 0
  const deadline = Date.now() + 10_000
  for (;;) {
    const box = await el.boundingBox()
    if (box) {
      const key = JSON.stringify(box)
      same = key === last ? same + 1 : 0
      last = key
      if (same >= 2 || Date.now() > deadline) return box
    } else if (Date.now() > deadline) {
      throw new Error('the element is not on the page')
    }
    await page.waitForTimeout(100)
  }
}

/** A real drag in Chromium (200 moves, dropped in another domain): document bytes per move. */
async function docBytesPerMove(browser: Browser, server: BenchServer, caseId: string): Promise<number> {
  const c = peer(server, caseId)
  await c.synced
  const [from, to] = listDomains(c.doc)
  const id = addItem(c.doc, { kind: 'problem', text: 'Sleep mij', domainId: from!.id, author: { name: 'Bench', org: 'Bench', role: 'professional' } })
  const context = await boardContext(browser, server, caseId)
  const page = await context.newPage()
  await page.goto(`/cases/${caseId}`)
  await waitEditable(page)
  await page.getByTestId('view-overview').click()
  const card = page.locator(`[data-testid="kt-item"][data-item-id="${id}"]`)
  await card.waitFor({ timeout: 30_000 })
  // The camera glides to the overview: take the positions once they hold still.
  const box = await steadyBox(page, card)
  const dom = await steadyBox(page, page.locator(`[data-testid="kt-domain"][data-domain-id="${to!.id}"]`))
  const before = Y.encodeStateAsUpdate(c.doc).byteLength
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  await page.mouse.down()
  await page.mouse.move(dom.x + dom.width / 2, dom.y + dom.height / 2, { steps: DRAG_MOVES })
  await page.mouse.up()
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline && listItems(c.doc).find((i) => i.id === id)?.domainId !== to!.id) {
    await new Promise((r) => setTimeout(r, 100))
  }
  const landed = listItems(c.doc).find((i) => i.id === id)?.domainId === to!.id
  const after = Y.encodeStateAsUpdate(c.doc).byteLength
  c.provider.destroy()
  c.doc.destroy()
  await context.close()
  // A drop that never reached the document is no figure (NaN: printed as not measured, missed).
  if (!landed) console.log('  the dragged card did not arrive in the other domain within 30 s: bytes per move not measured')
  else console.log(`  the drop reached the document: it grew by ${after - before} bytes for ${DRAG_MOVES} moves`)
  return landed ? (after - before) / DRAG_MOVES : NaN
}

export async function browserBench(): Promise<BrowserFigures | null> {
  if (!fs.existsSync(CHROMIUM)) {
    console.log(`\nBrowser: skipped — no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH).`)
    return null
  }
  const client = await clientDir()
  let server: BenchServer | null = null
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS })
  try {
    server = await startBenchServer('ours', { env: { CLIENT_DIR: client.dir } })
    console.log(`\nBrowser (Chromium ${browser.version()}, ${VIEWPORT.width}×${VIEWPORT.height}, localhost, cold cache: a new context per run)`)
    const step = (what: string) => console.log(`  … ${what}`)
    step('login page')
    const loginBytes = await loginPageBytes(browser, server)
    step('new cases')
    const fresh = await createCases(server, RUNS)
    const editableNewMs: number[] = []
    let boardBytes = 0
    let boardFonts = { files: 0, bytes: 0 }
    for (const id of fresh) {
      const r = await timeToEditable(browser, server, id)
      editableNewMs.push(r.ms)
      boardBytes = r.bytes
      boardFonts = r.fonts
    }
    step(`${BIG_CASE_CARDS}-card case`)
    const [big] = await createCases(server, 1)
    const ids = await seedCards(server, big as string, BIG_CASE_CARDS)
    const editableBigMs: number[] = []
    for (let i = 0; i < RUNS; i++) editableBigMs.push((await timeToEditable(browser, server, big as string)).ms)
    step('observer while a peer drags')
    const { fps, longestTaskMs } = await observerFps(browser, server, big as string, ids)
    step('document bytes per drag move')
    const [dragCase] = await createCases(server, 1)
    const perMove = await docBytesPerMove(browser, server, dragCase as string)
    const f: BrowserFigures = { editableNewMs, editableBigMs, loginBytes, boardBytes, boardFonts, fpsPerSecond: fps, longestTaskMs, docBytesPerMove: perMove }
    printBrowser(f)
    return f
  } finally {
    await browser.close()
    await server?.stop()
    if (client.temp) fs.rmSync(client.dir, { recursive: true, force: true })
  }
}

export function printBrowser(f: BrowserFigures): void {
  const T = BROWSER_TARGETS
  const kb = (n: number) => `${(n / 1024).toFixed(0)} kB`
  const lineOf = (name: string, value: string, target: string, r: number, met: boolean) =>
    console.log(`  ${name.padEnd(44)} ${value.padStart(18)}   target ${target.padEnd(9)} ratio ${Number.isFinite(r) ? r.toFixed(2) : '∞'}  ${met ? 'met' : 'MISSED'}`)
  const mNew = median(f.editableNewMs)
  const mBig = median(f.editableBigMs)
  const fpsMed = median(f.fpsPerSecond)
  const fpsWorst = Math.min(...f.fpsPerSecond)
  console.log(`  runs, new case (ms):      ${f.editableNewMs.map((v) => v.toFixed(0)).join(', ')}`)
  console.log(`  runs, ${BIG_CASE_CARDS}-card case (ms): ${f.editableBigMs.map((v) => v.toFixed(0)).join(', ')}`)
  console.log(`  observer fps per second:  ${f.fpsPerSecond.join(', ')}`)
  lineOf('editable board, new case (median)', `${mNew.toFixed(0)} ms`, `< ${T.editableNewMs} ms`, mNew / T.editableNewMs, mNew < T.editableNewMs)
  lineOf(`editable board, ${BIG_CASE_CARDS} cards (median)`, `${mBig.toFixed(0)} ms`, `< ${T.editableBigMs} ms`, mBig / T.editableBigMs, mBig < T.editableBigMs)
  console.log(`  ${'bytes, login page'.padEnd(44)} ${kb(f.loginBytes).padStart(18)}`)
  console.log(`  ${'bytes, board (new case, after fonts)'.padEnd(44)} ${kb(f.boardBytes).padStart(18)}   of which ${f.boardFonts.files} font files, ${kb(f.boardFonts.bytes)}`)
  lineOf(`observer fps while a peer drags (median)`, `${fpsMed.toFixed(0)}`, `≥ ${T.fpsMedian}`, T.fpsMedian / Math.max(1, fpsMed), fpsMed >= T.fpsMedian)
  lineOf(`observer fps while a peer drags (worst s)`, `${fpsWorst.toFixed(0)}`, `≥ ${T.fpsWorst}`, T.fpsWorst / Math.max(1, fpsWorst), fpsWorst >= T.fpsWorst)
  lineOf('longest main-thread task after the doc', `${f.longestTaskMs.toFixed(0)} ms`, `≤ ${T.longTaskMs} ms`, f.longestTaskMs / T.longTaskMs, f.longestTaskMs <= T.longTaskMs)
  lineOf('document bytes per drag move', Number.isNaN(f.docBytesPerMove) ? 'not measured' : `${f.docBytesPerMove.toFixed(2)} B`, `< ${T.docBytesPerMove} B`, f.docBytesPerMove / T.docBytesPerMove, f.docBytesPerMove < T.docBytesPerMove)
}

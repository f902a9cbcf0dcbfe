/**
 * Code splitting, checked on a real build: the entry chunk that index.html loads, its preloads
 * and everything they import statically hold none of tldraw's code (the login page and the case
 * list load without it); tldraw is in a chunk loaded on demand. index.html has no inline script
 * (the CSP allows none), and the build wrote .br/.gz copies of the chunks. Uses KT_CLIENT_DIR
 * when set, else builds the client into a temp folder (vite.config.ts, with its precompress plugin).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

/** Strings only tldraw's code has: its container class and its font family names. */
const TLDRAW_MARKERS = ['tl-container', 'tldraw_draw']

let dir = ''
let built = false

beforeAll(async () => {
  if (process.env.KT_CLIENT_DIR) {
    dir = path.resolve(process.env.KT_CLIENT_DIR)
    return
  }
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-chunks-'))
  built = true
  const { build } = await import('vite')
  await build({ configFile: path.resolve('vite.config.ts'), logLevel: 'warn', build: { outDir: dir, emptyOutDir: true } })
}, 240_000)
afterAll(() => {
  if (built) fs.rmSync(dir, { recursive: true, force: true })
})

/** `import … from "./x.js"` and `import "./x.js"` — static imports only, not `import("./x.js")`. */
function staticImports(code: string): string[] {
  const out: string[] = []
  const re = /\bimport\s*(?:[\w$*{},\s]+?\s*from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g
  for (const m of code.matchAll(re)) out.push(m[1] as string)
  return out
}

function entryClosure(): { files: Set<string>; html: string } {
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8')
  const starts = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g)].map((m) => m[1] as string)
  expect(starts.length).toBeGreaterThan(0)
  const files = new Set<string>()
  const queue = starts.map((s) => path.join(dir, s))
  while (queue.length) {
    const f = queue.pop() as string
    if (files.has(f)) continue
    files.add(f)
    for (const imp of staticImports(fs.readFileSync(f, 'utf8'))) queue.push(path.resolve(path.dirname(f), imp))
  }
  return { files, html }
}

describe('the built client', () => {
  it('loads no tldraw code on the first page (entry chunk, its preloads and static imports)', () => {
    const { files } = entryClosure()
    for (const f of files) {
      const code = fs.readFileSync(f, 'utf8')
      for (const marker of TLDRAW_MARKERS) expect(code.includes(marker), `${path.basename(f)} contains ${marker}`).toBe(false)
    }
    // …while tldraw is in the build, in a chunk of its own.
    const all = fs.readdirSync(path.join(dir, 'assets')).filter((f) => f.endsWith('.js')).map((f) => path.join(dir, 'assets', f))
    const withTldraw = all.filter((f) => fs.readFileSync(f, 'utf8').includes(TLDRAW_MARKERS[0] as string))
    expect(withTldraw.length).toBeGreaterThan(0)
    for (const f of withTldraw) expect(files.has(f)).toBe(false)
  })

  it('keeps the entry small (what the login page loads)', () => {
    const { files } = entryClosure()
    const bytes = [...files].reduce((n, f) => n + fs.statSync(f).size, 0)
    // The whole app was one 2.4 MB file; the first page now needs a fraction of it.
    expect(bytes).toBeLessThan(600_000)
  })

  it('has no inline script in index.html (the Content-Security-Policy allows none)', () => {
    const { html } = entryClosure()
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
    expect(scripts.length).toBeGreaterThan(0)
    for (const s of scripts) {
      expect(s[1]).toMatch(/\ssrc="/)
      expect((s[2] as string).trim()).toBe('')
    }
    expect(html).not.toMatch(/\son[a-z]+="/i)
  })

  it('wrote brotli and gzip copies of the chunks', () => {
    const { files } = entryClosure()
    for (const f of files) {
      if (fs.statSync(f).size <= 1024) continue
      expect(fs.existsSync(`${f}.br`), `${path.basename(f)}.br`).toBe(true)
      expect(fs.existsSync(`${f}.gz`), `${path.basename(f)}.gz`).toBe(true)
    }
  })
})

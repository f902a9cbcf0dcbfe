/**
 * Precompressed static files over real HTTP: a client folder compressed by scripts/precompress.ts
 * and served by server/http/static.ts on a real node:http server. The best encoding the request
 * accepts is sent (br > gzip > identity, q-values honoured, q=0 refuses), with Content-Encoding,
 * Vary, the compressed file's Content-Length, year-long caching for /assets/ and no-cache for
 * index.html, ETag/304 per encoding; HEAD sends the headers alone.
 */
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createStaticHandler, parseAcceptEncoding } from '../../server/http/static.ts'
import { MIN_COMPRESS_BYTES, precompressDir } from '../../scripts/precompress.ts'

const JS = `export const words = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `kaart ${i} huisvesting werk zorg`))}\n`
const SMALL_CSS = 'body{margin:0}\n'

interface Reply { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

function get(base: string, pathname: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${pathname}`, { method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

describe('precompressed static files', () => {
  let dir = ''
  let server: http.Server
  let base = ''

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-static-'))
    fs.mkdirSync(path.join(dir, 'assets'))
    fs.writeFileSync(path.join(dir, 'index.html'), `<!doctype html><html><head><script type="module" src="/assets/app-abc123.js"></script></head><body>${'<p>Keukentafel</p>'.repeat(100)}</body></html>`)
    fs.writeFileSync(path.join(dir, 'assets', 'app-abc123.js'), JS)
    fs.writeFileSync(path.join(dir, 'assets', 'small-abc123.css'), SMALL_CSS)
    fs.writeFileSync(path.join(dir, 'assets', 'font-abc123.woff2'), Buffer.alloc(4000, 7))
    const r = precompressDir(dir)
    expect(r.files).toBe(2) // the script and index.html; the small CSS and the font are left alone
    const handler = createStaticHandler(dir)
    server = http.createServer(handler)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()))
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('writes .br and .gz that decompress to the file, only for text over the threshold', () => {
    const js = fs.readFileSync(path.join(dir, 'assets', 'app-abc123.js'))
    expect(zlib.brotliDecompressSync(fs.readFileSync(path.join(dir, 'assets', 'app-abc123.js.br')))).toEqual(js)
    expect(zlib.gunzipSync(fs.readFileSync(path.join(dir, 'assets', 'app-abc123.js.gz')))).toEqual(js)
    expect(fs.existsSync(path.join(dir, 'assets', 'small-abc123.css.br'))).toBe(false)
    expect(Buffer.byteLength(SMALL_CSS)).toBeLessThan(MIN_COMPRESS_BYTES)
    expect(fs.existsSync(path.join(dir, 'assets', 'font-abc123.woff2.br'))).toBe(false)
  })

  it('sends brotli when accepted, with the compressed length, Vary and a year of caching', async () => {
    const r = await get(base, '/assets/app-abc123.js', { 'accept-encoding': 'gzip, deflate, br' })
    expect(r.status).toBe(200)
    expect(r.headers['content-encoding']).toBe('br')
    expect(r.headers['vary']).toBe('Accept-Encoding')
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(Number(r.headers['content-length'])).toBe(fs.statSync(path.join(dir, 'assets', 'app-abc123.js.br')).size)
    expect(Number(r.headers['content-length'])).toBeLessThan(Buffer.byteLength(JS) / 3)
    expect(zlib.brotliDecompressSync(r.body).toString()).toBe(JS)
    expect(r.headers['content-security-policy']).toContain("script-src 'self'")
  })

  it('sends gzip when brotli is not accepted (or refused with q=0)', async () => {
    for (const ae of ['gzip', 'br;q=0, gzip', 'gzip;q=0.8, br;q=0', 'x-gzip']) {
      const r = await get(base, '/assets/app-abc123.js', { 'accept-encoding': ae })
      expect(r.headers['content-encoding'], ae).toBe('gzip')
      expect(zlib.gunzipSync(r.body).toString()).toBe(JS)
    }
  })

  it('follows q-values: gzip preferred over br when it has the higher q', async () => {
    const r = await get(base, '/assets/app-abc123.js', { 'accept-encoding': 'br;q=0.5, gzip;q=0.9' })
    expect(r.headers['content-encoding']).toBe('gzip')
    const star = await get(base, '/assets/app-abc123.js', { 'accept-encoding': '*' })
    expect(star.headers['content-encoding']).toBe('br')
  })

  it('sends the file itself without Accept-Encoding, or when only unknown codings are accepted', async () => {
    for (const headers of [{} as Record<string, string>, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'deflate' }, { 'accept-encoding': 'br;q=0, gzip;q=0' }]) {
      const r = await get(base, '/assets/app-abc123.js', headers)
      expect(r.status).toBe(200)
      expect(r.headers['content-encoding']).toBeUndefined()
      expect(r.headers['vary']).toBe('Accept-Encoding')
      expect(Number(r.headers['content-length'])).toBe(Buffer.byteLength(JS))
      expect(r.body.toString()).toBe(JS)
    }
  })

  it('answers 406 when every encoding it has is refused, identity included', async () => {
    const r = await get(base, '/assets/app-abc123.js', { 'accept-encoding': 'br;q=0, gzip;q=0, identity;q=0' })
    expect(r.status).toBe(406)
    const star = await get(base, '/assets/app-abc123.js', { 'accept-encoding': '*;q=0' })
    expect(star.status).toBe(406)
    // With identity refused but gzip allowed, gzip is sent.
    const gz = await get(base, '/assets/app-abc123.js', { 'accept-encoding': 'gzip, identity;q=0' })
    expect(gz.headers['content-encoding']).toBe('gzip')
  })

  it('HEAD sends the headers of the chosen encoding and no body', async () => {
    const r = await get(base, '/assets/app-abc123.js', { 'accept-encoding': 'br' }, 'HEAD')
    expect(r.status).toBe(200)
    expect(r.headers['content-encoding']).toBe('br')
    expect(Number(r.headers['content-length'])).toBe(fs.statSync(path.join(dir, 'assets', 'app-abc123.js.br')).size)
    expect(r.body.length).toBe(0)
  })

  it('index.html (and the SPA fallback) is compressed too and revalidated each time', async () => {
    for (const p of ['/', '/cases/abcdefghijklmnopqrstuv']) {
      const r = await get(base, p, { 'accept-encoding': 'gzip, br' })
      expect(r.status).toBe(200)
      expect(r.headers['cache-control']).toBe('no-cache')
      expect(r.headers['content-encoding']).toBe('br')
      expect(zlib.brotliDecompressSync(r.body).toString()).toContain('<script type="module" src="/assets/app-abc123.js">')
    }
  })

  it('answers 304 to a matching If-None-Match, per encoding', async () => {
    const br = await get(base, '/assets/app-abc123.js', { 'accept-encoding': 'br' })
    const gz = await get(base, '/assets/app-abc123.js', { 'accept-encoding': 'gzip' })
    const etag = br.headers['etag'] as string
    expect(etag).toMatch(/^".+"$/)
    expect(gz.headers['etag']).not.toBe(etag)
    const again = await get(base, '/assets/app-abc123.js', { 'accept-encoding': 'br', 'if-none-match': etag })
    expect(again.status).toBe(304)
    expect(again.body.length).toBe(0)
    expect(again.headers['content-encoding']).toBe('br')
    // The brotli ETag does not validate the gzip copy.
    const other = await get(base, '/assets/app-abc123.js', { 'accept-encoding': 'gzip', 'if-none-match': etag })
    expect(other.status).toBe(200)
  })

  it('serves small and already-compressed files as they are, without Vary', async () => {
    const css = await get(base, '/assets/small-abc123.css', { 'accept-encoding': 'br, gzip' })
    expect(css.headers['content-encoding']).toBeUndefined()
    expect(css.headers['vary']).toBeUndefined()
    expect(css.body.toString()).toBe(SMALL_CSS)
    const font = await get(base, '/assets/font-abc123.woff2', { 'accept-encoding': 'br, gzip' })
    expect(font.headers['content-type']).toBe('font/woff2')
    expect(font.headers['content-encoding']).toBeUndefined()
    expect(font.body.length).toBe(4000)
  })

  it('parses Accept-Encoding q-values', () => {
    const q = parseAcceptEncoding('br;q=0.3, GZIP ; q=0.7, *;q=0.1')
    expect(q('br')).toBe(0.3)
    expect(q('gzip')).toBe(0.7)
    expect(q('identity')).toBe(0.1)
    expect(q('zstd')).toBe(0.1)
    expect(parseAcceptEncoding(undefined)('br')).toBe(0)
    expect(parseAcceptEncoding(undefined)('identity')).toBe(1)
    expect(parseAcceptEncoding('')('identity')).toBe(1)
    expect(parseAcceptEncoding('br;q=abc')('br')).toBe(0)
  })
})

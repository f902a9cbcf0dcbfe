/**
 * Serves the built client (dist/client) with an SPA fallback to index.html, and strict headers:
 * a Content-Security-Policy that allows no third-party host at all.
 *
 * Text assets come precompressed from the build (scripts/precompress.ts writes `.br` and `.gz`
 * beside them): the best encoding the request accepts is sent (br > gzip > identity, by the
 * q-values of Accept-Encoding), with `Vary: Accept-Encoding` and an ETag per encoding (304 on a
 * match). Hashed files under /assets/ are cached for a year; index.html is revalidated each time.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { IncomingMessage, ServerResponse } from 'node:http'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
}

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': [
    "default-src 'self'",
    "script-src 'self'",
    // tldraw sets inline styles on shapes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    // tldraw fetches small translation files that Vite inlined as data: URLs.
    "connect-src 'self' data:",
    "worker-src 'self' blob:",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
}

export function createStaticHandler(clientDir: string) {
  const root = path.resolve(clientDir)
  const indexFile = path.join(root, 'index.html')

  return function serveStatic(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' })
      res.end()
      return
    }
    let pathname: string
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname)
    } catch {
      res.writeHead(400)
      res.end()
      return
    }
    const file = path.resolve(root, '.' + pathname)
    const inside = file === root || file.startsWith(root + path.sep)
    let target = indexFile
    let immutable = false
    if (inside && pathname !== '/' && isFile(file)) {
      target = file
      immutable = pathname.startsWith('/assets/')
    } else if (path.extname(pathname) && pathname.startsWith('/assets/')) {
      res.writeHead(404, SECURITY_HEADERS)
      res.end()
      return
    }
    if (!isFile(target)) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end('The client has not been built. Run `npm run build` (npm start does this).')
      return
    }
    const type = TYPES[path.extname(target)] ?? 'application/octet-stream'
    const variant = pickVariant(target, req.headers['accept-encoding'])
    if (!variant) {
      res.writeHead(406, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', Vary: 'Accept-Encoding' })
      res.end('No acceptable content encoding (identity refused).')
      return
    }
    const etag = `"${variant.stat.size.toString(36)}-${Math.floor(variant.stat.mtimeMs).toString(36)}${variant.encoding ? `-${variant.encoding}` : ''}"`
    const headers: Record<string, string | number> = {
      ...SECURITY_HEADERS,
      'Content-Type': type,
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ETag: etag,
    }
    if (variant.compressible) headers['Vary'] = 'Accept-Encoding'
    if (variant.encoding) headers['Content-Encoding'] = variant.encoding
    if (matchesEtag(req.headers['if-none-match'], etag)) {
      res.writeHead(304, headers)
      res.end()
      return
    }
    headers['Content-Length'] = variant.stat.size
    res.writeHead(200, headers)
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    fs.createReadStream(variant.file).pipe(res)
  }
}

/** Content encodings we store beside a file, best first. */
const ENCODINGS = [
  { name: 'br', ext: '.br' },
  { name: 'gzip', ext: '.gz' },
] as const

interface Variant { file: string; stat: fs.Stats; encoding: 'br' | 'gzip' | null; compressible: boolean }

/**
 * The file to send for this Accept-Encoding: the best precompressed copy the request accepts
 * (q > 0), else the file itself — or null when the request refuses identity too.
 */
export function pickVariant(file: string, acceptEncoding: string | string[] | undefined): Variant | null {
  const accepted = parseAcceptEncoding(Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : acceptEncoding)
  const stat = fs.statSync(file)
  let compressible = false
  let best: Variant | null = null
  let bestQ = 0
  for (const enc of ENCODINGS) {
    let s: fs.Stats
    try {
      s = fs.statSync(file + enc.ext)
    } catch {
      continue
    }
    if (!s.isFile()) continue
    compressible = true
    const q = accepted(enc.name)
    if (q > bestQ) {
      best = { file: file + enc.ext, stat: s, encoding: enc.name, compressible: true }
      bestQ = q
    }
  }
  if (best) return best
  return accepted('identity') > 0 ? { file, stat, encoding: null, compressible } : null
}

/**
 * Accept-Encoding -> the q-value of a coding (RFC 9110 §12.5.3): a listed coding has its q
 * (default 1), others take `*`'s; identity is acceptable unless refused by name or by `*;q=0`.
 * No header at all: identity only.
 */
export function parseAcceptEncoding(header: string | undefined): (coding: string) => number {
  if (header === undefined) return (c) => (c === 'identity' ? 1 : 0)
  const qs = new Map<string, number>()
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().split(';')
    const coding = (name ?? '').trim().toLowerCase()
    if (!coding) continue
    let q = 1
    for (const p of params) {
      // A q that is no number makes the coding unacceptable rather than preferred.
      const m = /^\s*q\s*=\s*(.*?)\s*$/i.exec(p)
      if (m) q = /^[0-9.]+$/.test(m[1] ?? '') ? Math.min(1, Math.max(0, Number(m[1]) || 0)) : 0
    }
    qs.set(coding === 'x-gzip' ? 'gzip' : coding, q)
  }
  return (c) => qs.get(c) ?? qs.get('*') ?? (c === 'identity' ? 1 : 0)
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false
  return header.split(',').some((t) => {
    const v = t.trim()
    return v === '*' || v === etag || v === `W/${etag}`
  })
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile()
  } catch {
    return false
  }
}

/**
 * Precompressed static files: after `vite build`, every text asset over 1 KB gets a brotli
 * (`.br`, quality 11) and a gzip (`.gz`, level 9) copy beside it, so the server
 * (server/http/static.ts) sends the smallest encoding the browser accepts without compressing
 * on each request. A Vite plugin (vite.config.ts), so `npm run build:client` does it; the
 * compression itself is a plain function for tests.
 */
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import type { Plugin } from 'vite'

/** Files worth compressing: text. Fonts and images are compressed already. */
export const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.html', '.svg', '.json', '.map', '.txt', '.webmanifest'])
/** Smaller files gain less than the request overhead. */
export const MIN_COMPRESS_BYTES = 1024

export interface PrecompressResult { files: number; bytes: number; br: number; gz: number }

/** Write `.br` and `.gz` beside every compressible file over MIN_COMPRESS_BYTES under `dir`. */
export function precompressDir(dir: string): PrecompressResult {
  const out: PrecompressResult = { files: 0, bytes: 0, br: 0, gz: 0 }
  for (const file of walk(dir)) {
    if (!COMPRESSIBLE.has(path.extname(file))) continue
    const data = fs.readFileSync(file)
    if (data.length <= MIN_COMPRESS_BYTES) continue
    const br = zlib.brotliCompressSync(data, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
      },
    })
    const gz = zlib.gzipSync(data, { level: 9 })
    fs.writeFileSync(`${file}.br`, br)
    fs.writeFileSync(`${file}.gz`, gz)
    out.files++
    out.bytes += data.length
    out.br += br.length
    out.gz += gz.length
  }
  return out
}

function* walk(dir: string): Generator<string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) yield* walk(p)
    else if (e.isFile()) yield p
  }
}

/** The Vite plugin: compresses the output folder once the bundle is written. */
export function precompress(): Plugin {
  let outDir = ''
  return {
    name: 'kt-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir)
    },
    closeBundle() {
      const r = precompressDir(outDir)
      const kb = (n: number) => `${Math.round(n / 1024)} kB`
      this.info?.(`precompressed ${r.files} files: ${kb(r.bytes)} → br ${kb(r.br)}, gzip ${kb(r.gz)}`)
    },
  }
}

import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/server.ts'

const main = path.resolve('dist/server/server/main.js')

/** Run the real server process until it prints the URL (then stop it) or exits by itself. */
function run(env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [main], { env: { ...process.env, LOG_LEVEL: 'silent', ...env } })
    let out = ''
    let err = ''
    let stopped = false
    child.stdout.on('data', (d) => {
      out += d
      // Once: a second signal must not be what ends the process (see main.ts).
      if (!stopped && out.includes('running at') && out.includes('Data folder')) {
        stopped = true
        setTimeout(() => child.kill('SIGTERM'), 100)
      }
    })
    child.stderr.on('data', (d) => (err += d))
    child.on('exit', (code) => resolve({ code, out, err }))
  })
}

describe('starting the server', () => {
  it('stops at once with a clear message on an invalid setting', async () => {
    const r = await run({ PORT: 'achtduizend', DATA_DIR: tempDir() })
    expect(r.code).toBe(2)
    expect(r.err).toContain('PORT must be a whole number')
  })

  it('prints the URL and, on the first start only, a generated access key', async () => {
    const dataDir = tempDir()
    const first = await run({ PORT: '0', DATA_DIR: dataDir, ORG_KEY: '' })
    expect(first.out).toMatch(/running at http:\/\/127\.0\.0\.1:\d+/)
    const key = /Access key for professionals[^\n]*\n\n\s+(\S+)/.exec(first.out)?.[1]
    expect(key).toMatch(/^[A-Za-z0-9_-]{32}$/)
    const second = await run({ PORT: '0', DATA_DIR: dataDir, ORG_KEY: '' })
    expect(second.out).not.toContain('Access key')
    expect(second.code).toBe(0)
  })
})

describe('a damaged database file', () => {
  it('stops the start with a message that names the file and says to restore a backup, not "readonly"', async () => {
    const dataDir = tempDir()
    const first = await run({ PORT: '0', DATA_DIR: dataDir, ORG_KEY: 'a-key-for-the-damaged-file-test' })
    expect(first.code, first.err).toBe(0)
    // Byte 18 of the header is SQLite's write format version (1 or 2); anything else and SQLite
    // opens the file read-only, which used to surface as 'attempt to write a readonly database'.
    const file = path.join(dataDir, 'keukentafel.db')
    const fd = fs.openSync(file, 'r+')
    fs.writeSync(fd, Buffer.from([0xfe]), 0, 1, 18)
    fs.closeSync(fd)

    const second = await run({ PORT: '0', DATA_DIR: dataDir, ORG_KEY: 'a-key-for-the-damaged-file-test' })
    expect(second.code).not.toBe(0)
    expect(second.out).not.toContain('running at')
    expect(second.err).toContain(file)
    expect(second.err).toMatch(/damaged/i)
    expect(second.err).toMatch(/restore .*backup/i)
    expect(second.err).not.toMatch(/read-?only/i)
  })
})

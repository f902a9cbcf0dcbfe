import { describe, expect, it } from 'vitest'
import path from 'node:path'
import { isLocalHostHeader, isLoopback, readSettings, SettingsError } from '../../../server/config.ts'

const defaults = { clientDir: '/tmp/client' }

describe('settings from the environment', () => {
  it('default to 127.0.0.1:8080 and ./data', () => {
    const s = readSettings({}, defaults)
    expect(s).toMatchObject({ port: 8080, host: '127.0.0.1', dataDir: path.resolve('data'), orgKey: null, logLevel: 'info' })
  })

  it('refuse invalid values with a message naming the setting', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ PORT: 'eighty' }, /PORT/],
      [{ PORT: '70000' }, /PORT/],
      [{ ORG_KEY: 'short' }, /ORG_KEY.*16/],
      [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
      [{ PUBLIC_URL: 'ftp://x' }, /PUBLIC_URL/],
      [{ HOST: 'a b' }, /HOST/],
    ]
    for (const [env, message] of bad) {
      expect(() => readSettings(env, defaults)).toThrow(SettingsError)
      expect(() => readSettings(env, defaults)).toThrow(message)
    }
  })

  it('require PUBLIC_URL when listening on a non-local address', () => {
    for (const host of ['0.0.0.0', '::', '10.1.2.3', 'keukentafel.intern', '127.0.0.1.nip.io']) {
      expect(() => readSettings({ HOST: host }, defaults)).toThrow(SettingsError)
      expect(() => readSettings({ HOST: host }, defaults)).toThrow(/PUBLIC_URL is required when HOST is not a local address/)
      expect(readSettings({ HOST: host, PUBLIC_URL: 'https://keukentafel.example.nl/x' }, defaults))
        .toMatchObject({ host, publicUrl: 'https://keukentafel.example.nl' })
    }
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1']) {
      expect(readSettings({ HOST: host }, defaults)).toMatchObject({ host, publicUrl: null })
    }
  })
})

describe('DATABASE_URL', () => {
  it('selects PostgreSQL with a postgres:// or postgresql:// URL; unset or empty: SQLite', () => {
    expect(readSettings({}, defaults).databaseUrl).toBeNull()
    expect(readSettings({ DATABASE_URL: ' ' }, defaults).databaseUrl).toBeNull()
    for (const url of ['postgres://kt:geheim@db.example.nl:5432/keukentafel', 'postgresql://127.0.0.1/kt']) {
      expect(readSettings({ DATABASE_URL: url }, defaults).databaseUrl).toBe(url)
    }
  })

  it('refuses anything else with a message that names the setting, not the value (it may hold a password)', () => {
    for (const url of ['mysql://kt:geheim@db/kt', 'postgres://kt:geheim@db.example.nl', 'postgres:///kt', 'db.example.nl/kt', 'postgres://kt:geheim@db/a/b']) {
      expect(() => readSettings({ DATABASE_URL: url }, defaults)).toThrow(/DATABASE_URL must be a PostgreSQL URL/)
      expect(() => readSettings({ DATABASE_URL: url }, defaults)).not.toThrow(/geheim/)
    }
  })
})

describe('local addresses', () => {
  it('are loopback addresses and names only', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]']) expect(isLoopback(h)).toBe(true)
    for (const h of ['0.0.0.0', '::', '127.0.0.1.evil.example', '127.evil', 'localhost.evil.example', '10.0.0.1', '']) expect(isLoopback(h)).toBe(false)
  })

  it('in a Host header: with or without a port', () => {
    for (const h of ['127.0.0.1', '127.0.0.1:8080', 'localhost:5173', '[::1]:8080', '[::1]']) expect(isLocalHostHeader(h)).toBe(true)
    for (const h of ['evil.example', 'evil.example:8080', '127.0.0.1.evil.example:80', '127.0.0.1@evil.example', 'localhost:80/x', '::1', '']) {
      expect(isLocalHostHeader(h)).toBe(false)
    }
  })
})

/**
 * A real redis-server (Debian's `redis-server` package) on a free loopback port, without
 * persistence, for the tests of several instances. `stop` and `start` again on the same port
 * simulate Redis going away and coming back.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import fs from 'node:fs'
import net from 'node:net'
import { freePort } from './ports.ts'

export const REDIS_SERVER = process.env.KT_REDIS_SERVER ?? '/usr/bin/redis-server'
const START_TIMEOUT_MS = 20_000

export interface TestRedis {
  url: string
  port: number
  /** Start (again) on the same port; resolves once it accepts connections. */
  start(): Promise<void>
  /** Stop it (SIGKILL: as abrupt as a crash) and wait for the exit. */
  stop(): Promise<void>
}

export async function startRedis(): Promise<TestRedis> {
  if (!fs.existsSync(REDIS_SERVER)) throw new Error(`redis-server is missing (${REDIS_SERVER}): apt-get install redis-server`)
  const port = await freePort()
  // No test-framework imports here: the bench (plain node) starts Redis too.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-redis-'))
  let child: ChildProcess | null = null
  let exited: Promise<void> = Promise.resolve()
  const redis: TestRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      if (child) return
      const c = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' })
      child = c
      exited = new Promise((resolve) => c.once('exit', () => resolve()))
      const deadline = Date.now() + START_TIMEOUT_MS
      while (!(await accepts(port))) {
        if (c.exitCode !== null || c.signalCode !== null) throw new Error('redis-server exited at start')
        if (Date.now() > deadline) throw new Error(`redis-server did not accept connections within ${START_TIMEOUT_MS} ms`)
        await new Promise((r) => setTimeout(r, 50))
      }
    },
    async stop() {
      if (!child) return
      child.kill('SIGKILL')
      child = null
      await exited
    },
  }
  await redis.start()
  return redis
}

/** True when a PING on the port is answered with PONG. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1')
    const done = (ok: boolean) => {
      s.destroy()
      resolve(ok)
    }
    s.setTimeout(2000, () => done(false))
    s.once('error', () => done(false))
    s.once('connect', () => s.write('PING\r\n'))
    s.once('data', (d) => done(d.toString().startsWith('+PONG')))
  })
}

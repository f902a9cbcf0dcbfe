/**
 * Drive one load generator (a child process) against one running server and read that server's
 * CPU at the edges of the measured window.
 */
import { fork } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BurstResult, ChildMessage, FanoutResult, LoadConfig, ParentMessage } from './loadProtocol.ts'
import { machineBusyCpuSeconds } from './processCpu.ts'
import { BENCH_ORG_KEY, type BenchServer } from './serverProcess.ts'

const LOAD_GENERATOR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'loadGenerator.js')

export interface Measured<T> {
  result: T
  /** CPU seconds the server used in the measured window (fan-out) or during the burst. */
  serverCpuSeconds: number
  /** CPU seconds the whole machine was busy in that interval (server, load generator and anything else). */
  machineCpuSeconds: number
  /** Length of that interval. */
  wallSeconds: number
}

export type LoadSettings = Omit<LoadConfig, 'mode' | 'wsBase' | 'token' | 'caseIds' | 'seedTemplate'>

export function runFanout(server: BenchServer, caseIds: string[], settings: LoadSettings): Promise<Measured<FanoutResult>> {
  return run<FanoutResult>(server, { ...configFor(server, caseIds, settings), mode: 'fanout' })
}

export function runBurst(server: BenchServer, caseIds: string[], settings: LoadSettings): Promise<Measured<BurstResult>> {
  return run<BurstResult>(server, { ...configFor(server, caseIds, settings), mode: 'burst' })
}

function configFor(server: BenchServer, caseIds: string[], settings: LoadSettings): Omit<LoadConfig, 'mode'> {
  return {
    ...settings,
    wsBase: (server.urls ?? [server.url]).map((u) => u.replace('http', 'ws') + '/ws'),
    token: server.kind === 'ours' ? BENCH_ORG_KEY : null,
    caseIds,
    // Our cases are made from the template by the API; the reference's empty rooms get the same
    // template from their first client.
    seedTemplate: server.kind === 'reference' ? 'integrale-intake' : null,
  }
}

function run<T>(server: BenchServer, config: LoadConfig): Promise<Measured<T>> {
  const child = fork(LOAD_GENERATOR, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const tell = (m: ParentMessage) => child.send(m)
  return new Promise<Measured<T>>((resolve, reject) => {
    // Readings at the start and the end of the measured interval.
    let start = { server: 0, machine: 0, wall: 0 }
    let end = start
    const read = () => ({ server: server.cpuSeconds(), machine: machineBusyCpuSeconds(), wall: performance.now() / 1000 })
    let finished = false
    const finish = (err: Error | null, result?: T) => {
      if (finished) return
      finished = true
      if (child.exitCode === null) {
        tell({ type: 'stop' })
        setTimeout(() => { if (child.exitCode === null) child.kill('SIGKILL') }, 10_000).unref()
      }
      if (err) return reject(err)
      resolve({
        result: result as T,
        serverCpuSeconds: end.server - start.server,
        machineCpuSeconds: end.machine - start.machine,
        wallSeconds: end.wall - start.wall,
      })
    }
    child.on('message', (m: ChildMessage) => {
      switch (m.type) {
        case 'ready':
          if (config.mode === 'burst') start = read()
          tell({ type: 'go' })
          break
        case 'window-start':
          start = read()
          break
        case 'window-end':
          end = read()
          break
        case 'fanout-result':
          finish(null, m.result as T)
          break
        case 'burst-end':
          end = read()
          finish(null, m.result as T)
          break
        case 'error':
          finish(new Error(`load generator: ${m.message}`))
          break
      }
    })
    child.once('exit', (code) => finish(new Error(`load generator exited early (code ${code})`)))
    tell({ type: 'config', config })
  })
}

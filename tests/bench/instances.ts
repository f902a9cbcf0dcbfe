/**
 * Beyond one machine (issue 9): the same fan-out load — cases of 8 participants editing steadily —
 * on one instance with the embedded SQLite, one instance on PostgreSQL, and two instances on
 * PostgreSQL + Redis with the participants of every case spread over both (so every delivery to
 * half of them crosses the relay). Real PostgreSQL and redis-server from Debian's packages, started
 * here on free loopback ports and stopped after. Targets: p99 across instances ≤ 2× one instance,
 * and nothing lost (every write seen by every other participant).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { startPostgres, type TestPostgres } from '../helpers/postgres.ts'
import { startRedis } from '../helpers/redis.ts'
import { runFanout } from './runLoad.ts'
import { asOne, createCases, startBenchServer, type BenchServer } from './serverProcess.ts'
import { FANOUT_WINDOW_MS, fanoutHeader, fanoutRow, settings, type FanoutRun } from './loadScenarios.ts'
import { ratio } from './stats.ts'

const CASES = 20

export interface InstancesFigures {
  sqlite: FanoutRun
  postgres: FanoutRun
  twoInstances: FanoutRun
}

async function fanoutOn(server: BenchServer): Promise<FanoutRun> {
  try {
    const ids = await createCases(server, CASES)
    const m = await runFanout(server, ids, settings(FANOUT_WINDOW_MS))
    if (server.logLines() > 0) console.log(`    (the server wrote ${server.logLines()} log lines at warn or above: ${server.logMessages().join('; ')})`)
    return { ...m, cases: CASES }
  } finally {
    await server.stop()
  }
}

async function onPostgres(pg: TestPostgres, instances: number, redisUrl: string | null): Promise<BenchServer> {
  const url = await pg.createDatabase(`bench_${randomBytes(4).toString('hex')}`)
  // One installation: one DATA_DIR (so one KEY_DIR) and one master key for every instance.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kt-bench-pg-'))
  const env = { DATABASE_URL: url, MASTER_KEY: randomBytes(32).toString('hex'), ...(redisUrl ? { REDIS_URL: redisUrl } : {}) }
  const started: BenchServer[] = []
  // The first instance migrates the schema; the others find it done.
  for (let i = 0; i < instances; i++) started.push(await startBenchServer('ours', { env, dataDir }))
  return asOne(started, async () => fs.rmSync(dataDir, { recursive: true, force: true }))
}

export async function instancesBench(): Promise<InstancesFigures> {
  console.log(`\n## Beyond one machine: fan-out, ${CASES} cases × 8 participants, one instance on SQLite, one on PostgreSQL, two on PostgreSQL + Redis`)
  const pg = await startPostgres()
  const redis = await startRedis()
  try {
    const sqlite = await fanoutOn(await startBenchServer('ours'))
    const postgres = await fanoutOn(await onPostgres(pg, 1, null))
    const twoInstances = await fanoutOn(await onPostgres(pg, 2, redis.url))
    fanoutHeader()
    fanoutRow('1 instance, SQLite', sqlite)
    fanoutRow('1 instance, PostgreSQL', postgres)
    fanoutRow('2 instances, PG + Redis', twoInstances)
    const p99 = (r: FanoutRun) => r.result.latency.p99
    console.log(`PostgreSQL / SQLite p99: ${ratio(p99(postgres), p99(sqlite))}`)
    console.log(`two instances / one instance (PostgreSQL) p99: ${ratio(p99(twoInstances), p99(postgres))} (target ≤ 2×)`)
    console.log(`nothing lost: ${[sqlite, postgres, twoInstances].every((r) => r.result.missed === 0) ? 'yes' : 'NO'} (missed deliveries: ${[sqlite, postgres, twoInstances].map((r) => r.result.missed).join(', ')})`)
    return { sqlite, postgres, twoInstances }
  } finally {
    await redis.stop()
    await pg.stop()
  }
}

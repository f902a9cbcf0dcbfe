/**
 * The PostgreSQL connection pool (the `pg` client) and a transaction helper. BIGINT columns
 * (times in ms, sequence numbers) are read as numbers: every value stored fits exactly in a
 * double. Connection errors of idle clients are reported, never thrown at the process.
 */
import pg from 'pg'

export type Pool = pg.Pool
export type Queryable = pg.Pool | pg.PoolClient

const INT8_OID = 20
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID && format !== 'binary' ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
}

/** How long a query waits for a connection before failing (PostgreSQL down: fail, do not hang). */
const CONNECT_TIMEOUT_MS = 5_000

export function openPool(url: string, onIdleError: (err: Error) => void, max = 10): Pool {
  const pool = new pg.Pool({ connectionString: url, types, max, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'keukentafel' })
  pool.on('error', onIdleError)
  return pool
}

/** Run `fn` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(pool: Pool, fn: (c: pg.PoolClient) => Promise<T>, isolation: 'READ COMMITTED' | 'REPEATABLE READ' = 'READ COMMITTED'): Promise<T> {
  const c = await pool.connect()
  let broken: Error | undefined
  try {
    await c.query(`BEGIN ISOLATION LEVEL ${isolation}`)
    const out = await fn(c)
    await c.query('COMMIT')
    return out
  } catch (err) {
    // A connection that cannot even roll back is dropped from the pool, not reused.
    await c.query('ROLLBACK').catch((e: Error) => { broken = e })
    throw err
  } finally {
    c.release(broken)
  }
}

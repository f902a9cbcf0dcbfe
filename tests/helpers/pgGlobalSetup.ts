/**
 * vitest globalSetup of the integration project: with KT_TEST_STORAGE=postgres, one real
 * PostgreSQL serves the whole run (each test server gets a database of its own; postgres.ts) and is
 * stopped and removed at the end. Without it: nothing (SQLite, as always).
 */
import { startRunPostgres } from './postgres.ts'

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  return startRunPostgres()
}

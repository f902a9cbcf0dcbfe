/** `npm start`: read settings, start, print the URL (and a generated key once), stop cleanly. */
import { readSettings, SettingsError } from './config.ts'
import { defaultClientDir, startServer } from './app.ts'

async function main(): Promise<void> {
  let settings
  try {
    settings = readSettings(process.env, { clientDir: defaultClientDir() })
  } catch (err) {
    if (err instanceof SettingsError) {
      process.stderr.write(`Keukentafel cannot start.\n${err.message}\n`)
      process.exit(2)
    }
    throw err
  }

  let server
  try {
    server = await startServer(settings)
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    const reason = e.code === 'EADDRINUSE' ? `port ${settings.port} is already in use (set PORT)` :
      e.code === 'EACCES' ? `no permission to listen on ${settings.host}:${settings.port} or to write ${settings.dataDir}` : e.message
    process.stderr.write(`Keukentafel cannot start: ${reason}\n`)
    process.exit(1)
  }

  process.stdout.write(`\nKeukentafel is running at ${server.url}\nData folder: ${settings.dataDir}\n`)
  const { professional, coordinator } = server.generatedKeys
  if (professional) {
    process.stdout.write(
      `\nAccess key for professionals (shown once; stored only as a hash):\n\n    ${professional}\n\n` +
      'Keep it safe. To choose your own, start with ORG_KEY=... (at least 16 characters).\n',
    )
  }
  if (coordinator) {
    process.stdout.write(
      `\nAccess key for coordinators — read-only, all cases (shown once):\n\n    ${coordinator}\n\n` +
      'To choose your own, start with COORDINATOR_KEY=... (at least 16 characters).\n',
    )
  }
  server.log.info({ url: server.url }, 'listening')

  // A repeated signal (a second Ctrl-C, a supervisor that signals twice) must not cut the shutdown
  // short with the default action: what clients sent would be lost. The shutdown is bounded anyway.
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) {
      server.log.warn({ signal }, 'already shutting down; storing what is left first')
      return
    }
    stopping = true
    server.log.info({ signal }, 'shutting down')
    server.close().then(() => process.exit(0), () => process.exit(1))
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

void main()

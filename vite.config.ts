import { defineConfig } from 'vitest/config'
import react from '@vitejs/plugin-react'
import { precompress } from './scripts/precompress.ts'

const serverPort = Number(process.env.PORT ?? 8080)

export default defineConfig({
  root: 'client',
  publicDir: false,
  // precompress: .br and .gz beside each text asset (served by server/http/static.ts).
  plugins: [react(), precompress()],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
  },
  optimizeDeps: {
    // Its imports.vite.js imports files with `?url`; pre-bundling breaks those paths in `vite` dev.
    exclude: ['@tldraw/assets'],
  },
  server: {
    // `vite` in development proxies the API and the WebSocket to a running server.
    proxy: {
      // With the trailing slash: '/api' alone would also catch the module client/api.ts.
      '/api/': `http://127.0.0.1:${serverPort}`,
      '/healthz': `http://127.0.0.1:${serverPort}`,
      '/ws/': { target: `ws://127.0.0.1:${serverPort}`, ws: true },
    },
  },
  test: {
    root: '.',
    projects: [
      {
        extends: true,
        test: { name: 'unit', root: '.', include: ['tests/unit/**/*.test.ts', 'tests/unit/**/*.test.tsx'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'integration', root: '.', include: ['tests/integration/**/*.test.ts'], environment: 'node',
          testTimeout: 30_000, hookTimeout: 60_000,
          // KT_TEST_STORAGE=postgres: one PostgreSQL for the run (tests/helpers/postgres.ts).
          globalSetup: ['tests/helpers/pgGlobalSetup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e', root: '.', include: ['tests/e2e/**/*.test.ts'], environment: 'node',
          testTimeout: 90_000, hookTimeout: 120_000, fileParallelism: false,
        },
      },
    ],
  },
})

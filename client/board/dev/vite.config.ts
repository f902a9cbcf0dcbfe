// Dev harness config: npx vite --config client/board/dev/vite.config.ts
// (@tldraw/assets imports its files with `?url`, which Vite's dependency pre-bundling cannot load.)
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import { fileURLToPath } from 'node:url'

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  optimizeDeps: { exclude: ['@tldraw/assets'] },
  server: { port: 5199, strictPort: true, fs: { allow: [fileURLToPath(new URL('../../..', import.meta.url))] } },
  build: { outDir: '/tmp/kt-board-dev-build', emptyOutDir: true, chunkSizeWarningLimit: 8000 },
})

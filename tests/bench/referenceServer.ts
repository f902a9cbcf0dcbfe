/**
 * The reference: the y-websocket project's own server (`@y/websocket-server`), in memory, without
 * persistence or authentication, as its README starts it. Run as a child process by the bench:
 * `PORT=<port> node referenceServer.js`. Answers GET /healthz like ours so one start-up wait fits
 * both; every WebSocket path is a room (the y-websocket client connects to /ws/<caseId>).
 */
import http from 'node:http'
import { WebSocketServer } from 'ws'
import { setupWSConnection } from '@y/websocket-server/utils'

const port = Number(process.env.PORT)
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('referenceServer: set PORT\n')
  process.exit(2)
}

const server = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end('{"ok":true}')
})
const wss = new WebSocketServer({ noServer: true })
server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => setupWSConnection(ws, req))
})
server.listen(port, '127.0.0.1')
process.once('SIGTERM', () => process.exit(0))

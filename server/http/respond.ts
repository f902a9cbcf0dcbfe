/** Small helpers at the HTTP boundary: JSON replies, errors, and reading a bounded JSON body. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { ApiError, type ApiErrorCode } from '../../shared/apiErrors.ts'
import { MAX_JSON_BODY_BYTES } from '../../shared/limits.ts'

export class HttpError extends Error {
  constructor(readonly status: number, readonly code: ApiErrorCode, message: string) {
    super(message)
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  })
  res.end(text)
}

export function sendEmpty(res: ServerResponse, status = 204, headers: Record<string, string | string[]> = {}): void {
  res.writeHead(status, { 'Cache-Control': 'no-store', ...headers })
  res.end()
}

export function sendError(res: ServerResponse, status: number, error: ApiErrorCode, message: string): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  sendJson(res, status, { error, message })
}

/** Read and parse a JSON body of at most MAX_JSON_BODY_BYTES. Empty body → {}. */
export async function readJson(req: IncomingMessage, maxBytes = MAX_JSON_BODY_BYTES): Promise<unknown> {
  const type = req.headers['content-type'] ?? ''
  const declared = Number(req.headers['content-length'] ?? '0')
  if (declared > maxBytes) {
    req.resume()
    throw new HttpError(413, ApiError.tooLarge, `The request body is larger than ${maxBytes} bytes.`)
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > maxBytes) throw new HttpError(413, ApiError.tooLarge, `The request body is larger than ${maxBytes} bytes.`)
    chunks.push(chunk as Buffer)
  }
  if (size === 0) return {}
  if (!/^application\/json\b/i.test(type)) {
    throw new HttpError(415, ApiError.unsupportedMediaType, 'Send the request body as application/json.')
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new HttpError(400, ApiError.badJson, 'The request body is not valid JSON.')
  }
}

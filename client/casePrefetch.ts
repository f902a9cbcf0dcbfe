/**
 * A case page opened directly (a link, a reload) would otherwise be a chain: the entry script,
 * then the board's chunk (tldraw, the largest file), and only once that has run the case's API
 * calls, then the WebSocket. This module is part of the entry chunk: at start-up, when the
 * address is a case (/cases/:id), it starts the board's chunk, the case's access check (who
 * am I in this case, the case itself) and the case's connection at once, side by side. BoardPage
 * takes the started check once (`takeCaseAccess`) and useCaseConnection the connection; a retry
 * or a second visit asks the server again. Errors are those of the same calls made later, so the
 * page shows the same access problems; without access the early connection is closed.
 */
import type { Me } from '../shared/api.ts'
import { api, ApiFailure } from './api.ts'
import { forgetInviteToken, loadInviteToken, rememberJoined } from './identity.ts'
import { matchRoute } from './router.ts'

export type CaseAccessResult = [Me, Awaited<ReturnType<typeof api.getCase>>]

/** The longest the early connection waits for the board's code before asking for the document. */
const BOARD_WAIT_MS = 10_000

const started = new Map<string, Promise<CaseAccessResult>>()

/** The case's access check: a legacy invite redeemed first, then who I am in the case and the case. */
export function loadCaseAccess(caseId: string): Promise<CaseAccessResult> {
  return redeemLegacyInvite(caseId).then(() => Promise.all([api.me(null, caseId), api.getCase(caseId)]))
}

/** Start the check now (at most one waiting per case); BoardPage takes it. */
export function prefetchCaseAccess(caseId: string): void {
  if (started.has(caseId)) return
  const p = loadCaseAccess(caseId)
  p.catch(() => { /* handled by whoever takes it */ })
  started.set(caseId, p)
}

/** The check started for this case, once; otherwise a new one. */
export function takeCaseAccess(caseId: string): Promise<CaseAccessResult> {
  const p = started.get(caseId)
  started.delete(caseId)
  return p ?? loadCaseAccess(caseId)
}

/**
 * The board's code (tldraw, the largest chunk): the case page loads it lazily (its plan view
 * needs none of it), and it is started together with the page's own chunk, not after it.
 */
export function loadBoard() {
  return import('./board/Board.tsx')
}

/** The case page's chunk (client/lazyPages.tsx), with the board's code started beside it. */
export function loadBoardPage() {
  loadBoard().catch(() => { /* the page asks again and shows the error (BoardPage useBoardCode) */ })
  return import('./pages/BoardPage.tsx')
}

/** At start-up on a case's address: the board's code, the access check and the connection, side by side. */
export function prefetchForAddress(loc: { pathname: string; search: string }): void {
  const route = matchRoute(loc.pathname, loc.search)
  if (route.name !== 'board') return
  const caseId = route.caseId
  loadBoardPage().catch(() => { /* React.lazy loads it again and shows the error */ })
  prefetchCaseAccess(caseId)
  // The connection too (a small chunk: yjs and y-websocket): it connects while the board's chunk
  // loads and asks for the document once that has run, or after BOARD_WAIT_MS whatever happens
  // (client/connection.ts). The page takes it over. An invite token an older version left in
  // the browser must first become the case session cookie: then it waits for that.
  const boardRan = Promise.race([loadBoard(), new Promise((resolve) => setTimeout(resolve, BOARD_WAIT_MS))]).catch(() => undefined)
  const cookieThere = loadInviteToken(caseId) ? started.get(caseId)?.catch(() => null) : null
  Promise.all([import('./connection.ts'), cookieThere])
    .then(([m]) => m.openEarlyConnection(caseId, boardRan), () => { /* the page connects itself */ })
}

/**
 * Versions before case sessions kept the invite token in localStorage: redeem it once for the
 * case session cookie, then delete it (also when the server refuses it: it is of no use then).
 * Offline, rate-limited or on a server error, it stays for the next attempt.
 */
async function redeemLegacyInvite(caseId: string): Promise<void> {
  const old = loadInviteToken(caseId)
  if (!old) return
  try {
    await api.redeemInvite(old)
    rememberJoined(caseId)
  } catch (err) {
    if (!(err instanceof ApiFailure) || err.status === 0 || err.status === 429 || err.status >= 500) return
    rememberJoined(caseId)
  }
  forgetInviteToken(caseId)
}

/**
 * Pages loaded on demand (code splitting): the board, snapshot, comparison, print, review,
 * account, activation and administration pages are chunks of their own, so the login page and
 * the case list load without tldraw (tests/integration/staticChunks.test.ts checks the build).
 * Each page is fetched when its route is first shown; `Loading` is what shows meanwhile.
 */
import { lazy, Suspense, type ComponentType, type ReactNode } from 'react'
import { useI18n } from './i18n.ts'
import { loadBoardPage } from './casePrefetch.ts'

/** React.lazy for a module's named export. */
function lazyNamed<M, K extends keyof M>(load: () => Promise<M>, name: K): M[K] {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the page keeps its own props type (M[K])
  return lazy(async () => ({ default: (await load())[name] as ComponentType<any> })) as unknown as M[K]
}

export const BoardPage = lazyNamed(loadBoardPage, 'BoardPage')
export const SnapshotPage = lazyNamed(() => import('./pages/SnapshotPage.tsx'), 'SnapshotPage')
export const ComparePage = lazyNamed(() => import('./pages/ComparePage.tsx'), 'ComparePage')
export const PrintPage = lazyNamed(() => import('./pages/PrintPage.tsx'), 'PrintPage')
export const ReviewPage = lazyNamed(() => import('./pages/ReviewPage.tsx'), 'ReviewPage')
export const AccountPage = lazyNamed(() => import('./pages/AccountPage.tsx'), 'AccountPage')
export const ActivatePage = lazyNamed(() => import('./pages/ActivatePage.tsx'), 'ActivatePage')
export const AdminPanel = lazyNamed(() => import('./pages/AdminPage.tsx'), 'AdminPanel')
export const AuditExport = lazyNamed(() => import('./pages/AuditExportPage.tsx'), 'AuditExport')

/** What shows while a page's code loads. */
export function Loading() {
  const { t } = useI18n()
  return <p className="centered" data-testid="page-loading">{t('loading')}</p>
}

/** A lazily loaded page with the loading text as its fallback. */
export function LazyPage({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>
}

import { useCallback, useEffect, useMemo, useState } from 'react'
import { api, type ClientConfig } from './api.ts'
import { LocaleContext, translator, type Locale } from './i18n.ts'
import { loadLocale, saveLocale } from './identity.ts'
import { navigate, useRoute } from './router.ts'
import { HomePage } from './pages/HomePage.tsx'
import { JoinPage } from './pages/JoinPage.tsx'
import { AccountPage, ActivatePage, BoardPage, ComparePage, LazyPage, PrintPage, ReviewPage, SnapshotPage } from './lazyPages.tsx'

export function App() {
  const route = useRoute()
  const [locale, setLocaleState] = useState<Locale>(loadLocale)
  const [config, setConfig] = useState<ClientConfig | null>(null)
  const setLocale = useCallback((l: Locale) => {
    saveLocale(l)
    setLocaleState(l)
  }, [])
  const ctx = useMemo(() => ({ locale, t: translator(locale), setLocale }), [locale, setLocale])
  useEffect(() => {
    document.documentElement.lang = locale
  }, [locale])
  useEffect(() => {
    api.config().then(setConfig, () => setConfig({ schemaVersion: 0, tldrawLicenseKey: null, version: '', oidc: null }))
  }, [])

  let page
  switch (route.name) {
    case 'home':
      page = <HomePage config={config} />
      break
    case 'join':
      page = <JoinPage />
      break
    case 'board':
      page = <BoardPage key={route.caseId} caseId={route.caseId} licenseKey={config?.tldrawLicenseKey ?? undefined} />
      break
    case 'review':
      page = <ReviewPage />
      break
    case 'activate':
      page = <ActivatePage />
      break
    case 'account':
      page = <AccountPage />
      break
    case 'snapshot':
      page = <SnapshotPage key={`${route.caseId}/${route.snapshotId}`} caseId={route.caseId} snapshotId={route.snapshotId} licenseKey={config?.tldrawLicenseKey ?? undefined} />
      break
    case 'compare':
      page = <ComparePage key={route.caseId} caseId={route.caseId} from={route.from} to={route.to} licenseKey={config?.tldrawLicenseKey ?? undefined} />
      break
    case 'print':
      page = <PrintPage key={`${route.caseId}/${route.snapshotId ?? ''}`} caseId={route.caseId} snapshotId={route.snapshotId} />
      break
    default:
      page = (
        <main className="centered">
          <p>{ctx.t('notFound')}</p>
          <button type="button" onClick={() => navigate('/')}>{ctx.t('toHome')}</button>
        </main>
      )
  }
  return <LocaleContext.Provider value={ctx}><LazyPage>{page}</LazyPage></LocaleContext.Provider>
}

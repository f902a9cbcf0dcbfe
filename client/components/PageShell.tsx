/** A simple page: the app's name and the language switch above, the content below. */
import type { ReactNode } from 'react'
import { useI18n } from '../i18n.ts'
import { LocaleSwitch } from './LocaleSwitch.tsx'

export function PageShell({ children }: { children: ReactNode }) {
  const { t } = useI18n()
  return (
    <div className="page">
      <header className="topbar">
        <span className="brand" aria-hidden="true">{t('appName')}</span>
        <span className="spacer" />
        <LocaleSwitch />
      </header>
      {children}
    </div>
  )
}

/** The language switch: Dutch (default) or English; each option is named in its own language. */
import { useI18n } from '../i18n.ts'

export function LocaleSwitch() {
  const { locale, setLocale, t } = useI18n()
  return (
    <label className="locale-switch">
      <span className="visually-hidden">{t('language')}</span>
      <select data-testid="locale-switch" value={locale} onChange={(e) => setLocale(e.target.value === 'en' ? 'en' : 'nl')}>
        <option value="nl" lang="nl">Nederlands</option>
        <option value="en" lang="en">English</option>
      </select>
    </label>
  )
}

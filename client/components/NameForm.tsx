/** Asks a participant's name (and organisation) once; the browser remembers it. */
import { useState, type FormEvent } from 'react'
import { MAX_PERSON_NAME_CHARS, MAX_SHORT_FIELD_CHARS } from '../../shared/limits.ts'
import { useI18n } from '../i18n.ts'
import { loadIdentity, saveIdentity, type Identity } from '../identity.ts'

/** `autoFocus` (default on): off where the page has text to read first (the resident's join page). */
export function NameForm({ askOrg, onDone, autoFocus = true }: { askOrg: boolean; onDone: (id: Identity) => void; autoFocus?: boolean }) {
  const { t } = useI18n()
  const known = loadIdentity()
  const [name, setName] = useState(known?.name ?? '')
  const [org, setOrg] = useState(known?.org ?? '')
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (!name.trim()) return
    const id = { name: name.trim(), org: askOrg ? org.trim() : '' }
    saveIdentity(askOrg ? id : { name: id.name, org: known?.org ?? '' })
    onDone(id)
  }
  return (
    <form className="card form" onSubmit={submit}>
      <label>
        {t('nameLabel')}
        <input autoFocus={autoFocus} required maxLength={MAX_PERSON_NAME_CHARS} value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
      </label>
      {askOrg && (
        <label>
          {t('orgLabel')}
          <input maxLength={MAX_SHORT_FIELD_CHARS} value={org} placeholder={t('orgPlaceholder')} onChange={(e) => setOrg(e.target.value)} autoComplete="organization" />
        </label>
      )}
      <button type="submit" className="primary">{t('continue')}</button>
    </form>
  )
}

/**
 * Momentopnamen beside the board: save one (professionals), list them newest first with their
 * one-line summary, and per snapshot: view, compare with now, restore (professionals, confirmed).
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react'
import { MAX_TITLE_CHARS } from '../../shared/limits.ts'
import { api, ApiFailure, type SnapshotMeta } from '../api.ts'
import { useI18n, type T } from '../i18n.ts'
import { defaultSnapshotLabel, formatDateTime, summaryLine } from '../planText.ts'
import { navigate } from '../router.ts'

export function errorText(err: unknown, t: T): string {
  if (err instanceof ApiFailure) return err.status === 0 ? t('offline') : err.message
  return err instanceof Error ? err.message : String(err)
}

export function SnapshotPanel(props: { caseId: string; token: string | null; canSave: boolean; savedBy: string }) {
  const { caseId, token, canSave, savedBy } = props
  const { t, locale } = useI18n()
  const [list, setList] = useState<SnapshotMeta[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const [label, setLabel] = useState(() => defaultSnapshotLabel(Date.now(), locale))
  const [busy, setBusy] = useState(false)
  const [restoring, setRestoring] = useState<SnapshotMeta | null>(null)

  const load = useCallback(() => {
    api.snapshots(caseId, token).then((l) => { setList(l); setError(null) }, (e: unknown) => setError(errorText(e, t)))
  }, [caseId, token, t])
  useEffect(load, [load])

  const save = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    setNotice(null)
    try {
      await api.saveSnapshot(caseId, label.trim(), savedBy, token)
      setNotice(t('snapshotSaved'))
      setLabel(defaultSnapshotLabel(Date.now(), locale))
      load()
    } catch (err) {
      setError(errorText(err, t))
    } finally {
      setBusy(false)
    }
  }

  const restore = async (s: SnapshotMeta) => {
    setRestoring(null)
    setError(null)
    setNotice(null)
    try {
      // Nothing is lost: the plan as it is now is kept as a snapshot first.
      await api.saveSnapshot(caseId, `${t('restoreBackupLabel')} ${formatDateTime(Date.now(), locale)}`, savedBy, token)
      await api.restore(caseId, s.id, token)
      setNotice(t('restoreDone'))
      load()
    } catch (err) {
      setError(errorText(err, t))
    }
  }

  const go = (to: string) => (e: React.MouseEvent) => {
    e.preventDefault()
    navigate(to)
  }

  return (
    <section className="snapshot-panel" aria-labelledby="snapshots-title" data-testid="snapshot-panel">
      <h2 id="snapshots-title">{t('snapshotsTitle')}</h2>
      <p className="help">{t('snapshotsExplain')}</p>
      {canSave && (
        <form className="snapshot-save" onSubmit={save}>
          <label>
            {t('snapshotLabel')}
            <input data-testid="snapshot-label" maxLength={MAX_TITLE_CHARS} value={label} onChange={(e) => setLabel(e.target.value)} />
          </label>
          <button type="submit" className="primary" disabled={busy} data-testid="snapshot-save">{t('snapshotSave')}</button>
        </form>
      )}
      {notice && <p className="ok" role="status" data-testid="snapshot-notice">{notice}</p>}
      {error && <p className="error" role="alert" data-testid="snapshot-error">{error}</p>}
      {list === null ? (
        !error && <p>{t('loading')}</p>
      ) : list.length === 0 ? (
        <p className="empty" data-testid="snapshots-empty">{t('snapshotsEmpty')}</p>
      ) : (
        <ol className="snapshot-list" data-testid="snapshot-list">
          {list.map((s) => (
            <li key={s.id} data-testid="snapshot-item" data-snapshot-id={s.id}>
              <strong className="snapshot-label" data-testid="snapshot-item-label">{s.label}</strong>
              <span className="muted">
                {formatDateTime(s.createdAt, locale)} · {s.auto || s.savedBy.role === 'system'
                  ? t('snapshotAuto')
                  : `${t('snapshotBy')} ${s.savedBy.name || t(`role_${s.savedBy.role}`)}`}
              </span>
              <span className="snapshot-summary" data-testid="snapshot-summary">{summaryLine(s.summary, locale)}</span>
              <span className="snapshot-actions">
                <a className="button-link" href={`/cases/${caseId}/snapshots/${s.id}`} onClick={go(`/cases/${caseId}/snapshots/${s.id}`)} data-testid="snapshot-view">
                  {t('snapshotView')}
                </a>
                <a className="button-link" href={`/cases/${caseId}/compare?from=${s.id}&to=live`} onClick={go(`/cases/${caseId}/compare?from=${s.id}&to=live`)} data-testid="snapshot-compare">
                  {t('snapshotCompare')}
                </a>
                {canSave && (
                  <button type="button" onClick={() => setRestoring(s)} data-testid="snapshot-restore">{t('snapshotRestore')}</button>
                )}
              </span>
            </li>
          ))}
        </ol>
      )}
      {restoring && <RestoreDialog snapshot={restoring} onCancel={() => setRestoring(null)} onConfirm={() => restore(restoring)} />}
    </section>
  )
}

function RestoreDialog({ snapshot, onCancel, onConfirm }: { snapshot: SnapshotMeta; onCancel: () => void; onConfirm: () => void }) {
  const { t, locale } = useI18n()
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    ref.current?.showModal()
  }, [])
  return (
    <dialog ref={ref} className="dialog" onClose={onCancel} aria-labelledby="restore-title" data-testid="restore-dialog">
      <h2 id="restore-title">{t('restoreTitle')}</h2>
      <p><strong>{snapshot.label}</strong> <span className="muted">({formatDateTime(snapshot.createdAt, locale)})</span></p>
      <p>{t('restoreExplain')}</p>
      <div className="dialog-buttons">
        <button type="button" onClick={onCancel} data-testid="restore-cancel">{t('cancel')}</button>
        <button type="button" className="primary" onClick={onConfirm} data-testid="restore-confirm">{t('restoreConfirm')}</button>
      </div>
    </dialog>
  )
}

/**
 * Who is signed in, in the header: the account's name, a link 'Mijn account' and 'Uitloggen'.
 * Signing out reloads the start page, so nothing of the last person stays in the page's memory.
 */
import type { AccountInfo } from '../../shared/api.ts'
import { api } from '../api.ts'
import { useI18n } from '../i18n.ts'
import { navigate } from '../router.ts'

export function AccountBar({ account }: { account: AccountInfo | null }) {
  const { t } = useI18n()
  return (
    <>
      {account && (
        <>
          <span className="signed-in" data-testid="signed-in-as">{account.displayName}</span>
          <a href="/account" onClick={(e) => { e.preventDefault(); navigate('/account') }} data-testid="my-account-link">{t('ac_myAccount')}</a>
        </>
      )}
      <button type="button" onClick={() => { void api.logout().catch(() => {}).finally(() => location.assign('/')) }} data-testid="logout">{t('logout')}</button>
    </>
  )
}

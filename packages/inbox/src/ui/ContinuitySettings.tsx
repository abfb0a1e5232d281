// Email continuity of a website inbox: which email inbox emails the replies a visitor who left
// has not seen. Part of the website settings form (one PUT of the whole settings object).
import { t } from '../i18n'
import { inboxes } from '../store'

export function EmailContinuityCard(props: { value: string; onChange: (id: string) => void }) {
  const emailInboxes = inboxes.value.filter((i) => i.kind === 'email')
  // A stored choice the list no longer has (the inbox was removed): shown, so saving is deliberate.
  const missing = props.value !== '' && !emailInboxes.some((i) => i.id === props.value)
  return (
    <section class="card" data-testid="email-continuity">
      <div class="card-head">
        <h3>{t('continuity.title')}</h3>
      </div>
      <p class="muted">{t('continuity.hint')}</p>
      {emailInboxes.length === 0 && !missing ? (
        <p class="muted" data-testid="email-continuity-none">
          {t('continuity.noEmailInbox')}
        </p>
      ) : (
        <label class="field">
          <span>{t('continuity.inbox')}</span>
          <select
            data-testid="email-continuity-inbox"
            value={props.value}
            onChange={(e) => props.onChange(e.currentTarget.value)}
          >
            <option value="">{t('continuity.off')}</option>
            {emailInboxes.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}
              </option>
            ))}
            {missing && <option value={props.value}>{t('continuity.missing')}</option>}
          </select>
        </label>
      )}
    </section>
  )
}

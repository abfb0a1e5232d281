import type { Id } from '@kefu/protocol'
import { fullDateTime } from '../format'
import { locale, t } from '../i18n'
import { starsOf } from '../ratings'
import { ratings } from '../store'

/** The customer's rating in the conversation header: ★★★★☆ 4/5 and what they wrote. */
export function RatingChip(props: { conversationId: Id }) {
  const rating = ratings.value.get(props.conversationId)?.rating
  if (!rating) return null
  const label = t('rating.label', { score: rating.score })
  return (
    <span
      class="rating"
      data-testid="conversation-rating"
      data-score={rating.score}
      title={`${label} · ${t('rating.ratedAt', { time: fullDateTime(rating.ratedAt, locale.value) })}`}
    >
      <span class={rating.score <= 2 ? 'rating-chip low' : 'rating-chip'}>
        <span class="sr-only">{label}</span>
        <span class="rating-stars" aria-hidden="true">
          {starsOf(rating.score)}
        </span>
        <span aria-hidden="true">{t('rating.score', { score: rating.score })}</span>
      </span>
      {rating.comment && <span class="rating-comment">{rating.comment}</span>}
    </span>
  )
}

/** The same rating in the contact panel, with the whole comment. */
export function RatingDetails(props: { conversationId: Id }) {
  const rating = ratings.value.get(props.conversationId)?.rating
  if (!rating) return null
  return (
    <div class="details-row" data-testid="contact-rating">
      <dt>{t('details.rating')}</dt>
      <dd>
        <span class="sr-only">{t('rating.label', { score: rating.score })}</span>
        <span class="rating-stars" aria-hidden="true">
          {starsOf(rating.score)}
        </span>{' '}
        <span aria-hidden="true">{t('rating.score', { score: rating.score })}</span>
        {rating.comment && <p class="rating-said">{rating.comment}</p>}
        <p class="muted rating-time">
          {t('rating.ratedAt', { time: fullDateTime(rating.ratedAt, locale.value) })}
        </p>
      </dd>
    </div>
  )
}

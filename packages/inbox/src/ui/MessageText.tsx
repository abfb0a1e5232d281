import { linkify } from '../format'

export function MessageText(props: { text: string; class?: string }) {
  // Customer text is rendered as text nodes only; links are rebuilt from checked http(s) URLs.
  return (
    <div class={props.class ?? 'bubble-text'}>
      {linkify(props.text).map((part, i) =>
        part.kind === 'link' ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ) : (
          part.text
        ),
      )}
    </div>
  )
}

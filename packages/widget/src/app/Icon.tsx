import type { ComponentChildren } from 'preact'

/** A 24×24 icon drawn by the path `d` (and any more paths as children), hidden from readers. */
export function Icon(props: {
  d: string
  size?: number
  class?: string
  children?: ComponentChildren
}) {
  const size = props.size ?? 20
  return (
    <svg class={props.class} viewBox="0 0 24 24" width={size} height={size} aria-hidden="true">
      <path d={props.d} />
      {props.children}
    </svg>
  )
}

import { avatarHue, initial } from '../format'

export function Avatar(props: { name: string; seed: string; size?: 'small' | 'large' }) {
  const hue = avatarHue(props.seed)
  return (
    <span
      class={`avatar ${props.size ?? ''}`}
      style={{ background: `hsl(${hue} 55% 92%)`, color: `hsl(${hue} 45% 32%)` }}
      aria-hidden="true"
    >
      {initial(props.name)}
    </span>
  )
}

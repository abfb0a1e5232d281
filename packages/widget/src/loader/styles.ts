// Lives inside the shadow root: the host page's CSS cannot reach it and it cannot leak out.
// --c is the inbox's colour (validated #rrggbb); .l puts launcher and panel on the left, .p
// makes the launcher a pill with the inbox's text, .w hides it until the inbox's look is known.
export const styles = `
button{position:fixed;right:20px;bottom:20px;z-index:2147483647;display:flex;align-items:center;justify-content:center;gap:8px;box-sizing:border-box;min-width:58px;height:58px;margin:0;padding:0 15px;border:0;border-radius:29px;background:var(--c,#1f6feb);color:#fff;box-shadow:0 6px 20px rgba(0,0,0,.22);cursor:pointer;transition:transform .2s ease}
button:hover{transform:scale(1.06)}
button:focus-visible{outline:3px solid var(--c,#1f6feb);outline-offset:3px}
.l{left:20px;right:auto}
.w{visibility:hidden}
svg{flex:none;width:28px;height:28px;fill:currentColor}
#kefu-text{max-width:220px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;font:600 15px/1.2 system-ui,sans-serif}
[aria-expanded=true] .a,[aria-expanded=false] .b,[aria-expanded=true] #kefu-text,button:not(.p) #kefu-text{display:none}
#kefu-badge{position:absolute;top:-3px;right:-3px;min-width:22px;height:22px;padding:0 6px;box-sizing:border-box;border:2px solid #fff;border-radius:11px;background:#e5484d;color:#fff;font:700 11px/18px system-ui,sans-serif;text-align:center}
#kefu-badge[hidden]{display:none}
iframe{position:fixed;right:20px;bottom:92px;z-index:2147483647;width:370px;height:min(560px,calc(100% - 112px));border:0;border-radius:16px;background:#fff;box-shadow:0 12px 48px rgba(0,0,0,.2);color-scheme:light;opacity:0;visibility:hidden;transform:translateY(16px);transition:opacity .2s ease,transform .2s ease,visibility 0s .2s}
iframe.open{opacity:1;visibility:visible;transform:none;transition:opacity .2s ease,transform .2s ease}
@media (max-width:480px){iframe.l,iframe{left:0;right:0;bottom:0;width:100%;height:100%;border-radius:0}[aria-expanded=true]{display:none}}
@media (prefers-reduced-motion:reduce){button,iframe,iframe.open{transition:none}}
`

// The colours of the page the surface scene sits in (background, lines,
// labels) and the size of its type, read from the page's colour variables so
// that the canvas follows the theme picker, the system's dark mode and
// projector mode.

/** The colours of the page the scene sits in (CSS colour strings), and how large its type is. */
export interface SceneTheme {
  background: string;
  ink: string;
  inkSoft: string;
  grid: string;
  accent: string;
  /** 1 normally; larger in projector mode. */
  labelScale: number;
}

export const LIGHT_THEME: SceneTheme = { background: '#ffffff', ink: '#1d2128', inkSoft: '#59616e', grid: '#dfe3e9', accent: '#2159c4', labelScale: 1 };

/** The scene's colours from the page's colour variables (app.css and the classroom's themes), read where the canvas sits. */
export function themeFrom(style: CSSStyleDeclaration, projector: boolean): SceneTheme {
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    background: read('--panel', LIGHT_THEME.background),
    ink: read('--ink', LIGHT_THEME.ink),
    inkSoft: read('--ink-soft', LIGHT_THEME.inkSoft),
    grid: read('--line', LIGHT_THEME.grid),
    accent: read('--accent', LIGHT_THEME.accent),
    labelScale: projector ? 1.35 : 1,
  };
}

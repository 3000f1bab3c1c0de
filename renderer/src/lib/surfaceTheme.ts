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

export const LIGHT_THEME: SceneTheme = {
  background: '#ffffff',
  ink: '#1d2128',
  inkSoft: '#59616e',
  grid: '#dfe3e9',
  accent: '#2159c4',
  labelScale: 1,
};

/** The scene's colours from the page's colour variables (app.css's themes), read where the canvas sits. */
export function themeFrom(style: Pick<CSSStyleDeclaration, 'getPropertyValue'>, projector: boolean): SceneTheme {
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

/**
 * The scene's theme where `at` sits. The themes pair each colour's light and
 * dark values in light-dark(), which the page resolves only where a colour is
 * used: each variable is read through a hidden probe's `color`, as rgb().
 */
export function themeAt(at: HTMLElement, projector: boolean): SceneTheme {
  const probe = at.ownerDocument.createElement('span');
  probe.hidden = true;
  at.append(probe);
  try {
    const declared = getComputedStyle(at);
    const resolved = getComputedStyle(probe);
    const colour = (name: string) => {
      if (!declared.getPropertyValue(name).trim()) return '';
      probe.style.color = `var(${name})`;
      return resolved.color;
    };
    return themeFrom({ getPropertyValue: colour }, projector);
  } finally {
    probe.remove();
  }
}

import { describe, expect, it } from 'vitest';
import { LIGHT_THEME, themeFrom } from './surfaceTheme';

describe('the scene’s theme', () => {
  const style = (variables: Record<string, string>) =>
    ({ getPropertyValue: (name: string) => variables[name] ?? '' }) as unknown as CSSStyleDeclaration;

  it('reads the page’s colour variables, dark ones included', () => {
    const theme = themeFrom(
      style({
        '--panel': ' #1c2027',
        '--ink': '#e8ebf0',
        '--ink-soft': '#b3bac5',
        '--line': '#3a414c',
        '--accent': '#7aa7ff',
      }),
      false,
    );
    expect(theme).toEqual({
      background: '#1c2027',
      ink: '#e8ebf0',
      inkSoft: '#b3bac5',
      grid: '#3a414c',
      accent: '#7aa7ff',
      labelScale: 1,
    });
  });

  it('falls back to the light colours where a variable is missing, and enlarges labels in projector mode', () => {
    const theme = themeFrom(style({}), true);
    expect(theme).toEqual({ ...LIGHT_THEME, labelScale: 1.35 });
  });
});

// The teacher's layout, as TensorFlow Playground's hidden controls: which
// panels, tabs, controls and strategies the window leaves out, and the
// presenter layout (the surface and the comparison only). Components ask
// `shows(item)`; the classroom saves and opens it with the rest of the
// settings, so a `.vlab.json` brings its layout. It hides, it never deletes:
// "Show everything" brings each item back as it was.

import type { LayoutItem, LayoutSettings, StrategyName } from '../../../main/contract';

/** What the layout editor calls each item; typed over the union, so an item without a label does not compile. */
export const LAYOUT_LABELS = {
  'panel:controls': 'Controls (left)',
  'panel:surface': 'Surface',
  'panel:comparison': 'Comparison',
  'panel:lower': 'Results, lesson and graph (below)',
  'tab:results': 'Results tab',
  'tab:lesson': 'Lesson tab',
  'tab:graph': 'Traced graph tab',
  'tab:machine': 'Machine tab (roofline)',
  'control:grid-size': 'Grid size',
  'control:formula': 'Formula',
  'control:dtype': 'dtype',
  'control:strategies': 'Strategy toggles',
  'control:repeats': 'Repeats',
  'control:threads': 'Threads',
  'control:memory-guard': 'Memory guard',
  'control:run': 'Run button',
} satisfies Record<LayoutItem, string>;

export const LAYOUT_GROUPS: { title: string; items: LayoutItem[] }[] = [
  { title: 'Panels', items: ['panel:controls', 'panel:surface', 'panel:comparison', 'panel:lower'] },
  { title: 'Tabs', items: ['tab:results', 'tab:lesson', 'tab:graph', 'tab:machine'] },
  {
    title: 'Controls',
    items: [
      'control:grid-size',
      'control:formula',
      'control:dtype',
      'control:strategies',
      'control:repeats',
      'control:threads',
      'control:memory-guard',
      'control:run',
    ],
  },
];

const ORDER = LAYOUT_GROUPS.flatMap((group) => group.items);

export class Layout {
  hidden = $state<LayoutItem[]>([]);
  hiddenStrategies = $state<StrategyName[]>([]);
  presenter = $state(false);
  /** The layout editor is open (not saved: it is how the teacher sets the layout, not part of it). */
  editing = $state(false);

  /**
   * Whether the window shows this item: never in the presenter layout, which has the surface and the comparison only.
   */
  shows(item: LayoutItem): boolean {
    if (this.presenter) return item === 'panel:surface' || item === 'panel:comparison';
    return !this.hidden.includes(item);
  }

  showsStrategy(strategy: StrategyName): boolean {
    return !this.hiddenStrategies.includes(strategy);
  }

  setHidden(item: LayoutItem, hidden: boolean): void {
    this.hidden = ORDER.filter((i) => (i === item ? hidden : this.hidden.includes(i)));
  }

  setStrategyHidden(strategy: StrategyName, hidden: boolean): void {
    const list = this.hiddenStrategies;
    if (hidden) this.hiddenStrategies = list.includes(strategy) ? list : [...list, strategy];
    else this.hiddenStrategies = list.filter((s) => s !== strategy);
  }

  showEverything(): void {
    this.hidden = [];
    this.hiddenStrategies = [];
    this.presenter = false;
  }

  settings(strategyOrder: readonly StrategyName[]): LayoutSettings {
    return {
      hidden: [...this.hidden],
      hiddenStrategies: strategyOrder.filter((s) => this.hiddenStrategies.includes(s)),
      presenter: this.presenter,
    };
  }

  apply(layout: LayoutSettings): void {
    this.hidden = ORDER.filter((i) => layout.hidden.includes(i));
    this.hiddenStrategies = [...layout.hiddenStrategies];
    this.presenter = layout.presenter;
  }
}

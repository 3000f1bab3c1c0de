// What each command of the application menu (and its shortcut) does in the
// window: one arm per MenuCommand, checked by the compiler, so that a new
// menu entry without an action here does not build.

import type { MenuCommand } from '../../../main/contract';

/** What the menu acts on: the lab's runs and exports, and the requests the surface and the classroom answer. */
export interface MenuTarget {
  readonly runs: { run(): Promise<void>; cancel(): Promise<void> };
  readonly exports: { results(): Promise<void>; grid(): Promise<void> };
  pngRequest: number;
  resetViewRequest: number;
  projector: boolean;
  readonly layout: { presenter: boolean };
  saveSettingsRequest: number;
  guideOpen: boolean;
}

export function applyMenuCommand(lab: MenuTarget, command: MenuCommand): void {
  switch (command) {
    case 'run':
      void lab.runs.run();
      return;
    case 'cancel':
      void lab.runs.cancel();
      return;
    case 'export-results':
      void lab.exports.results();
      return;
    case 'export-grid':
      void lab.exports.grid();
      return;
    case 'export-png':
      lab.pngRequest++;
      return;
    case 'reset-view':
      lab.resetViewRequest++;
      return;
    case 'toggle-projector':
      lab.projector = !lab.projector;
      return;
    case 'toggle-presenter':
      lab.layout.presenter = !lab.layout.presenter;
      return;
    case 'save-settings':
      lab.saveSettingsRequest++;
      return;
    case 'open-guide':
      lab.guideOpen = true;
      return;
    default:
      command satisfies never;
  }
}

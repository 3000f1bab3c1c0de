// The bundled guide (assets/guide/en.json) as the Help window shows it:
// plain text in sections, and the keyboard shortcuts written as the menu's
// accelerators, shown the way this platform writes them. Nothing here is
// HTML and nothing is fetched: the guide is part of the app, offline.

import type { MenuCommand } from '../../../main/contract';
import guideData from '../../../assets/guide/en.json';

export interface GuideSection {
  id: string;
  title: string;
  paragraphs?: string[];
  items?: string[];
}

export interface GuideShortcut {
  command: MenuCommand;
  /** As an Electron accelerator: CmdOrCtrl+Shift+P. */
  keys: string;
  does: string;
}

export interface Guide {
  format: 'vlab-guide';
  version: 1;
  title: string;
  intro: string;
  sections: GuideSection[];
  shortcuts: GuideShortcut[];
}

export const GUIDE = guideData as Guide;

/** CmdOrCtrl+Shift+P → ⌘+Shift+P on a Mac, Ctrl+Shift+P elsewhere. */
export function shortcutLabel(keys: string, mac: boolean): string {
  return keys.replace(/CmdOrCtrl|CommandOrControl/g, mac ? '⌘' : 'Ctrl').replace(/\bAlt\b/g, mac ? '⌥' : 'Alt');
}

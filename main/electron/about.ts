// About Vectorization Lab: the version, how the engine was built on this
// machine (the native addon, and the instruction set its kernels chose) and
// the machine itself — what a bug report or a figure needs. macOS shows it in
// its own About panel (app.setAboutPanelOptions, from the application menu);
// Linux and Windows get a message box with a Copy button, since their About
// panels show no free text. The words are built here, from plain data.

import type { AppInfo } from '../contract.js';

export interface AboutFacts {
  appVersion: string;
  engineBuild: AppInfo['engineBuild'];
  machine: AppInfo['machine'];
  /** process.versions: electron, chrome, node. */
  versions: { electron?: string; chrome?: string; node?: string };
}

const GIB = 1024 ** 3;

export function engineLine({ engineBuild }: Pick<AboutFacts, 'engineBuild'>): string {
  if (!engineBuild.nativeAddon)
    return `Engine: JavaScript only — the native addon is missing (${engineBuild.reason ?? 'no reason given'})`;
  const lanes = engineBuild.lanes
    ? ` (${engineBuild.lanes.float32} float32 / ${engineBuild.lanes.float64} float64 lanes)`
    : '';
  return `Engine: native addon present, kernels for ${engineBuild.isa ?? 'an unknown instruction set'}${lanes}`;
}

/** The lines the About panel shows, one fact a line. */
export function aboutLines(facts: AboutFacts): string[] {
  const { machine, versions } = facts;
  return [
    engineLine(facts),
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${(machine.totalMemoryBytes / GIB).toFixed(1)} GiB`,
    `GPU: ${machine.gpuAdapter}`,
    `OS: ${machine.os}`,
    `Electron ${versions.electron ?? '?'} · Chromium ${versions.chrome ?? '?'} · Node ${versions.node ?? '?'}`,
  ];
}

/** For app.setAboutPanelOptions (macOS shows credits; Linux its name, version and copyright). */
export function aboutPanelOptions(facts: AboutFacts) {
  return {
    applicationName: 'Vectorization Lab',
    applicationVersion: facts.appVersion,
    copyright: 'Copyright © 2026 Vectorization Lab contributors',
    credits: aboutLines(facts).join('\n'),
  };
}

/** For dialog.showMessageBox on Linux and Windows. */
export function aboutMessageBox(facts: AboutFacts) {
  return {
    type: 'info' as const,
    title: 'About Vectorization Lab',
    message: `Vectorization Lab ${facts.appVersion}`,
    detail: aboutLines(facts).join('\n'),
    buttons: ['Close', 'Copy'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  };
}

// The channels that save a file through the shell's saver (a native dialog or
// a download): results, the grid, charts, the surface PNG, the JAX program, the
// last sweep and the settings. Each picks the suggested file name and the
// dialog's filter, and writes the bytes at the path the user chose.

import { writeFile } from 'node:fs/promises';
import type { SweepResult } from '../compute/index.js';
import type { ChannelHandlers } from './channelHandlers.js';
import type { ResultsFormat } from './contract.js';
import { removeStalePartials } from './engine/gridCsv.js';
import { EngineCrashedError, type EngineHost } from './engine/host.js';
import type { EngineTask } from './engineTask.js';
import { LabFailure } from './labError.js';
import type { SaveRequest, ShellHooks } from './shellHooks.js';

/** Each results format's file extension and save-dialog filter. */
const RESULTS_FILES: Record<ResultsFormat, { extension: string; filter: SaveRequest['filter'] }> = {
  csv: { extension: 'csv', filter: { name: 'CSV', extensions: ['csv'] } },
  json: { extension: 'json', filter: { name: 'JSON', extensions: ['json'] } },
  markdown: { extension: 'md', filter: { name: 'Markdown', extensions: ['md'] } },
};

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** The last sweep, kept for its CSV export. */
export interface KeptSweep {
  taskId: string;
  result: SweepResult;
}

/** What the export handlers use of the service, read when a request arrives. */
export interface ExportDeps {
  hooks: ShellHooks;
  quickEngine: EngineHost;
  runEngine: EngineHost;
  task: EngineTask;
  lastSweep: KeptSweep | null;
}

export type ExportChannel =
  'export:results' | 'export:grid' | 'export:chart' | 'export:png' | 'export:python' | 'export:sweep' | 'settings:save';

/** The saving channels' handlers; deps is called per request, so the service's engines may start later. */
export function exportHandlers(deps: () => ExportDeps): ChannelHandlers<ExportChannel> {
  return {
    'export:results': async ({ records, format = 'csv' }) => {
      const { hooks, quickEngine } = deps();
      const text = await quickEngine.call('engine:results-text', { records, appVersion: hooks.appVersion, format });
      const { extension, filter } = RESULTS_FILES[format];
      return hooks.save({
        fileName: `vlab-results-${today()}.${extension}`,
        filter,
        write: (path) => writeFile(path, text, 'utf8'),
      });
    },

    'export:grid': async ({ format = 'csv', ...settings }) => {
      const { hooks, runEngine, task } = deps();
      // Refused before the dialog asks for a path, and again when the engine is to write it.
      task.checkFree();
      const size = settings.nx === settings.ny ? `n${settings.nx}` : `${settings.nx}x${settings.ny}`;
      const fileName = `vlab-grid-${size}-${settings.dtype}.${format}`;
      return hooks.save({
        fileName,
        filter: format === 'npy' ? { name: 'NumPy array', extensions: ['npy'] } : { name: 'CSV', extensions: ['csv'] },
        write: (path) =>
          task.run('export', fileName, async (signal) => {
            try {
              await runEngine.call('engine:grid-file', { settings, path, format }, { signal });
            } catch (error) {
              // A killed engine cannot remove its half-written file: main does, so only the old file remains.
              if (error instanceof EngineCrashedError) await removeStalePartials(path);
              throw error;
            }
          }),
      });
    },

    'export:chart': async ({ chart, format, data }) => {
      const { hooks } = deps();
      return hooks.save({
        fileName: `vlab-${chart}-${today()}.${format}`,
        filter:
          format === 'svg' ? { name: 'SVG image', extensions: ['svg'] } : { name: 'PNG image', extensions: ['png'] },
        write: (path) => writeFile(path, data),
      });
    },

    'export:png': async ({ png }) => {
      const { hooks } = deps();
      return hooks.save({
        fileName: `vlab-surface-${today()}.png`,
        filter: { name: 'PNG image', extensions: ['png'] },
        write: (path) => writeFile(path, png),
      });
    },

    'export:python': async (request) => {
      const { hooks, quickEngine } = deps();
      const program = await quickEngine.call('classroom:jax', request);
      return hooks.save({
        fileName: program.fileName,
        filter: { name: 'Python', extensions: ['py'] },
        write: (path) => writeFile(path, program.text, 'utf8'),
      });
    },

    'export:sweep': async ({ taskId }) => {
      const { hooks, quickEngine, lastSweep } = deps();
      const kept = lastSweep;
      if (!kept || kept.taskId !== taskId)
        throw new LabFailure({
          kind: 'invalid-request',
          message: 'only the last sweep is kept for export: run it again to export it',
        });
      const { entries, dtype, backend, formula, xRange, yRange } = kept.result;
      const csv = await quickEngine.call('engine:sweep-csv', {
        result: { entries, dtype, backend, formula, xRange, yRange },
        appVersion: hooks.appVersion,
      });
      return hooks.save({
        fileName: `vlab-sweep-${today()}.csv`,
        filter: { name: 'CSV', extensions: ['csv'] },
        write: (path) => writeFile(path, csv, 'utf8'),
      });
    },

    'settings:save': async ({ settings }) => {
      const { hooks, quickEngine } = deps();
      const text = await quickEngine.call('engine:settings-json', { settings });
      return hooks.save({
        fileName: 'lab.vlab.json',
        filter: { name: 'Vectorization Lab settings', extensions: ['json'] },
        write: (path) => writeFile(path, text, 'utf8'),
      });
    },
  };
}

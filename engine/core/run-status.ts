/**
 * Where a run is in its life, and the formats a finished (or interrupted) run exports to:
 * plain data shared by the engine, the IPC contract, the CLI and the renderer.
 */
export const runStatuses = ['running', 'paused', 'finished', 'failed'] as const;
export type RunStatus = (typeof runStatuses)[number];

export const exportFormats = ['json', 'csv', 'cli'] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** The file an export is offered as: `<run>-<suffix>` with its MIME type. */
export const exportFiles: Record<ExportFormat, { suffix: string; mimeType: string }> = {
  json: { suffix: 'best.json', mimeType: 'application/json' },
  csv: { suffix: 'evaluations.csv', mimeType: 'text/csv' },
  cli: { suffix: 'command.sh', mimeType: 'text/x-shellscript' },
};

/**
 * The `sensors-import` job: import an uploaded health export (Apple Health export.xml streamed,
 * Google Fit / Health Connect JSON) into the owner's readings, reporting progress (bytes read,
 * readings stored). The upload is deleted when the job ends, whatever the outcome. A malformed or
 * refused export (entity declarations) fails the job without retries, naming the reason.
 */
import { unlink } from 'node:fs/promises';
import { UnrecoverableJobError, type JobHandler } from '../engines/queue/port.js';
import type { ImportResult } from '@medichat/shared';
import type { JobPayloads } from './names.js';

/**
 * What the job needs of the sensors service (`SensorService.importFile`), declared here: jobs may not
 * import modules/sensors (its routes import plugins/app, which imports jobs: a cycle).
 */
export interface SensorImporter {
  importFile(
    owner: string,
    file: string,
    format: JobPayloads['sensors-import']['format'],
    progress: (p: { bytes: number; total: number; inserted: number; skipped: number }) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<ImportResult>;
}

export function sensorsImportJob(deps: {
  sensors?: () => SensorImporter | undefined;
}): JobHandler<JobPayloads['sensors-import'], ImportResult> {
  return {
    name: 'sensors-import',
    concurrency: 1,
    async handle(data, ctx) {
      const sensors = deps.sensors?.();
      try {
        if (!sensors) throw new UnrecoverableJobError('the sensors service is not available here');
        return await sensors.importFile(data.owner, data.file, data.format, (p) => ctx.progress(p), ctx.signal);
      } catch (err) {
        // By name, for the same reason (health-import.ts throws it).
        if (err instanceof Error && err.name === 'ImportError') throw new UnrecoverableJobError(err.message);
        throw err;
      } finally {
        await unlink(data.file).catch(() => undefined);
      }
    },
  };
}

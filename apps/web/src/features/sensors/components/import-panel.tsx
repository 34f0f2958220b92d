import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/button';
import { FieldError, FieldHint, FormAlert, controlClasses, labelClasses } from '@/components/ui/form';
import { Panel } from '@/components/ui/panel';
import { ApiError, NetworkError } from '@/lib/api-client';
import {
  IMPORT_FORMATS,
  IMPORT_MAX_BYTES,
  progressOf,
  resultOf,
  uploadExport,
  useImportStatus,
  type ImportFormat,
} from '../api/import-export';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
const JOB_KEY = 'medichat-sensors-import';

function readJob(): string | null {
  try {
    return sessionStorage.getItem(JOB_KEY);
  } catch {
    return null;
  }
}
function writeJob(id: string | null) {
  try {
    if (id) sessionStorage.setItem(JOB_KEY, id);
    else sessionStorage.removeItem(JOB_KEY);
  } catch {
    // Storage disabled: the import still runs; a reload just stops showing its progress.
  }
}

function describe(err: unknown): string {
  if (err instanceof ApiError) return err.detail ? `${err.title}: ${err.detail}` : err.title;
  if (err instanceof NetworkError) return err.message;
  return 'The upload failed.';
}

/**
 * Import from a phone: pick the format and the file, upload it (with the upload's own progress),
 * then follow the import job on the server (bytes read, readings stored, skipped) until it ends,
 * with a summary of what was imported and why records were skipped. A refused upload shows the
 * server's problem (4xx) in words; a failed import shows the job's reason.
 */
export function ImportPanel() {
  const [format, setFormat] = useState<ImportFormat>('apple-health');
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | undefined>();
  const [uploadError, setUploadError] = useState<string | null>(null);
  const [sent, setSent] = useState<number | null>(null);
  const [jobId, setJobId] = useState<string | null>(readJob);
  const status = useImportStatus(jobId);
  const job = status.data;
  const progress = progressOf(job);
  const result = resultOf(job);
  const running = sent !== null || (jobId !== null && job !== undefined && !result && job.state !== 'failed');
  const fmt = IMPORT_FORMATS[format];

  async function submit(event: FormEvent) {
    event.preventDefault();
    setUploadError(null);
    if (!file) return setFileError('Choose the export file first.');
    if (file.size === 0) return setFileError('This file is empty.');
    if (file.size > IMPORT_MAX_BYTES)
      return setFileError(`This file is ${mb(file.size)}; at most 1024 MB can be imported.`);
    setFileError(undefined);
    setJobId(null);
    writeJob(null);
    setSent(0);
    try {
      const id = await uploadExport(file, format, setSent);
      setJobId(id);
      writeJob(id);
    } catch (err) {
      setUploadError(describe(err));
    } finally {
      setSent(null);
    }
  }

  return (
    <Panel title="Import from your phone" level={2}>
      <form onSubmit={(e) => void submit(e)} className="space-y-4" aria-label="Import readings" noValidate>
        <fieldset>
          <legend className={labelClasses}>Where the export comes from</legend>
          <div className="mt-2 flex flex-wrap gap-x-6 gap-y-2">
            {(Object.keys(IMPORT_FORMATS) as ImportFormat[]).map((key) => (
              <label key={key} className="flex min-h-11 items-center gap-2 text-sm">
                <input
                  type="radio"
                  name="import-format"
                  value={key}
                  checked={format === key}
                  onChange={() => setFormat(key)}
                  className="size-5 accent-teal-700"
                />
                {IMPORT_FORMATS[key].label}
              </label>
            ))}
          </div>
        </fieldset>
        <div>
          <label htmlFor="import-file" className={labelClasses}>
            Export file
          </label>
          <FieldHint id="import-file">{fmt.hint}</FieldHint>
          <input
            id="import-file"
            type="file"
            accept={fmt.accept}
            aria-describedby={`import-file-hint${fileError ? ' import-file-error' : ''}`}
            aria-invalid={fileError ? true : undefined}
            onChange={(e) => {
              setFile(e.target.files?.[0] ?? null);
              setFileError(undefined);
            }}
            className={`${controlClasses} mt-1.5 border-slate-500 dark:border-slate-400`}
          />
          <FieldError id="import-file" error={fileError} />
        </div>
        {uploadError ? (
          <FormAlert>
            <p data-testid="import-error">{uploadError}</p>
            <p className="mt-1">Nothing was imported.</p>
          </FormAlert>
        ) : null}
        <Button type="submit" disabled={running}>
          {running ? 'Importing…' : 'Import'}
        </Button>
      </form>

      <div aria-live="polite" className="mt-4 space-y-3" data-testid="import-status">
        {sent !== null && file ? (
          <div>
            <label htmlFor="import-upload-progress" className="text-sm">
              Uploading {file.name}: {mb(sent)} of {mb(file.size)}
            </label>
            <progress id="import-upload-progress" className="mt-1 block w-full" max={file.size} value={sent} />
          </div>
        ) : null}
        {jobId && !job && status.isPending ? <p className="text-sm">Waiting for the import to start…</p> : null}
        {job && !result && job.state !== 'failed' ? (
          <div>
            <label htmlFor="import-job-progress" className="text-sm">
              {progress
                ? `Importing: ${mb(progress.bytes)} of ${mb(progress.total)} read, ${progress.inserted.toLocaleString()} readings stored, ${progress.skipped.toLocaleString()} skipped`
                : 'Import queued…'}
            </label>
            <progress
              id="import-job-progress"
              className="mt-1 block w-full"
              max={progress?.total || 1}
              value={progress?.bytes ?? 0}
            />
          </div>
        ) : null}
        {job?.state === 'failed' ? (
          <FormAlert>
            <p data-testid="import-failed">The import failed: {job.error ?? 'unknown reason'}.</p>
            <p className="mt-1">Readings stored before the failure stay; nothing of a refused file was stored.</p>
          </FormAlert>
        ) : null}
        {status.isError ? <FormAlert>Could not follow the import: {describe(status.error)}</FormAlert> : null}
        {result ? (
          <div
            role="status"
            data-testid="import-result"
            className="rounded-lg border border-teal-300 bg-teal-50 p-3 text-sm text-teal-950 dark:border-teal-800 dark:bg-teal-950/60 dark:text-teal-50"
          >
            <p className="font-semibold">Import finished.</p>
            <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
              <dt>Records in the file</dt>
              <dd data-testid="import-records">{result.records.toLocaleString()}</dd>
              <dt>Readings imported</dt>
              <dd data-testid="import-inserted">{result.inserted.toLocaleString()}</dd>
              <dt>Already there (skipped)</dt>
              <dd data-testid="import-duplicates">{result.duplicates.toLocaleString()}</dd>
              <dt>Skipped</dt>
              <dd data-testid="import-skipped">{result.skipped.toLocaleString()}</dd>
            </dl>
            {result.problems.length ? (
              <>
                <p className="mt-2">Why records were skipped (types Medichat does not read are skipped too):</p>
                <ul className="mt-1 list-disc pl-5" data-testid="import-problems">
                  {result.problems.map((p, i) => (
                    <li key={i}>{p}</li>
                  ))}
                </ul>
              </>
            ) : null}
          </div>
        ) : null}
      </div>
    </Panel>
  );
}

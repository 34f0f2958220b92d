/**
 * Uploading a health export (`POST /api/sensors/import?format=`, the raw file as the body) and
 * following its job (`GET /api/sensors/import/:jobId`). The upload goes through XMLHttpRequest,
 * not the app's fetch client, for one reason: fetch reports no upload progress, and an Apple
 * Health export is often hundreds of megabytes. Errors still become the client's `ApiError`
 * (parsed from problem+json by the same `toApiError`).
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { importStatusSchema, type ImportResult, type ImportStatus } from '@medichat/shared';
import { api, NetworkError, toApiError } from '@/lib/api-client';
import { getAccessToken } from '@/lib/auth-store';
import { refreshSession } from '@/lib/session';
import { sensorsQueryKey } from './get-readings';

export type ImportFormat = 'apple-health' | 'google-fit' | 'health-connect';

export const IMPORT_FORMATS: Record<ImportFormat, { label: string; accept: string; hint: string }> = {
  'apple-health': {
    label: 'Apple Health',
    accept: '.zip,.xml,application/zip,text/xml,application/xml',
    hint: 'In the Health app: your picture, Export All Health Data. Upload export.zip as it is, or the export.xml inside it.',
  },
  'google-fit': {
    label: 'Google Fit',
    accept: '.json,application/json',
    hint: 'From Google Takeout, Fit: a JSON file of All Data (for example derived_com.google.heart_rate.bpm….json).',
  },
  'health-connect': {
    label: 'Health Connect',
    accept: '.json,application/json',
    hint: 'A JSON file of records ({"records": [{"type", "time", "value", "unit"}, …]}).',
  },
};

/** The API's limit (IMPORT_MAX_BYTES); the server has the last word (413). */
export const IMPORT_MAX_BYTES = 1024 * 1024 * 1024;

function send(file: File, format: ImportFormat, token: string | null, onProgress: (sent: number) => void) {
  return new Promise<{ status: number; headers: Headers; body: string }>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/sensors/import?format=${encodeURIComponent(format)}`);
    xhr.withCredentials = true;
    // Always octet-stream: a browser's guess for .xml or .zip differs by platform; the server sniffs.
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json, application/problem+json');
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      const headers = new Headers();
      for (const line of xhr
        .getAllResponseHeaders()
        .trim()
        .split(/[\r\n]+/)) {
        const at = line.indexOf(':');
        if (at > 0) headers.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
      }
      resolve({ status: xhr.status, headers, body: xhr.responseText });
    };
    xhr.onerror = () => reject(new NetworkError('Could not reach Medichat. Check your connection.'));
    xhr.onabort = () => reject(new NetworkError('The upload was cancelled.', { aborted: true }));
    xhr.send(file);
  });
}

/** Uploads the file; resolves with the import's job id. A 401 refreshes the session and retries once. */
export async function uploadExport(
  file: File,
  format: ImportFormat,
  onProgress: (sent: number) => void,
): Promise<string> {
  let res = await send(file, format, getAccessToken(), onProgress);
  if (res.status === 401) {
    const fresh = await refreshSession();
    if (fresh) res = await send(file, format, fresh, onProgress);
  }
  if (res.status < 200 || res.status >= 300) {
    throw await toApiError(new Response(res.body || null, { status: res.status, headers: res.headers }));
  }
  return (JSON.parse(res.body) as { jobId: string }).jobId;
}

export interface ImportProgress {
  bytes: number;
  total: number;
  inserted: number;
  skipped: number;
}

export function progressOf(status: ImportStatus | undefined): ImportProgress | null {
  const p = status?.progress as Partial<ImportProgress> | null | undefined;
  if (!p || typeof p !== 'object' || typeof p.total !== 'number') return null;
  return { bytes: p.bytes ?? 0, total: p.total, inserted: p.inserted ?? 0, skipped: p.skipped ?? 0 };
}

export const resultOf = (status: ImportStatus | undefined) =>
  status?.state === 'completed' ? (status.result as ImportResult | undefined) : undefined;

const finished = (s: ImportStatus | undefined) => s?.state === 'completed' || s?.state === 'failed';

/** Polls the import job every second until it completes or fails; then refreshes the charts. */
export function useImportStatus(jobId: string | null) {
  const client = useQueryClient();
  const query = useQuery({
    queryKey: ['sensors-import', jobId],
    queryFn: ({ signal }) =>
      api.get(`/api/sensors/import/${encodeURIComponent(jobId!)}`, { signal }, importStatusSchema),
    enabled: jobId !== null,
    refetchInterval: (q) => (finished(q.state.data) ? false : 1000),
  });
  const done = finished(query.data);
  useEffect(() => {
    if (done) void client.invalidateQueries({ queryKey: sensorsQueryKey });
  }, [done, client]);
  return query;
}

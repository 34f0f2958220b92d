import { useMutation } from '@tanstack/react-query';
import { api } from '@/lib/api-client';

/** `GET /api/users/me/card.fhir`: the card as a FHIR R4 Bundle, saved as a file. */
export async function downloadFhir(): Promise<void> {
  const data = await api.get<unknown>('/api/users/me/card.fhir', {
    headers: { accept: 'application/fhir+json, application/json' },
  });
  const blob =
    data instanceof Blob ? data : new Blob([JSON.stringify(data, null, 2)], { type: 'application/fhir+json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = 'medical-card.fhir.json';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function useDownloadFhir() {
  return useMutation({ mutationFn: downloadFhir });
}

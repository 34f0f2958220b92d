/** The model registry (`models` collection). */
import type { ModelDoc } from '../../engines/storage/collections.js';
import type { Collection } from '../../engines/storage/port.js';

export class ModelRepository {
  constructor(private readonly models: Collection<ModelDoc>) {}

  /** Every model, oldest first (admins; the registry holds tens of models, not millions). */
  list(): Promise<ModelDoc[]> {
    return this.models.find({}, { sort: [['createdAt', 1], ['id', 1]], limit: 1000 });
  }

  listAvailable(): Promise<ModelDoc[]> {
    return this.models.find({ status: 'available' }, { sort: [['createdAt', 1], ['id', 1]], limit: 1000 });
  }

  get(id: string): Promise<ModelDoc | null> {
    return this.models.get(id);
  }

  findByName(name: string): Promise<ModelDoc | null> {
    return this.models.findOne({ name });
  }

  findDefault(): Promise<ModelDoc | null> {
    return this.models.findOne({ isDefault: true }, { sort: [['updatedAt', -1]] });
  }

  /** Throws the storage ConflictError (`models_name_unique`) when the name is taken. */
  insert(doc: ModelDoc): Promise<ModelDoc> {
    return this.models.insert(doc);
  }

  update(id: string, set: Partial<Omit<ModelDoc, 'id'>>): Promise<ModelDoc | null> {
    return this.models.update(id, { set });
  }

  /** Make `id` the only default. */
  async setDefault(id: string, now: Date): Promise<void> {
    for (const other of await this.models.find({ isDefault: true })) {
      if (other.id !== id) await this.models.update(other.id, { set: { isDefault: false, updatedAt: now } });
    }
    await this.models.update(id, { set: { isDefault: true, updatedAt: now } });
  }
}

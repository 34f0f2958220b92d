/** The cards module's public surface for other modules (docs/boundaries.md). */
export { emptyCard, type CardRepository, type StoredCard } from './card.repository.js';

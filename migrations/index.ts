import { InitialSchema1764000000000 } from './1764000000000-InitialSchema';

/** Every migration, oldest first. A new migration is added here and never edited once released. */
export const migrations = [InitialSchema1764000000000];

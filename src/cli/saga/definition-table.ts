import type { z } from 'zod';
import type { definitionListSchema } from './api-schemas';
import { renderTable } from './table';

type DefinitionSummary = z.infer<typeof definitionListSchema>['items'][number];

/** The loaded definitions: name, the version new sagas start on, every stored version, description. */
export function definitionTable(definitions: readonly DefinitionSummary[]): string[] {
  if (definitions.length === 0) return ['no definitions'];
  return renderTable(
    [
      { header: 'name', value: (definition) => definition.name },
      { header: 'current', value: (definition) => String(definition.currentVersion ?? ''), align: 'right' },
      { header: 'versions', value: (definition) => definition.versions.join(', ') },
      { header: 'description', value: (definition) => definition.description ?? '' },
    ],
    definitions,
  );
}

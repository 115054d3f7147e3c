import { useState } from 'preact/hooks';
import { type DefinitionSummary, type SagaStatus, sagaStatuses } from '../api/types';
import { type SagaFilters, fromLocalInput, noFilters, toLocalInput } from '../list-filters';

interface Props {
  filters: SagaFilters;
  definitions: DefinitionSummary[];
  onApply: (filters: SagaFilters) => void;
}

/** Every filter of GET /api/sagas; applying writes them into the address, so a filtered list can be shared. */
export function SagaFiltersForm({ filters, definitions, onApply }: Props) {
  const [draft, setDraft] = useState(filters);
  const set = (change: Partial<SagaFilters>) => setDraft({ ...draft, ...change });
  const toggle = (status: SagaStatus) =>
    set({
      statuses: draft.statuses.includes(status)
        ? draft.statuses.filter((s) => s !== status)
        : sagaStatuses.filter((s) => s === status || draft.statuses.includes(s)),
    });
  const text = (field: 'version' | 'correlationId' | 'failingStep') => ({
    name: field,
    value: draft[field],
    onInput: (event: { currentTarget: HTMLInputElement }) => set({ [field]: event.currentTarget.value }),
  });

  return (
    <form
      class="filters"
      aria-label="Filters"
      onSubmit={(event) => {
        event.preventDefault();
        onApply(draft);
      }}
    >
      <fieldset class="statuses">
        <legend>Status</legend>
        {sagaStatuses.map((status) => (
          <label key={status} class={`chip status-${status}`}>
            <input
              type="checkbox"
              name="status"
              value={status}
              checked={draft.statuses.includes(status)}
              onChange={() => toggle(status)}
            />
            {status.replace(/_/g, ' ')}
          </label>
        ))}
      </fieldset>
      <div class="fields">
        <label>
          Name
          <select
            name="name"
            value={draft.name}
            onChange={(event) => set({ name: event.currentTarget.value })}
          >
            <option value="">any</option>
            {definitions.map((definition) => (
              <option key={definition.name} value={definition.name}>
                {definition.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Version
          <input type="number" min={1} step={1} class="narrow" {...text('version')} />
        </label>
        <label>
          Correlation id
          <input type="text" {...text('correlationId')} />
        </label>
        <label>
          Failing step
          <input type="text" {...text('failingStep')} />
        </label>
        <label>
          Created from
          <input
            type="datetime-local"
            name="createdFrom"
            value={toLocalInput(draft.createdFrom)}
            onInput={(event) => set({ createdFrom: fromLocalInput(event.currentTarget.value) })}
          />
        </label>
        <label>
          Created to
          <input
            type="datetime-local"
            name="createdTo"
            value={toLocalInput(draft.createdTo)}
            onInput={(event) => set({ createdTo: fromLocalInput(event.currentTarget.value) })}
          />
        </label>
      </div>
      <div class="buttons">
        <button type="submit" class="primary">
          Apply
        </button>
        <button
          type="button"
          onClick={() => {
            setDraft(noFilters);
            onApply(noFilters);
          }}
        >
          Clear
        </button>
      </div>
    </form>
  );
}

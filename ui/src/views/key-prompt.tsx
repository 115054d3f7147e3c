import { useState } from 'preact/hooks';

/** Asks for an API key; it is kept for this tab only. */
export function KeyPrompt({ refused, onKey }: { refused: boolean; onKey: (key: string) => void }) {
  const [key, setKey] = useState('');
  return (
    <main class="key-prompt">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (key.trim() !== '') onKey(key.trim());
        }}
      >
        <h1>Sagas</h1>
        <p>This engine needs an API key. It is kept in this tab only, and forgotten when the tab closes.</p>
        {refused && (
          <p class="problem" role="alert">
            The engine refused that key.
          </p>
        )}
        <label>
          API key
          <input
            type="password"
            name="api-key"
            autocomplete="off"
            autoFocus
            value={key}
            onInput={(event) => setKey(event.currentTarget.value)}
          />
        </label>
        <button type="submit" class="primary">
          Open
        </button>
      </form>
    </main>
  );
}

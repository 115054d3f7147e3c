import type { ApiError } from '../api/client';
import { formatTime } from '../format';

/** The live switch and when the data shown last arrived. */
export function RefreshLine({
  live,
  onLive,
  at,
}: {
  live: boolean;
  onLive: (live: boolean) => void;
  at: Date | null;
}) {
  return (
    <p class="refresh">
      <label>
        <input
          type="checkbox"
          name="live"
          checked={live}
          onChange={(event) => onLive(event.currentTarget.checked)}
        />
        Live
      </label>
      <span class="muted">{at === null ? 'loading…' : `updated ${formatTime(at.toISOString())}`}</span>
    </p>
  );
}

/** What went wrong with the last request, if anything. */
export function ProblemLine({ error }: { error: ApiError | null }) {
  if (error === null) return null;
  return (
    <p class="problem" role="alert">
      {error.describe()}
    </p>
  );
}

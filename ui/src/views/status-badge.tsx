/** A status in its colour: the CSS class is the status itself (`status-COMPENSATION_FAILED`). */
export function StatusBadge({ status }: { status: string }) {
  return <span class={`badge status-${status}`}>{status.replace(/_/g, ' ')}</span>;
}

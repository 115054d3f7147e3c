import type { Attempt, LogEntry, SagaDetail } from './api-schemas';
import { formatDuration, formatError } from './format';
import { actorText, isOperatorAction } from './log-lines';
import { type Column, renderFields, renderTable } from './table';

interface TimelineRow {
  at: string;
  step: string;
  what: string;
  duration: string;
  outcome: string;
  error: string;
}

/**
 * `saga describe`: the saga's header, its steps, then the timeline (every attempt of every action and compensation,
 * and every skipped step, in the order they started) and the operator actions with reason and actor.
 */
export function describeSaga(saga: SagaDetail, log: readonly LogEntry[]): string[] {
  const lines = renderFields([
    ['saga', saga.id],
    ['name', `${saga.name} v${saga.version}`],
    ['status', saga.status],
    ['correlation id', saga.correlationId],
    ['created', saga.createdAt],
    ['updated', saga.updatedAt],
    ['deadline', saga.deadlineAt ?? ''],
    ['failing step', saga.failingStep ?? ''],
    ['suspended', saga.suspension === null ? '' : suspensionText(saga.suspension)],
    ['rerun of', saga.rerunOf ?? ''],
    ['reruns', saga.reruns.join(', ')],
    ['input', JSON.stringify(saga.input)],
  ]);
  for (const { step, error } of saga.errors)
    lines.push(`compensation failed: ${step}: ${formatError(error)}`);

  lines.push('', 'steps:');
  lines.push(
    ...renderTable(
      [
        { header: 'step', value: (step) => step.name },
        { header: 'status', value: (step) => step.status },
        { header: 'attempts', value: (step) => String(step.attempts), align: 'right' },
        { header: 'compensation', value: (step) => step.compensation?.status ?? '' },
        {
          header: 'comp. attempts',
          value: (step) => (step.compensation === null ? '' : String(step.compensation.attempts)),
          align: 'right',
        },
      ],
      saga.steps,
    ),
  );

  lines.push('', 'timeline:');
  const timeline = timelineRows(saga, log);
  lines.push(...(timeline.length === 0 ? ['  (nothing sent yet)'] : renderTable(TIMELINE_COLUMNS, timeline)));

  const actions = log.filter(isOperatorAction);
  if (actions.length > 0) {
    lines.push('', 'operator actions:');
    lines.push(
      ...renderTable<LogEntry>(
        [
          { header: 'at', value: (entry) => entry.at },
          { header: 'action', value: (entry) => entry.type },
          { header: 'step', value: (entry) => entry.step ?? '' },
          { header: 'reason', value: (entry) => stringOf(entry.data.reason) },
          { header: 'actor', value: (entry) => actorText(entry.data.actor) },
        ],
        actions,
      ),
    );
  }
  return lines;
}

const TIMELINE_COLUMNS: readonly Column<TimelineRow>[] = [
  { header: 'start', value: (row) => row.at },
  { header: 'step', value: (row) => row.step },
  { header: 'what', value: (row) => row.what },
  { header: 'duration', value: (row) => row.duration, align: 'right' },
  { header: 'outcome', value: (row) => row.outcome },
  { header: 'error', value: (row) => row.error },
];

/** Attempts from each step's history and skips from the log, by start time (ties keep the steps' order). */
function timelineRows(saga: SagaDetail, log: readonly LogEntry[]): TimelineRow[] {
  const attempts = saga.steps.flatMap((step) =>
    step.history.map((attempt) => attemptRow(step.name, attempt)),
  );
  const skips = log
    .filter((entry) => entry.type === 'StepSkipped')
    .map((entry) => ({
      at: entry.at,
      step: entry.step ?? '',
      what: 'skipped',
      duration: '',
      outcome: 'skipped',
      error: stringOf(entry.data.reason),
    }));
  return [...attempts, ...skips].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

function attemptRow(step: string, attempt: Attempt): TimelineRow {
  return {
    at: attempt.startedAt,
    step,
    what: `${attempt.kind} #${attempt.attempt}`,
    duration: formatDuration(attempt.durationMs),
    outcome: attempt.outcome,
    error: formatError(attempt.error),
  };
}

function suspensionText(suspension: NonNullable<SagaDetail['suspension']>): string {
  const where = suspension.step === null ? 'set aside' : `on ${suspension.step}`;
  return `${where} since ${suspension.at}: ${suspension.reason}`;
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

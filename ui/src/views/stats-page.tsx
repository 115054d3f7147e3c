import { getJson } from '../api/client';
import type { DefinitionDetail, DefinitionSummary, SagaStats, SagaStatus } from '../api/types';
import { sagaStatuses } from '../api/types';
import { formatDuration, formatRate } from '../format';
import { usePolled } from '../hooks/use-polled';
import { noFilters } from '../list-filters';
import { routeHref, statsWindows } from '../routing';
import { ProblemLine } from './refresh-line';
import { StatusBadge } from './status-badge';

const REFRESH_MS = 10_000;

interface StatsView {
  all: SagaStats;
  perDefinition: Array<{ name: string; stats: SagaStats }>;
}

/** The step names of a definition's current version, in the order they run. */
async function stepOrder(name: string): Promise<string[]> {
  const definition = await getJson<DefinitionDetail>(`/api/definitions/${encodeURIComponent(name)}`);
  const current = definition.definitions.find((d) => d.version === definition.currentVersion);
  return (current ?? definition.definitions.at(-1))?.steps.map((step) => step.name) ?? [];
}

/** The stats of one definition, its steps in the order they run (steps of older versions last). */
async function definitionStats(name: string, query: string): Promise<{ name: string; stats: SagaStats }> {
  const [stats, order] = await Promise.all([getJson<SagaStats>(query), stepOrder(name)]);
  const rank = (step: string) => {
    const at = order.indexOf(step);
    return at === -1 ? order.length : at;
  };
  const steps = [...stats.steps].sort((a, b) => rank(a.step) - rank(b.step));
  return { name, stats: { ...stats, steps } };
}

async function loadStats(window: string): Promise<StatsView> {
  const since = new Date(Date.now() - (statsWindows[window] ?? 60) * 60_000).toISOString();
  const query = (name?: string) =>
    `/api/stats?${new URLSearchParams(name === undefined ? { since } : { since, name }).toString()}`;
  const [all, definitions] = await Promise.all([
    getJson<SagaStats>(query()),
    getJson<{ items: DefinitionSummary[] }>('/api/definitions'),
  ]);
  const perDefinition = await Promise.all(
    definitions.items.map(({ name }) => definitionStats(name, query(name))),
  );
  return { all, perDefinition };
}

/** Counts, rates and durations per definition over a window, and what waits for an operator. */
export function StatsPage({ window }: { window: string }) {
  const loaded = usePolled(`stats:${window}`, () => loadStats(window), REFRESH_MS, true);
  return (
    <main class="stats">
      <h1>Statistics</h1>
      <nav class="windows" aria-label="Window">
        Sagas started in the last{' '}
        {Object.keys(statsWindows).map((option) => (
          <a
            key={option}
            href={routeHref({ view: 'stats', window: option })}
            class={option === window ? 'current' : ''}
            aria-current={option === window ? 'page' : undefined}
          >
            {option}
          </a>
        ))}
      </nav>
      <ProblemLine error={loaded.error} />
      {loaded.data !== null && <StatsBody view={loaded.data} />}
    </main>
  );
}

function StatsBody({ view }: { view: StatsView }) {
  const { all } = view;
  const open = (...statuses: SagaStatus[]) =>
    all.open.filter((row) => statuses.includes(row.status)).reduce((sum, row) => sum + row.count, 0);
  const compensationFailed = open('COMPENSATION_FAILED');
  return (
    <>
      <dl class="cards" aria-label="Now">
        <Card label="Running" value={String(open('RUNNING', 'COMPENSATING'))} />
        <Card label="Compensation failed" value={String(compensationFailed)} warn={compensationFailed > 0} />
        <Card label="Suspended" value={String(all.suspended)} warn={all.suspended > 0} />
        <Card label="Past their deadline" value={String(all.pastDeadline)} warn={all.pastDeadline > 0} />
        <Card
          label="Oldest unfinished"
          value={
            all.oldestUnfinishedAgeSeconds === null
              ? '–'
              : formatDuration(all.oldestUnfinishedAgeSeconds * 1000)
          }
        />
        <Card
          label="Dead letters stored"
          value={String(all.deadLetters.stored)}
          warn={all.deadLetters.stored > 0}
        />
        <Card
          label="Dead letters in queue"
          value={all.deadLetters.inQueue === null ? '?' : String(all.deadLetters.inQueue)}
        />
      </dl>
      {view.perDefinition.map(({ name, stats }) => (
        <DefinitionStats key={name} name={name} stats={stats} />
      ))}
    </>
  );
}

function Card({ label, value, warn = false }: { label: string; value: string; warn?: boolean }) {
  return (
    <div class={warn ? 'card warn' : 'card'}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function DefinitionStats({ name, stats }: { name: string; stats: SagaStats }) {
  const byStatus = new Map<SagaStatus, number>();
  for (const row of stats.counts) byStatus.set(row.status, (byStatus.get(row.status) ?? 0) + row.count);
  const started = [...byStatus.values()].reduce((sum, count) => sum + count, 0);
  const ended = (status: SagaStatus) => byStatus.get(status) ?? 0;
  const finished = ended('COMPLETED') + ended('COMPENSATED') + ended('COMPENSATION_FAILED');
  return (
    <section class="definition-stats" aria-label={`Statistics of ${name}`} data-definition={name}>
      <h2>{name}</h2>
      <div class="summary">
        <p>
          {started} started, {finished} finished
          {finished > 0 && <>, {formatRate(ended('COMPLETED') / finished)} completed</>}
        </p>
        <p>
          Duration p50 {formatDuration(stats.duration.p50Ms)} · p95 {formatDuration(stats.duration.p95Ms)} ·
          p99 {formatDuration(stats.duration.p99Ms)}
        </p>
      </div>
      <ul class="counts">
        {sagaStatuses
          .filter((status) => byStatus.has(status))
          .map((status) => (
            <li key={status}>
              <a href={routeHref({ view: 'sagas', filters: { ...noFilters, name, statuses: [status] } })}>
                <StatusBadge status={status} /> {byStatus.get(status)}
              </a>
            </li>
          ))}
      </ul>
      {stats.steps.length > 0 && (
        <table class="step-stats" aria-label={`Steps of ${name}`}>
          <thead>
            <tr>
              <th>Step</th>
              <th>Ran</th>
              <th>Skipped</th>
              <th>Failed</th>
              <th>Failure rate</th>
              <th>Compensated</th>
              <th>Compensation rate</th>
              <th>Compensation failed</th>
            </tr>
          </thead>
          <tbody>
            {stats.steps.map((step) => (
              <tr key={step.step}>
                <td>{step.step}</td>
                <td>{step.ran}</td>
                <td>{step.skipped}</td>
                <td>{step.failed}</td>
                <td>
                  <Rate value={step.failureRate} />
                </td>
                <td>{step.compensated}</td>
                <td>
                  <Rate value={step.compensationRate} compensation />
                </td>
                <td>{step.compensationFailed}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A rate as a number and a small bar. */
function Rate({ value, compensation = false }: { value: number; compensation?: boolean }) {
  return (
    <span class={compensation ? 'rate rate-compensation' : 'rate'}>
      <span class="rate-bar">
        <span class="rate-fill" style={{ width: `${Math.min(100, value * 100)}%` }} />
      </span>
      {formatRate(value)}
    </span>
  );
}

import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { createApplication } from '../app/application';
import { type AppConfig, loadConfig } from '../config/config';
import { silentLogger } from '../shared/logger';
import { startExampleParticipants } from './participants';

/**
 * `npm run demo`: the engine in-process, the example participants, three `order-fulfillment` sagas over HTTP,
 * and what became of each. Exits 1 when a saga ends otherwise than expected.
 */
const orders = [
  { orderId: 'o-1', amount: 25, status: 'COMPLETED', compensations: [] },
  { orderId: 'o-2', amount: 40, status: 'COMPLETED', compensations: [] },
  {
    orderId: 'fail-3',
    amount: 15,
    status: 'COMPENSATED',
    compensations: ['RefundPayment', 'ReleaseInventory'],
  },
];
type Order = (typeof orders)[number];

const terminal = ['COMPLETED', 'COMPENSATED', 'COMPENSATION_FAILED'];
const sagaWaitMs = 30000;
const startupWaitMs = 20000;

interface StepView {
  name: string;
  status: string;
  attempts: number;
  compensation: { status: string; attempts: number } | null;
}
interface SagaView {
  id: string;
  status: string;
  steps: StepView[];
}
interface EventView {
  type: string;
  step?: string;
}
interface DefinitionView {
  definitions: { version: number; steps: { name: string; compensation: string | null }[] }[];
}

async function main(): Promise<number> {
  const config = loadConfig({ ...process.env, PORT: process.env.PORT ?? '0' });
  let app: INestApplication;
  try {
    app = await startEngine(config);
  } catch (error) {
    console.error(`demo: the engine cannot start: ${describe(error)}`);
    return 1;
  }
  let participants: Awaited<ReturnType<typeof startExampleParticipants>> | null = null;
  try {
    const { port } = app.getHttpServer().address() as AddressInfo;
    const api = new Api(`http://127.0.0.1:${port}`);
    console.log(`Engine listening on port ${port}; starting the participants and ${orders.length} sagas\n`);
    participants = await startExampleParticipants(config.amqpUrl);

    const started = await Promise.all(
      orders.map(async (order) => ({ order, id: await api.startSaga(order) })),
    );
    const compensationOf = await api.compensationCommands();
    const deadline = Date.now() + sagaWaitMs;
    const finished = await Promise.all(
      started.map(async ({ order, id }) => ({ order, id, saga: await api.waitUntilFinished(id, deadline) })),
    );

    console.log('');
    const problems: string[] = [];
    for (const { order, id, saga } of finished) {
      const events = await api.events(id);
      const compensations = events
        .filter((event) => event.type === 'CompensationSucceeded' || event.type === 'CompensationFailed')
        .map((event) => ({
          step: event.step ?? '?',
          command: compensationOf.get(event.step ?? '') ?? '?',
          ok: event.type === 'CompensationSucceeded',
        }));
      printSaga(order, saga, compensations);
      problems.push(...unexpected(order, saga, compensations));
    }

    console.log('');
    if (problems.length > 0) {
      for (const problem of problems) console.log(`UNEXPECTED: ${problem}`);
      return 1;
    }
    console.log(
      'All sagas ended as expected: o-1 and o-2 COMPLETED; fail-3 COMPENSATED (refund, then release).',
    );
    return 0;
  } finally {
    await participants?.stop();
    await app.close();
  }
}

/** The engine retries an unreachable broker forever: the demo gives up after a while instead. */
async function startEngine(config: AppConfig): Promise<INestApplication> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `no connection within ${startupWaitMs / 1000} s ` +
              `(is RabbitMQ running at ${redact(config.amqpUrl)} and PostgreSQL at ${redact(config.databaseUrl)}?)`,
          ),
        ),
      startupWaitMs,
    );
  });
  try {
    const app = await Promise.race([createApplication(config, { logger: silentLogger }), timeout]);
    await app.listen(config.port);
    return app;
  } finally {
    clearTimeout(timer);
  }
}

class Api {
  constructor(private readonly baseUrl: string) {}

  async startSaga(order: Order): Promise<string> {
    const body = { name: 'order-fulfillment', input: { orderId: order.orderId, amount: order.amount } };
    const created = await this.request<{ id: string }>('POST', '/api/sagas', body);
    return created.id;
  }

  /** Polls the saga until it reaches a terminal status; past the deadline, returns it as it is. */
  async waitUntilFinished(id: string, deadline: number): Promise<SagaView> {
    for (;;) {
      const saga = await this.request<SagaView>('GET', `/api/sagas/${id}`);
      if (terminal.includes(saga.status) || Date.now() > deadline) return saga;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async events(id: string): Promise<EventView[]> {
    return (await this.request<{ items: EventView[] }>('GET', `/api/sagas/${id}/events`)).items;
  }

  /** Step name → its compensation command, from the definition the sagas run on. */
  async compensationCommands(): Promise<Map<string, string>> {
    const definition = await this.request<DefinitionView>('GET', '/api/definitions/order-fulfillment');
    const latest = definition.definitions.reduce((a, b) => (b.version > a.version ? b : a));
    return new Map(
      latest.steps.flatMap((step) => (step.compensation ? [[step.name, step.compensation]] : [])),
    );
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }
}

interface CompensationRun {
  step: string;
  command: string;
  ok: boolean;
}

function printSaga(order: Order, saga: SagaView, compensations: CompensationRun[]): void {
  console.log(`Saga ${saga.id}  order ${order.orderId}  →  ${saga.status}`);
  const width = Math.max(...saga.steps.map((step) => step.name.length));
  for (const step of saga.steps) {
    const compensation =
      step.compensation === null
        ? ''
        : `, compensation ${step.compensation.status} (${plural(step.compensation.attempts, 'attempt')})`;
    console.log(
      `  ${step.name.padEnd(width)}  ${step.status.padEnd(9)} ${plural(step.attempts, 'attempt')}${compensation}`,
    );
  }
  const ran = compensations.map((c) => `${c.command} (${c.step})${c.ok ? '' : ' FAILED'}`);
  console.log(`  compensations: ${ran.length === 0 ? 'none' : ran.join(' → ')}`);
}

function unexpected(order: Order, saga: SagaView, compensations: CompensationRun[]): string[] {
  if (!terminal.includes(saga.status)) {
    return [
      `order ${order.orderId}: saga ${saga.id} did not finish within ${sagaWaitMs / 1000} s (still ${saga.status})`,
    ];
  }
  const problems: string[] = [];
  if (saga.status !== order.status) {
    problems.push(`order ${order.orderId}: ended ${saga.status}, expected ${order.status}`);
  }
  const ran = compensations.map((c) => (c.ok ? c.command : `${c.command} (failed)`));
  if (ran.join() !== order.compensations.join()) {
    const expected = order.compensations.length === 0 ? 'none' : order.compensations.join(' then ');
    problems.push(
      `order ${order.orderId}: compensations ran ${ran.join(' then ') || 'none'}, expected ${expected}`,
    );
  }
  return problems;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** One line, whatever was thrown (a refused connection can be an AggregateError with an empty message). */
function describe(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') return describe(error.errors[0]);
  if (error instanceof Error) return error.message.split('\n').join('; ');
  return String(error);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`demo failed: ${describe(error)}`);
    process.exit(1);
  },
);

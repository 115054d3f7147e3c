import type { JsonObject } from 'saga-orchestrator-sdk';

export interface StepView {
  name: string;
  status: string;
  attempts: number;
  output: JsonObject | null;
  error: { code: string; message: string } | null;
  compensation: { status: string; attempts: number } | null;
}
export interface SagaView {
  id: string;
  status: string;
  suspension: { step: string; reason: string } | null;
  steps: StepView[];
}
export interface EventView {
  type: string;
  step?: string;
}
interface DefinitionView {
  definitions: { version: number; steps: { name: string; compensation: string | null }[] }[];
}

/** The engine's REST API, as much of it as the demo uses. */
export class DemoApi {
  constructor(private readonly baseUrl: string) {}

  async startSaga(name: string, input: JsonObject): Promise<string> {
    const created = await this.request<{ id: string }>('POST', '/api/sagas', { name, input });
    return created.id;
  }

  async saga(id: string): Promise<SagaView> {
    return this.request<SagaView>('GET', `/api/sagas/${id}`);
  }

  /** Polls the saga until `settled` holds for its status; past the deadline, returns it as it is. */
  async waitFor(id: string, settled: (status: string) => boolean, deadline: number): Promise<SagaView> {
    for (;;) {
      const saga = await this.saga(id);
      if (settled(saga.status) || Date.now() > deadline) return saga;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** Resumes a SUSPENDED saga: its suspended step gets a new attempt, with `payload` from now on. */
  async retry(id: string, payload: JsonObject): Promise<void> {
    await this.request('POST', `/api/sagas/${id}/retry`, { payload });
  }

  async events(id: string): Promise<EventView[]> {
    return (await this.request<{ items: EventView[] }>('GET', `/api/sagas/${id}/events`)).items;
  }

  /** Step name → its compensation command, from the latest version of the definition. */
  async compensationCommands(sagaName: string): Promise<Map<string, string>> {
    const definition = await this.request<DefinitionView>('GET', `/api/definitions/${sagaName}`);
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

import type { Browser, Page } from 'playwright-core';
import { orderSagaYaml } from '../support/order-saga';
import type { ScriptedParticipant } from '../support/scripted-participant';
import { type TestEngine, startTestEngine } from '../support/test-engine';
import { waitFor } from '../support/wait-for';
import { type Tab, launchChromium, openTab, screenshot } from './browser';
import { publishUnreadableReply, startOrderParticipants } from './order-participants';

const ADMIN = { Authorization: 'Bearer admin-key' };

describe('the operator page at /ui, in Chromium', () => {
  let engine: TestEngine;
  let participants: ScriptedParticipant[];
  let browser: Browser;
  const sagas: Record<'completed' | 'compensated' | 'compensationFailed', string> = {
    completed: '',
    compensated: '',
    compensationFailed: '',
  };

  async function startSaga(orderId: string, correlationId: string, status: string): Promise<string> {
    const started = await engine.request(
      'POST',
      '/api/sagas',
      { name: 'order-fulfillment', input: { orderId, amount: 42.5 }, correlationId },
      ADMIN,
    );
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    await waitFor(`saga ${orderId} to end ${status}`, async () => {
      const saga = await engine.request('GET', `/api/sagas/${id}`, undefined, ADMIN);
      return saga.body.status === status ? true : undefined;
    });
    return id;
  }

  beforeAll(async () => {
    engine = await startTestEngine({
      sagas: { 'order-fulfillment.yaml': orderSagaYaml() },
      env: { API_KEYS: 'admin-key:admin,reader-key:read' },
    });
    participants = await startOrderParticipants(engine.amqpUrl);
    sagas.completed = await startSaga('ok-1', 'ui-order-1', 'COMPLETED');
    await startSaga('ok-2', 'ui-order-2', 'COMPLETED');
    sagas.compensated = await startSaga('ship-fails-1', 'ui-order-3', 'COMPENSATED');
    sagas.compensationFailed = await startSaga('refund-fails-1', 'ui-order-4', 'COMPENSATION_FAILED');
    await publishUnreadableReply(engine.amqpUrl, 'not json at all');
    await waitFor('the dead letter to be stored', async () => {
      const letters = await engine.request('GET', '/api/dead-letters', undefined, ADMIN);
      return letters.body.items.length === 1 ? true : undefined;
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    for (const participant of participants ?? []) await participant.stop();
    await engine?.stop();
  });

  /** Opens /ui in a new tab and gives the key, as a person would. */
  async function signIn(key: string): Promise<Tab> {
    const tab = await openTab(browser);
    await tab.page.goto(`${engine.baseUrl}/ui`);
    await tab.page.getByLabel('API key').fill(key);
    await tab.page.getByRole('button', { name: 'Open' }).click();
    await tab.page.locator('header.top .role').waitFor();
    return tab;
  }

  const listedSagaIds = (page: Page) =>
    page
      .locator('table.sagas tbody tr')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-saga-id')));

  it('asks for a key, refuses a wrong one, and keeps the right one for the tab', async () => {
    const { page, complaints } = await openTab(browser);
    await page.goto(`${engine.baseUrl}/ui`);
    await page.getByLabel('API key').fill('wrong-key');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByText('The engine refused that key.').waitFor();

    await page.getByLabel('API key').fill('admin-key');
    await page.getByRole('button', { name: 'Open' }).click();
    expect(await page.locator('header.top .role').textContent()).toBe('admin');
    expect(await page.evaluate('Object.values(sessionStorage)')).toEqual(['admin-key']);
    expect(await page.evaluate('Object.keys(localStorage)')).toEqual([]);
    expect(complaints).toEqual([]);
    await page.context().close();
  });

  it('lists the sagas with their statuses and filters them by status and correlation id', async () => {
    const { page, complaints } = await signIn('admin-key');
    await waitFor('the four sagas', async () =>
      (await listedSagaIds(page)).length === 4 ? true : undefined,
    );
    const statuses = await page.locator('table.sagas tbody .badge').allTextContents();
    expect([...statuses].sort()).toEqual(['COMPENSATED', 'COMPENSATION FAILED', 'COMPLETED', 'COMPLETED']);
    await screenshot(page, 'saga-list');

    await page.locator('label.chip', { hasText: /^COMPENSATED$/ }).click();
    await page.getByRole('button', { name: 'Apply' }).click();
    await waitFor('the list filtered by status', async () =>
      (await listedSagaIds(page)).join() === sagas.compensated ? true : undefined,
    );
    expect(new URL(page.url()).hash).toBe('#/sagas?status=COMPENSATED');

    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Correlation id').fill('ui-order-1');
    await page.getByRole('button', { name: 'Apply' }).click();
    await waitFor('the list filtered by correlation id', async () =>
      (await listedSagaIds(page)).join() === sagas.completed ? true : undefined,
    );
    expect(complaints).toEqual([]);
    await page.context().close();
  });

  it('shows a compensated saga: the failed step, then both compensations in reverse order, and its graph', async () => {
    const { page, complaints, scriptBytes } = await signIn('admin-key');
    await page.locator(`tr[data-saga-id="${sagas.compensated}"] a`).click();
    await page.locator('figure.timeline .lane').first().waitFor();

    const lanes = await page
      .locator('figure.timeline .lane')
      .evaluateAll((items) =>
        items.map((item) => `${item.getAttribute('data-step')} ${item.getAttribute('data-kind')}`),
      );
    expect(lanes).toEqual([
      'reserve-inventory action',
      'charge-payment action',
      'schedule-shipment action',
      'charge-payment compensation',
      'reserve-inventory compensation',
    ]);
    const outcomes = await page
      .locator('figure.timeline .bar')
      .evaluateAll((bars) => bars.map((bar) => bar.getAttribute('data-outcome')));
    expect(outcomes).toEqual(['success', 'success', 'failure', 'success', 'success']);
    expect(await page.locator('table.attempts').textContent()).toContain('NO_CARRIER');

    await page.locator('figure.graph[aria-busy="false"] svg').waitFor();
    const graphText = await page.locator('figure.graph svg').textContent();
    expect(graphText).toContain('RefundPayment');
    expect(graphText).toContain('ReleaseInventory');
    expect(scriptBytes()).toBeGreaterThan(500_000);
    await screenshot(page, 'saga-timeline');
    expect(complaints).toEqual([]);
    await page.context().close();
  });

  it('retries a COMPENSATION_FAILED saga with a reason, and the saga compensates on', async () => {
    const { page, complaints } = await signIn('admin-key');
    await page.goto(`${engine.baseUrl}/ui#/sagas/${sagas.compensationFailed}`);
    await page.locator('h1 .badge', { hasText: 'COMPENSATION FAILED' }).waitFor();
    expect(await page.locator('ul.errors').textContent()).toContain('BANK_OFFLINE');

    await page.getByRole('button', { name: 'Retry…' }).click();
    const dialog = page.getByRole('dialog');
    const confirm = dialog.getByRole('button', { name: 'Retry' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Reason (kept in the saga log)').fill('the bank is answering again');
    await screenshot(page, 'retry-dialog');
    await confirm.click();
    await dialog.waitFor({ state: 'detached' });

    await page.locator('h1 .badge', { hasText: /^COMPENSATED$/ }).waitFor();
    const retried = page.locator('table.log tr[data-type="SagaRetried"]');
    expect(await retried.locator('td.reason').textContent()).toContain('the bank is answering again');
    await screenshot(page, 'saga-retried');
    const saga = await engine.request('GET', `/api/sagas/${sagas.compensationFailed}`, undefined, ADMIN);
    expect(saga.body.status).toBe('COMPENSATED');
    expect(complaints).toEqual([]);
    await page.context().close();
  });

  it('shows the statistics per definition', async () => {
    const { page, complaints } = await signIn('admin-key');
    await page.getByRole('link', { name: 'Statistics' }).click();
    const section = page.locator('section[data-definition="order-fulfillment"]');
    await section.locator('table.step-stats').waitFor();
    expect(await section.locator('.summary').textContent()).toContain('4 started, 4 finished, 50% completed');
    const shipping = section.locator('table.step-stats tr', { hasText: 'schedule-shipment' });
    expect(await shipping.locator('td').allTextContents()).toEqual([
      'schedule-shipment',
      '4',
      '0',
      '2',
      '50%',
      '0',
      '0%',
      '0',
    ]);
    await screenshot(page, 'stats');
    expect(complaints).toEqual([]);
    await page.context().close();
  });

  it('gives a read key no operator buttons', async () => {
    const { page, complaints } = await signIn('reader-key');
    expect(await page.locator('header.top .role').textContent()).toBe('read only');
    await page.goto(`${engine.baseUrl}/ui#/sagas/${sagas.compensated}`);
    await page.locator('figure.timeline .lane').first().waitFor();
    expect(await page.locator('main button').count()).toBe(0);

    await page.getByRole('link', { name: 'Dead letters' }).click();
    await page.locator('.dead-letter').first().waitFor();
    expect(await page.locator('.dead-letter button').count()).toBe(0);
    expect(complaints).toEqual([]);
    await page.context().close();
  });

  it('replays a dead letter and deletes one, each after asking', async () => {
    const { page, complaints } = await signIn('admin-key');
    await page.getByRole('link', { name: 'Dead letters' }).click();
    const letter = page.locator('.dead-letter').first();
    expect(await letter.locator('pre.content').textContent()).toBe('not json at all');
    const first = await letter.getAttribute('data-dead-letter-id');

    // Replayed to sagas.replies, the message is still unreadable: the engine dead-letters it again.
    await letter.getByRole('button', { name: 'Replay…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Replay' }).click();
    await page.locator(`.dead-letter:not([data-dead-letter-id="${first}"])`).waitFor();
    expect(await page.locator('.dead-letter').count()).toBe(1);
    expect(await page.locator('.dead-letter pre.content').textContent()).toBe('not json at all');

    await page.locator('.dead-letter').getByRole('button', { name: 'Delete…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No dead letter.').waitFor();
    const letters = await engine.request('GET', '/api/dead-letters', undefined, ADMIN);
    expect(letters.body.items).toEqual([]);
    expect(complaints).toEqual([]);
    await page.context().close();
  });
});

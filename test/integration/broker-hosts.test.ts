import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { type Participant, createParticipant } from 'saga-orchestrator-sdk';
import { orderSagaYaml } from '../support/order-saga';
import { recreateVhost } from '../support/rabbit-vhost';
import { recordingLogger } from '../support/sdk-broker';
import { type TestEngine, startTestEngine } from '../support/test-engine';
import { waitFor } from '../support/wait-for';

type LogLine = { level: string; message: string; fields?: Record<string, unknown> };

/** A local port nothing listens on: a connection to it is refused at once, like a broker node that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The log lines, from `from` on, about connecting: which host failed, which one connected. */
function connectLines(lines: LogLine[], from: number): Array<[string, unknown]> {
  return lines
    .slice(from)
    .filter(
      (line) =>
        line.message === 'could not connect to a broker host; trying the next' ||
        line.message === 'connected to the broker',
    )
    .map((line) => [line.message, line.fields?.host]);
}

describe('AMQP_URL with several hosts, the first one down', () => {
  let engine: TestEngine;
  let participants: Participant[];
  let amqpUrl = '';
  let downHost = '';
  let upHost = '';
  const engineLog = recordingLogger();
  /** One per participant: their lines would interleave in one. */
  const participantLogs = [recordingLogger(), recordingLogger(), recordingLogger()];

  beforeAll(async () => {
    const port = await closedPort();
    downHost = `127.0.0.1:${port}`;
    engine = await startTestEngine({
      sagas: { 'order.yaml': orderSagaYaml({ stepTimeout: '5s' }) },
      logger: engineLog,
      amqpUrl: (vhostUrl) => {
        const down = new URL(vhostUrl);
        down.port = String(port);
        amqpUrl = `${down.toString()},${vhostUrl}`;
        return amqpUrl;
      },
    });
    const up = new URL(engine.amqpUrl);
    upHost = `${up.hostname}:${up.port || '5672'}${up.pathname}`;
    downHost = `${downHost}${up.pathname}`;
    participants = ['inventory', 'payments', 'shipping'].map((participant, index) =>
      createParticipant({
        url: amqpUrl,
        participant,
        logger: participantLogs[index],
        handlers: Object.fromEntries(
          ['ReserveInventory', 'ReleaseInventory', 'ChargePayment', 'RefundPayment', 'ScheduleShipment'].map(
            (type) => [type, () => ({ by: participant })],
          ),
        ),
      }),
    );
    await Promise.all(participants.map((participant) => participant.start()));
  });

  afterAll(async () => {
    await Promise.all((participants ?? []).map((participant) => participant.stop()));
    await engine?.stop();
  });

  async function sagaCompletes(orderId: string): Promise<void> {
    const started = await engine.request('POST', '/api/sagas', {
      name: 'order-fulfillment',
      input: { orderId, amount: 5 },
    });
    expect(started.status).toBe(201);
    await waitFor(
      `saga ${orderId} to complete`,
      async () => {
        const { body } = await engine.request('GET', `/api/sagas/${started.body.id as string}`);
        return body.status === 'COMPLETED' ? true : undefined;
      },
      30000,
      100,
    );
  }

  it('the engine and the participants skip the host that is down, name the host they connected to, and a saga completes', async () => {
    expect(connectLines(engineLog.lines, 0)).toEqual([
      ['could not connect to a broker host; trying the next', downHost],
      ['connected to the broker', upHost],
    ]);
    for (const log of participantLogs) {
      expect(connectLines(log.lines, 0)).toEqual([
        ['could not connect to a broker host; trying the next', downHost],
        ['connected to the broker', upHost],
      ]);
    }
    for (const line of [engineLog, ...participantLogs].flatMap((log) => log.lines)) {
      expect(JSON.stringify(line)).not.toContain('guest:guest');
    }
    await sagaCompletes('o-1');
  });

  it('after the connection is lost, each reconnect goes through the list again from the first host', async () => {
    const engineFrom = engineLog.lines.length;
    const participantsFrom = participantLogs.map((log) => log.lines.length);
    await recreateVhost(decodeURIComponent(new URL(engine.amqpUrl).pathname.slice(1)));

    await waitFor(
      'the engine and the participants to reconnect',
      () => {
        const engineBack = connectLines(engineLog.lines, engineFrom).some(
          ([message]) => message === 'connected to the broker',
        );
        const participantsBack = participantLogs.every((log, index) =>
          connectLines(log.lines, participantsFrom[index]!).some(
            ([message]) => message === 'connected to the broker',
          ),
        );
        return engineBack && participantsBack ? true : undefined;
      },
      30000,
      100,
    );
    expect(engineLog.lines.slice(engineFrom).map((line) => line.message)).toContain(
      'broker connection lost; reconnecting',
    );
    for (const lines of [
      connectLines(engineLog.lines, engineFrom),
      ...participantLogs.map((log, index) => connectLines(log.lines, participantsFrom[index]!)),
    ]) {
      // Every connect is preceded by the first host's refusal: each round starts from the top of the list.
      const connected = lines.filter(([message]) => message === 'connected to the broker');
      expect(connected.length).toBeGreaterThan(0);
      lines.forEach(([message, host], index) => {
        if (message !== 'connected to the broker') return;
        expect(host).toBe(upHost);
        expect(lines[index - 1]).toEqual(['could not connect to a broker host; trying the next', downHost]);
      });
    }
    await sagaCompletes('o-2');
  });
});

import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { z } from 'zod';
import { commandQueueName } from 'saga-orchestrator-sdk/contracts';
import { BusinessError, type CommandContext, createMemoryIdempotencyStore } from 'saga-orchestrator-sdk';
import { SagaCommandHandler, SagaParticipantModule } from 'saga-orchestrator-sdk/nestjs';
import { type TestVhost, createVhost } from '../support/rabbit-vhost';
import { SdkTestBroker, gate, recordingLogger, testCommand } from '../support/sdk-broker';
import { waitFor } from '../support/wait-for';

const reserveSchema = z.object({ orderId: z.string() });

/** A stand-in for a service's own dependency, injected into the handler's provider. */
@Injectable()
class StockRepository {
  readonly reserved: string[] = [];

  reserve(orderId: string): string {
    this.reserved.push(orderId);
    return `r-${orderId}`;
  }
}

@Injectable()
class InventoryHandlers {
  constructor(private readonly stock: StockRepository) {}

  @SagaCommandHandler('ReserveInventory', { payload: reserveSchema })
  async reserve(payload: z.infer<typeof reserveSchema>, ctx: CommandContext) {
    return { reservationId: this.stock.reserve(payload.orderId), attempt: ctx.attempt };
  }

  @SagaCommandHandler('ReleaseInventory')
  release() {
    throw new BusinessError('NOTHING_RESERVED', 'nothing to release');
  }

  notAHandler() {
    return 'ignored';
  }
}

const picking = { started: gate(), release: gate() };

@Injectable()
class PickingHandlers {
  @SagaCommandHandler('PickItems')
  async pick() {
    picking.started.open();
    await picking.release.opened;
    return { picked: true };
  }
}

describe('SagaParticipantModule in a Nest application', () => {
  let vhost: TestVhost;
  let broker: SdkTestBroker;
  const logger = recordingLogger();

  beforeAll(async () => {
    vhost = await createVhost('sdk-nestjs');
    broker = await SdkTestBroker.connect(vhost.url);
  });

  afterAll(async () => {
    await broker?.close();
    await vhost?.drop();
  });

  async function boot(moduleClass: new () => unknown) {
    return NestFactory.createApplicationContext(moduleClass, { logger: false });
  }

  it("runs decorated provider methods as the participant's handlers, and stops it on shutdown", async () => {
    @Module({
      imports: [
        SagaParticipantModule.forRoot({
          url: vhost.url,
          participant: 'inventory',
          prefetch: 4,
          idempotency: createMemoryIdempotencyStore(),
          logger,
        }),
      ],
      providers: [StockRepository, InventoryHandlers, PickingHandlers],
    })
    class InventoryApp {}

    const app = await boot(InventoryApp);
    const reserve = await broker.send(
      'inventory',
      testCommand('ReserveInventory', { payload: { orderId: 'o-nest' } }),
    );
    expect((await broker.reply(reserve)).body).toMatchObject({
      outcome: 'success',
      in_reply_to: reserve.message_id,
      output: { reservationId: 'r-o-nest', attempt: 1 },
    });
    expect(app.get(StockRepository).reserved).toEqual(['o-nest']);

    const invalid = await broker.send(
      'inventory',
      testCommand('ReserveInventory', { payload: { orderId: 7 } }),
    );
    expect((await broker.reply(invalid)).body).toMatchObject({
      outcome: 'failure',
      error: { code: 'INVALID_PAYLOAD', message: 'payload.orderId: expected string, received number' },
    });

    const release = await broker.send('inventory', testCommand('ReleaseInventory', { kind: 'compensation' }));
    expect((await broker.reply(release)).body).toMatchObject({
      outcome: 'failure',
      error: { code: 'NOTHING_RESERVED', retryable: false },
    });

    const unknown = await broker.send('inventory', testCommand('notAHandler'));
    expect((await broker.reply(unknown)).body).toMatchObject({
      outcome: 'failure',
      error: { code: 'UNKNOWN_COMMAND' },
    });

    // Shutdown waits for the command in flight, which still gets its reply.
    const pick = await broker.send('inventory', testCommand('PickItems'));
    await picking.started.opened;
    let closed = false;
    const closing = app.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(closed).toBe(false);
    picking.release.open();
    await closing;
    expect((await broker.reply(pick)).body).toMatchObject({ outcome: 'success', output: { picked: true } });

    const queue = await waitFor('the consumer to go away', async () => {
      const checked = await broker.checkQueue(commandQueueName('inventory'));
      return checked.consumerCount === 0 ? checked : undefined;
    });
    expect(queue.messageCount).toBe(0);
    // Commands sent after shutdown wait in the queue.
    await broker.send('inventory', testCommand('ReserveInventory', { payload: { orderId: 'o-late' } }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await broker.checkQueue(commandQueueName('inventory'))).messageCount).toBe(1);
    expect(app.get(StockRepository).reserved).toEqual(['o-nest']);
  });

  it('builds its options with forRootAsync from injected providers', async () => {
    const Settings = Symbol('settings');

    @Module({
      providers: [{ provide: Settings, useValue: { amqpUrl: vhost.url } }],
      exports: [Settings],
    })
    class SettingsModule {}

    @Module({
      imports: [
        SagaParticipantModule.forRootAsync({
          imports: [SettingsModule],
          inject: [Settings],
          useFactory: (settings: { amqpUrl: string }) => ({
            url: settings.amqpUrl,
            participant: 'inventory-async',
            logger,
          }),
        }),
      ],
      providers: [StockRepository, InventoryHandlers],
    })
    class AsyncApp {}

    const app = await boot(AsyncApp);
    try {
      const command = await broker.send(
        'inventory-async',
        testCommand('ReserveInventory', { payload: { orderId: 'o-async' } }),
      );
      expect((await broker.reply(command)).body).toMatchObject({
        outcome: 'success',
        output: { reservationId: 'r-o-async' },
      });
    } finally {
      await app.close();
    }
  });

  it('refuses to start when two methods handle the same command type', async () => {
    @Injectable()
    class MoreInventoryHandlers {
      @SagaCommandHandler('ReserveInventory')
      reserveAgain() {
        return {};
      }
    }

    @Module({
      imports: [SagaParticipantModule.forRoot({ url: vhost.url, participant: 'inventory-twice', logger })],
      providers: [StockRepository, InventoryHandlers, MoreInventoryHandlers],
    })
    class TwiceApp {}

    await expect(boot(TwiceApp)).rejects.toThrow(
      "@SagaCommandHandler('ReserveInventory') is declared twice: InventoryHandlers.reserve and MoreInventoryHandlers.reserveAgain",
    );
  });
});

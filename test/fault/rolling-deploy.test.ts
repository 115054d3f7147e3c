import { FaultRig, faultSagaYaml, report, sleep } from '../support/fault-scenario';
import { readSagas } from '../support/invariants';
import { replayable } from '../support/fault-seed';

describe('a rolling deploy: the newer engine process dies while sagas of the version only it loaded run', () => {
  let rig: FaultRig | undefined;

  afterEach(async () => {
    await rig?.dispose();
    rig = undefined;
  });

  it(
    'the older process, which never loaded that version, finishes every one of them',
    replayable(async () => {
      rig = await FaultRig.create(1);
      const older = rig.engines[0]!;
      const newer = await rig.addEngine('newer', { 'order-fulfillment.yaml': faultSagaYaml(2) });

      const ids: string[] = [];
      let next = 0;
      const starter = async (): Promise<void> => {
        for (let index = next++; index < 120; index = next++) {
          const orderId = `${index % 4 === 3 ? 'fail-' : ''}rolling-${index}`;
          ids.push(await rig!.startSaga(orderId, Date.now() + 60000, () => newer));
        }
      };
      await Promise.all(Array.from({ length: 8 }, starter));
      // The participants answer after a few to a few hundred milliseconds: most sagas are still in flight here.
      const before = await readSagas(rig.database.url);
      const inFlight = [...before.values()].filter(({ state }) => state.status === 'RUNNING').length;
      await newer.stop('SIGKILL');
      await sleep(50);

      const tally = await rig.settle();
      report('newer engine killed, older finishes', tally, rig.accepted);

      expect(inFlight).toBeGreaterThan(0);
      expect(tally.violations).toEqual([]);
      expect(tally.byStatus).toEqual({ COMPLETED: 90, COMPENSATED: 30 });
      expect(tally.timers).toBe(0);
      const sagas = await readSagas(rig.database.url);
      expect([...sagas.values()].map(({ state }) => state.version)).toEqual(ids.map(() => 2));
      const errors = older.output.filter((line) => /"level":(50|60)/.test(line));
      expect(errors).toEqual([]);
      // The older process applied replies of version 2 sagas after the newer one died.
      expect(
        older.output.some((line) => line.includes('order-fulfillment@2') && line.includes('"StepSucceeded"')),
      ).toBe(true);
    }),
  );
});

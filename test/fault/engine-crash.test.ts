import { FaultRig, report, sleep } from '../support/fault-scenario';
import { faultTimes, replayable } from '../support/fault-seed';

/** Kills engine instances with SIGKILL at random moments while sagas are in flight, restarts them, counts. */
async function killAndRestart(
  rig: FaultRig,
  kills: number,
  stopWhen: () => boolean,
  gapMs = [400, 1300],
): Promise<number> {
  let done = 0;
  while (done < kills && !stopWhen()) {
    await sleep(faultTimes.between(gapMs[0]!, gapMs[1]!));
    const victim = rig.liveEngine();
    if (victim === undefined) continue;
    await victim.stop('SIGKILL');
    done++;
    await sleep(faultTimes.between(150, 550));
    await victim.start();
  }
  return done;
}

describe('engine processes killed with SIGKILL while sagas are in flight', () => {
  let rig: FaultRig | undefined;

  afterEach(async () => {
    await rig?.dispose();
    rig = undefined;
  });

  it(
    'one instance, killed -9 two to four times under 240 sagas: all terminal, invariants hold',
    replayable(async () => {
      rig = await FaultRig.create(1);
      let launched = false;
      const starting = rig.startMany('crash', 240).finally(() => (launched = true));
      // Drawn on every check, so that when the starts finish does not shift the later kill times.
      const kills = await killAndRestart(rig, 4, () => faultTimes.chance(0.2) && launched);
      await starting;
      const tally = await rig.settle();
      report(`1 engine, SIGKILL x${kills}`, tally, rig.accepted);

      expect(kills).toBeGreaterThanOrEqual(2);
      expect(tally.violations).toEqual([]);
      expect(tally.sagas).toBe(240);
      expect(tally.byStatus).toEqual({ COMPLETED: 180, COMPENSATED: 60 });
      expect(tally.timers).toBe(0);
    }),
  );

  it.each([2, 3])(
    '%i instances on one database and broker, three kills among them: no attempt sent twice, every instance applies replies',
    replayable(async (n: number) => {
      rig = await FaultRig.create(n);
      let launched = false;
      // Fewer concurrent starts than with one instance, so that all kills land while sagas keep arriving: at least
      // 120 × 80 ms of starting, longer than three kills with their restarts take on a loaded machine.
      const starting = rig.startMany(`multi${n}`, 240, 2, 80).finally(() => (launched = true));
      const kills = await killAndRestart(rig, 3, () => false, [200, 500]);
      const killedWhileStarting = !launched;
      await starting;
      const tally = await rig.settle();
      report(`${n} engines, SIGKILL x${kills}`, tally, rig.accepted);

      expect(kills).toBe(3);
      expect(killedWhileStarting).toBe(true);
      expect(tally.violations).toEqual([]);
      // Replies are shared: every instance applied some of them.
      for (const engine of rig.engines) {
        expect(engine.output.some((line) => line.includes('"StepSucceeded"'))).toBe(true);
      }
      expect(tally.byStatus).toEqual({ COMPLETED: 180, COMPENSATED: 60 });
      expect(tally.timers).toBe(0);
    }),
  );

  it(
    'SIGTERM shuts down gracefully (exit 0) and a restart continues the sagas',
    replayable(async () => {
      rig = await FaultRig.create(1);
      const engine = rig.engines[0]!;
      const starting = rig.startMany('term', 80);
      await sleep(500);
      expect(await engine.stop('SIGTERM')).toBe(0);
      expect(engine.output.some((line) => line.includes('engine stopped'))).toBe(true);
      await engine.start();
      await starting;
      const tally = await rig.settle();
      report('SIGTERM + restart', tally, rig.accepted);

      expect(tally.violations).toEqual([]);
      expect(tally.byStatus).toEqual({ COMPLETED: 60, COMPENSATED: 20 });
    }),
  );
});

import { definitionOf, group, step } from './definitions';
import { FATAL, SagaRun, commandsOf, logTypesOf } from './fixtures';

const onlyFor = (country: string) => ({ when: { equals: ['${input.country}', country] } });

describe('when conditions', () => {
  it('skips a step whose condition does not hold and sends the next one in the same decision', () => {
    const run = new SagaRun(definitionOf([step('quote'), step('customs', onlyFor('CH')), step('ship')]));
    run.start({ input: { country: 'FR' } });
    const quoted = run.complete('quote');

    expect(run.step('customs').status).toBe('SKIPPED');
    expect(logTypesOf(quoted)).toContain('StepSkipped');
    expect(commandsOf(quoted).map((c) => c.step)).toEqual(['ship']);
    run.complete('ship');
    expect(run.state.status).toBe('COMPLETED');
  });

  it('runs a step whose condition holds, reading an earlier output', () => {
    const run = new SagaRun(
      definitionOf([
        step('quote'),
        step('insure', { when: { greaterThan: ['${steps.quote.output.price}', 100] } }),
      ]),
    );
    run.start();
    const quoted = run.complete('quote', { price: 150 });
    expect(commandsOf(quoted).map((c) => c.step)).toEqual(['insure']);
  });

  it('never compensates a skipped step', () => {
    const run = new SagaRun(definitionOf([step('quote'), step('customs', onlyFor('CH')), step('ship')]));
    run.start({ input: { country: 'FR' } });
    run.complete('quote');
    const failed = run.fail(run.lastCommand, FATAL);

    expect(commandsOf(failed).map((c) => `${c.kind}:${c.step}`)).toEqual(['compensation:quote']);
    expect(run.step('customs').compensation).toBeNull();
  });

  it('goes straight past a group whose members are all skipped, and starts only the members whose condition holds', () => {
    const definition = definitionOf([
      step('quote'),
      group('extras', [step('gift', onlyFor('CH')), step('wrap', onlyFor('CH'))]),
      group('book', [step('flight'), step('hotel', onlyFor('FR'))]),
    ]);
    const run = new SagaRun(definition);
    run.start({ input: { country: 'FR' } });
    const quoted = run.complete('quote');

    expect([run.step('gift').status, run.step('wrap').status]).toEqual(['SKIPPED', 'SKIPPED']);
    expect(commandsOf(quoted).map((c) => c.step)).toEqual(['flight', 'hotel']);
  });

  it('skips the first step at start when its condition does not hold', () => {
    const run = new SagaRun(definitionOf([step('customs', onlyFor('CH')), step('ship')]));
    const started = run.start({ input: { country: 'FR' } });
    expect(commandsOf(started).map((c) => c.step)).toEqual(['ship']);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { compileDefinition } from '../../../src/core/definition/compile';
import { toMermaid } from '../../../src/core/definition/graph';
import { definitionOf, group, plainStep, step } from '../core/definitions';

describe('toMermaid', () => {
  it('draws the example saga: actions forward, compensations backward', () => {
    const document: unknown = parse(
      readFileSync(join(__dirname, '../../../sagas/order-fulfillment.yaml'), 'utf8'),
    );
    const compiled = compileDefinition(document);
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));

    expect(toMermaid(compiled.definition)).toBe(
      [
        'flowchart LR',
        '  start([start])',
        '  s0["reserve-inventory<br/>inventory: ReserveInventory"]',
        '  c0["ReleaseInventory"]',
        '  s1["charge-payment<br/>payments: ChargePayment"]',
        '  c1["RefundPayment"]',
        '  s2["schedule-shipment<br/>shipping: ScheduleShipment"]',
        '  completed([COMPLETED])',
        '  compensated([COMPENSATED])',
        '  start --> s0',
        '  s0 -->|success| s1',
        '  s0 -.->|failure| compensated',
        '  s0 -.->|timeout| c0',
        '  s1 -->|success| s2',
        '  s1 -.->|failure| c0',
        '  s1 -.->|timeout| c1',
        '  s2 -->|success| completed',
        '  s2 -.->|failure| c1',
        '  c0 -.-> compensated',
        '  c1 -.-> c0',
        '',
      ].join('\n'),
    );
  });

  it('draws the members of a group side by side, its compensations in a box of their own, and where a saga suspends', () => {
    const definition = definitionOf([
      step('hold'),
      group('travel', [step('flight'), step('hotel', { when: { exists: '${input.hotel}' } })], 'reverse'),
      plainStep('charge', { type: 'pivot' }),
      plainStep('notify', { type: 'retriable' }),
    ]);

    expect(toMermaid(definition)).toBe(
      [
        'flowchart LR',
        '  start([start])',
        '  s0["hold<br/>p: Do-hold"]',
        '  c0["Undo-hold"]',
        '  subgraph g1["travel (parallel)"]',
        '    direction TB',
        '    s1["flight<br/>p: Do-flight"]',
        '    s2["hotel<br/>p: Do-hotel<br/>(when …)"]',
        '  end',
        '  subgraph cg1["undo travel (reverse)"]',
        '    direction TB',
        '    c1["Undo-flight"]',
        '    c2["Undo-hotel"]',
        '  end',
        '  s3["charge<br/>p: Do-charge<br/>(pivot)"]',
        '  s4["notify<br/>p: Do-notify<br/>(retriable)"]',
        '  completed([COMPLETED])',
        '  compensated([COMPENSATED])',
        '  suspended([SUSPENDED])',
        '  start --> s0',
        '  s0 -->|success| g1',
        '  s0 -.->|failure| compensated',
        '  s0 -.->|timeout| c0',
        '  g1 -->|success| s3',
        '  g1 -.->|failure| cg1',
        '  s3 -->|success| s4',
        '  s3 -.->|failure| cg1',
        '  s4 -->|success| completed',
        '  s4 -.->|failure| suspended',
        '  c0 -.-> compensated',
        '  cg1 -.-> c0',
        '',
      ].join('\n'),
    );
  });
});

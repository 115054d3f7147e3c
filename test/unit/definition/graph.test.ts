import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { compileDefinition } from '../../../src/core/definition/compile';
import { toMermaid } from '../../../src/core/definition/graph';

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
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrationReport } from '../../../src/cli/migration-report';
import { definitionFolder, removeDefinitionFolders } from '../definition/definition-folder';

afterAll(removeDefinitionFolders);

const example = readFileSync(join(__dirname, '../../../sagas/order-fulfillment.yaml'), 'utf8');

describe('npm run validate -- --migrate', () => {
  it('says, stage by stage, whether a running saga of the older version could move, and why not', () => {
    const newer = example
      .replace(/^version: 1/m, 'version: 2')
      .replace('action: ChargePayment', 'action: ChargeCard');
    const dir = definitionFolder({ 'v1.yaml': example, 'v2.yaml': newer });

    const { lines, exitCode } = migrationReport(join(dir, 'v1.yaml'), join(dir, 'v2.yaml'));

    expect(exitCode).toBe(0);
    const refusal =
      '    steps.charge-payment: started step "charge-payment" has action "ChargePayment"; version 2 has "ChargeCard"';
    expect(lines).toEqual([
      'order-fulfillment 1 → 2: running sagas that have started up to…',
      '  reserve-inventory: can move',
      '  charge-payment: cannot move',
      refusal,
      '  schedule-shipment: cannot move',
      refusal,
    ]);
  });

  it('exits 1 on a file that does not load, or two files that are not versions of one saga', () => {
    const dir = definitionFolder({
      'v1.yaml': example,
      'bad.yaml': 'name: x\n',
      'other.yaml': example.replace(/^name: order-fulfillment/m, 'name: other'),
    });

    const broken = migrationReport(join(dir, 'v1.yaml'), join(dir, 'bad.yaml'));
    expect(broken.exitCode).toBe(1);
    expect(broken.lines[0]).toContain('bad.yaml: ');
    const unrelated = migrationReport(join(dir, 'v1.yaml'), join(dir, 'other.yaml'));
    expect(unrelated).toEqual({
      lines: [
        `${join(dir, 'other.yaml')}: expected another version of saga "order-fulfillment", got other@1`,
      ],
      exitCode: 1,
    });
  });
});

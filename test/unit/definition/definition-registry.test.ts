import type { JsonObject } from 'saga-orchestrator-sdk/contracts';
import { DefinitionRegistry } from '../../../src/definitions/definition-registry';
import type { DefinitionKey } from '../../../src/orchestrator/ports';
import type { StoredDefinitionRow } from '../../../src/persistence/definition-sql';

const document = (version: number): JsonObject => ({
  name: 'order',
  version,
  steps: [{ name: 'reserve', participant: 'inventory', action: 'Reserve' }],
});

describe('DefinitionRegistry.ensure: versions stored after the process started', () => {
  it('reads a version it does not hold once, however many ask at the same time, and holds it', async () => {
    const reads: DefinitionKey[][] = [];
    const stored: StoredDefinitionRow[] = [
      { name: 'order', version: 2, document: document(2), fingerprint: 'f' },
    ];
    const registry = new DefinitionRegistry(async (keys) => {
      reads.push([...keys]);
      return stored.filter((row) => keys.some((key) => key.name === row.name && key.version === row.version));
    });

    await Promise.all([
      registry.ensure([{ name: 'order', version: 2 }]),
      registry.ensure([{ name: 'order', version: 2 }]),
    ]);
    await registry.ensure([{ name: 'order', version: 2 }]);

    expect(reads).toEqual([[{ name: 'order', version: 2 }]]);
    expect(registry.get('order', 2)?.version).toBe(2);
    expect(registry.currentVersion('order')).toBeUndefined();
  });

  it('leaves missing a version that is not stored, or no longer compiles, and asks again later', async () => {
    let reads = 0;
    const registry = new DefinitionRegistry(async () => {
      reads++;
      return [{ name: 'order', version: 4, document: { name: 'order', version: 4 }, fingerprint: 'f' }];
    });

    await registry.ensure([{ name: 'order', version: 3 }]);
    await registry.ensure([{ name: 'order', version: 4 }]);

    expect(registry.get('order', 3)).toBeUndefined();
    expect(registry.get('order', 4)).toBeUndefined();
    expect(reads).toBe(2);
  });
});

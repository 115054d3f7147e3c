import { ConfigError } from '../../../src/config/config';
import {
  type ProbeResult,
  decideRunMode,
  parseRunModeSetting,
  probeTargets,
  setUrls,
} from '../../../src/config/run-mode';

const answering = (result: ProbeResult) => () => Promise.resolve(result);
const noProbe = () => Promise.reject(new Error('the ports must not be probed'));

describe('SAGAS_MODE', () => {
  it.each([
    [undefined, 'auto'],
    ['', 'auto'],
    ['auto', 'auto'],
    ['embedded', 'embedded'],
    ['external', 'external'],
  ])('%j reads as %s', (value, setting) => {
    expect(parseRunModeSetting({ SAGAS_MODE: value })).toBe(setting);
  });

  it.each(['Embedded', 'local', 'true'])('refuses %j, naming the variable', (value) => {
    expect(() => parseRunModeSetting({ SAGAS_MODE: value })).toThrow(ConfigError);
    expect(() => parseRunModeSetting({ SAGAS_MODE: value })).toThrow(
      /^SAGAS_MODE: must be embedded, external or auto/,
    );
  });
});

describe('the run mode', () => {
  it('auto with a URL set is external, without probing: it never falls back', async () => {
    for (const env of [{ DATABASE_URL: 'postgres://db/sagas' }, { AMQP_URL: 'amqp://rabbit' }]) {
      await expect(decideRunMode('auto', setUrls(env), noProbe)).resolves.toMatchObject({ mode: 'external' });
    }
  });

  it('auto with nothing answering on the default ports is embedded', async () => {
    const decision = await decideRunMode('auto', [], answering({ database: false, broker: false }));
    expect(decision).toEqual({
      mode: 'embedded',
      reason: 'no URL set and nothing answers on the default ports',
    });
  });

  it('auto with both answering is external, on the defaults', async () => {
    const decision = await decideRunMode('auto', [], answering({ database: true, broker: true }));
    expect(decision.mode).toBe('external');
  });

  it('auto with only one answering is external: the other gets its own clear error', async () => {
    for (const found of [
      { database: true, broker: false },
      { database: false, broker: true },
    ]) {
      const decision = await decideRunMode('auto', [], answering(found));
      expect(decision.mode).toBe('external');
      expect(decision.reason).toContain(found.database ? 'PostgreSQL' : 'RabbitMQ');
    }
  });

  it('external is external whatever answers', async () => {
    await expect(decideRunMode('external', [], noProbe)).resolves.toMatchObject({ mode: 'external' });
  });

  it('embedded is embedded without probing, and refuses a set URL rather than ignore it', async () => {
    await expect(decideRunMode('embedded', [], noProbe)).resolves.toMatchObject({ mode: 'embedded' });
    await expect(decideRunMode('embedded', ['AMQP_URL'], noProbe)).rejects.toThrow(
      /SAGAS_MODE: is embedded, but AMQP_URL is set/,
    );
  });

  it('empty URLs count as unset', () => {
    expect(setUrls({ DATABASE_URL: '', AMQP_URL: 'amqp://x' })).toEqual(['AMQP_URL']);
  });
});

describe('SAGAS_AUTO_PROBE', () => {
  it('defaults to the local PostgreSQL and RabbitMQ ports', () => {
    expect(probeTargets({})).toEqual({
      database: { host: '127.0.0.1', port: 5432 },
      broker: { host: '127.0.0.1', port: 5672 },
    });
  });

  it('reads two host:port pairs, database first', () => {
    expect(probeTargets({ SAGAS_AUTO_PROBE: '127.0.0.1:1, localhost:2' })).toEqual({
      database: { host: '127.0.0.1', port: 1 },
      broker: { host: 'localhost', port: 2 },
    });
  });

  it.each(['127.0.0.1:1', 'a:1,b', 'a:1,b:99999', 'a:1,b:2,c:3'])('refuses %j', (value) => {
    expect(() => probeTargets({ SAGAS_AUTO_PROBE: value })).toThrow(/^SAGAS_AUTO_PROBE: /);
  });
});

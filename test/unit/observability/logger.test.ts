import { createLogger } from '../../../src/observability/logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  return { lines, stream: { write: (line: string) => void lines.push(JSON.parse(line)) } };
}

describe('createLogger', () => {
  it('writes one JSON object per line with the scope fields next to the message', () => {
    const { lines, stream } = capture();
    createLogger('info', stream).info('StepSucceeded', {
      sagaId: 's-1',
      correlationId: 'c-1',
      step: 'charge',
    });

    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'StepSucceeded',
        sagaId: 's-1',
        correlationId: 'c-1',
        step: 'charge',
      }),
    ]);
  });

  it('drops lines below the configured level and redacts authorization', () => {
    const { lines, stream } = capture();
    const logger = createLogger('warn', stream);
    logger.info('hidden');
    logger.warn('shown', { authorization: 'Bearer secret' });

    expect(lines.map((l) => l.msg)).toEqual(['shown']);
    expect(JSON.stringify(lines)).not.toContain('secret');
  });

  it('writes debug lines only at the debug level', () => {
    const atInfo = capture();
    createLogger('info', atInfo.stream).debug?.('hidden');
    const atDebug = capture();
    createLogger('debug', atDebug.stream).debug?.('shown', { context: 'RouterExplorer' });

    expect(atInfo.lines).toEqual([]);
    expect(atDebug.lines).toEqual([
      expect.objectContaining({ level: 20, msg: 'shown', context: 'RouterExplorer' }),
    ]);
  });
});

import { NestLogger, nestLogLine } from '../../../src/app/nest-logger';
import type { Logger } from 'saga-orchestrator-sdk/internal/shared/logger';

const STACK = 'Error: boom\n    at Injector.resolve (injector.js:1:1)';

describe('nestLogLine: what Nest passes its logger, as a message and fields', () => {
  it.each([
    ['a message alone', 'started', [], ['started', {}]],
    [
      'a message and its context',
      'Mapped {/health, GET} route',
      ['RouterExplorer'],
      ['Mapped {/health, GET} route', { context: 'RouterExplorer' }],
    ],
    [
      'an error with its stack and context',
      'boom',
      [STACK, 'ExceptionHandler'],
      ['boom', { context: 'ExceptionHandler', stack: STACK }],
    ],
    ['an error with a stack and no context', 'boom', [STACK], ['boom', { stack: STACK }]],
    ['an object message', { event: 'x' }, ['Scope'], ['{"event":"x"}', { context: 'Scope' }]],
    ['more than a context', 'hello', [42, 'Scope'], ['hello', { context: 'Scope', params: [42] }]],
  ] as const)('%s', (_, message, params, expected) => {
    expect(nestLogLine(message, params)).toEqual(expected);
  });

  it('takes an Error message with its own stack', () => {
    const error = new Error('failed to resolve');
    expect(nestLogLine(error, ['InstanceLoader'])).toEqual([
      'failed to resolve',
      { context: 'InstanceLoader', stack: error.stack },
    ]);
  });
});

describe('NestLogger: Nest levels onto the engine logger', () => {
  function recorder() {
    const lines: Array<[string, string, Record<string, unknown> | undefined]> = [];
    const logger: Logger = {
      info: (message, fields) => void lines.push(['info', message, fields]),
      warn: (message, fields) => void lines.push(['warn', message, fields]),
      error: (message, fields) => void lines.push(['error', message, fields]),
      debug: (message, fields) => void lines.push(['debug', message, fields]),
    };
    return { lines, logger };
  }

  it('writes log as info, warn as warn, error and fatal as error, debug and verbose as debug', () => {
    const { lines, logger } = recorder();
    const nest = new NestLogger(logger);
    nest.log('a', 'Ctx');
    nest.warn('b', 'Ctx');
    nest.error('c', STACK, 'Ctx');
    nest.fatal('d', 'Ctx');
    nest.debug('e', 'Ctx');
    nest.verbose('f', 'Ctx');

    expect(lines).toEqual([
      ['info', 'a', { context: 'Ctx' }],
      ['warn', 'b', { context: 'Ctx' }],
      ['error', 'c', { context: 'Ctx', stack: STACK }],
      ['error', 'd', { context: 'Ctx', fatal: true }],
      ['debug', 'e', { context: 'Ctx' }],
      ['debug', 'f', { context: 'Ctx' }],
    ]);
  });

  it('drops debug lines for a logger that has no debug', () => {
    const lines: string[] = [];
    const nest = new NestLogger({
      info: (message) => void lines.push(message),
      warn: (message) => void lines.push(message),
      error: (message) => void lines.push(message),
    });
    nest.debug('hidden', 'Ctx');
    nest.log('shown', 'Ctx');
    expect(lines).toEqual(['shown']);
  });
});

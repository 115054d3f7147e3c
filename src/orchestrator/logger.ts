/** Structured logging: a message plus the fields that scope it (saga id, step, message id…). */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** One JSON object per line on stdout; keys such as API keys are never passed in. */
export function createJsonLogger(component: string, write: (line: string) => void = defaultWrite): Logger {
  const emit = (level: string, message: string, fields?: Record<string, unknown>): void => {
    write(JSON.stringify({ time: new Date().toISOString(), level, component, message, ...fields }));
  };
  return {
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}

function defaultWrite(line: string): void {
  process.stdout.write(`${line}\n`);
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

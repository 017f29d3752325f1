/** The logging boundary: components take a Logger, so tests and the CLI choose where lines go. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export function consoleLogger(prefix = 'aviary'): Logger {
  const line = (level: string, message: string) => `${new Date().toISOString()} ${level} [${prefix}] ${message}`;
  return {
    info: (m) => console.error(line('INFO', m)),
    warn: (m) => console.error(line('WARN', m)),
    error: (m) => console.error(line('ERROR', m)),
  };
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

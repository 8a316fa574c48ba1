/** Structured JSON logs, one object a line, so any collector can parse them. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export function logger(service: string): Logger {
  const write = (level: string, message: string, fields: Record<string, unknown> = {}): void => {
    process.stdout.write(
      JSON.stringify({ time: new Date().toISOString(), level, service, message, ...fields }) + '\n',
    );
  };
  return {
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
  };
}

// Where a floor listens and what it is told, from the environment the bench gives it (as Firebreak's own).

/** A required setting; a floor started without it is a bench bug, so it fails loudly. */
export function setting(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`floor: ${name} is not set`);
  return value;
}

export function listenAddress(): { port: number; host: string } {
  return { port: Number(setting('PORT')), host: process.env.HOST ?? '127.0.0.1' };
}

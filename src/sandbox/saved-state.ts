// The sandbox's fakes written to disk and read back, so a restarted `npm start` finds the channels, pages and
// servers its database remembers. JSON with Maps and Buffers tagged, since the fakes keep both.

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON text of `value`, Maps as `{ "$map": [[key, value]…] }` and Buffers as `{ "$buffer": base64 }`. */
export function encodeState(value: unknown): string {
  return JSON.stringify(value, function replacer(this: Json, key: string, encoded: unknown) {
    // JSON.stringify hands the replacer a Buffer's toJSON(); the holder still has the Buffer itself.
    const raw = this[key];
    if (raw instanceof Map) return { $map: [...raw.entries()] };
    if (Buffer.isBuffer(raw)) return { $buffer: raw.toString('base64') };
    return encoded;
  });
}

/** The value `encodeState` wrote, with its Maps and Buffers back. */
export function decodeState(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (isObject(value) && Array.isArray(value.$map) && Object.keys(value).length === 1)
      return new Map(value.$map as Array<[unknown, unknown]>);
    if (isObject(value) && typeof value.$buffer === 'string' && Object.keys(value).length === 1)
      return Buffer.from(value.$buffer, 'base64');
    return value;
  });
}

/** Fills `target` (a Map the fake keeps) with `saved`'s entries, refusing anything that is not a Map. */
export function refill<K, V>(target: Map<K, V>, saved: unknown, what: string): void {
  if (!(saved instanceof Map)) throw new Error(`the saved ${what} are not a map`);
  target.clear();
  for (const [key, value] of saved) target.set(key as K, value as V);
}

/** `saved` as an object, or an error naming what was expected. */
export function savedObject(saved: unknown, what: string): Json {
  if (!isObject(saved)) throw new Error(`the saved ${what} is not an object`);
  return saved;
}

// Split from lazy.ts so that builds without createRequire (Workers, browsers) can share it.

/**
 * An object that stands for the one `create()` returns, built on first use: every property read,
 * `in`, key listing and `instanceof` goes to the real object.
 */
export function lazyObject<T extends object>(create: () => T): T {
  let real: T | undefined;
  const target = () => {
    real ??= create();
    return real;
  };
  return new Proxy({} as T, {
    get(_, key) {
      const object = target();
      const value: unknown = Reflect.get(object, key, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
    set: (_, key, value) => Reflect.set(target(), key, value),
    has: (_, key) => Reflect.has(target(), key),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor(_, key) {
      const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(target()),
  });
}

// Types of build-lock.mjs.
/** Builds dist/ afresh, then runs `use` (which reads dist/) before anyone else may build. */
export function withFreshBuild<T>(use: () => T | Promise<T>): Promise<T>;

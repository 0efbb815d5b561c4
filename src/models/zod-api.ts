// The few zod builders the parameter schemas use. The Node builds bundle this module with zod into
// dist/zod-api.cjs, tree-shaken (zod's own entry loads all 64 of its locales, about 30 ms): loaded
// on first validation through lazy.ts like any dependency, it keeps `import 'segmind'` light.
import { boolean, int, number, strictObject, string, enum as zodEnum } from 'zod';

export const zodApi = { boolean, enum: zodEnum, int, number, strictObject, string };
export type ZodApi = typeof zodApi;

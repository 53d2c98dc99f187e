import type { StringKey } from '../i18n/strings';

export type Translate = (key: StringKey, vars?: Record<string, string | number>) => string;

import type { Flag } from '../db/schema.js';

/** Booleans are stored as 0/1 so the same column works on SQLite and PostgreSQL. */
export const toFlag = (value: boolean): Flag => (value ? 1 : 0);
export const fromFlag = (value: number): boolean => value === 1;
export const fromNullableFlag = (value: number | null): boolean | null => (value === null ? null : value === 1);
export const toNullableFlag = (value: boolean | null | undefined): Flag | null => (value === null || value === undefined ? null : toFlag(value));

/** The item shape of godropbox's caching tests: a record carrying its string key. */
export interface Item {
	key: string;
	val: number;
	note?: string;
}

export const item = (key: string, val: number, note?: string): Item =>
	note === undefined ? { key, val } : { key, val, note };

export const keyOf = (it: Item): string => it.key;

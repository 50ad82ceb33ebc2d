import { InvalidKeyError } from "./errors.js";

/** Maps a value to a string (godropbox `caching.ToStringFunc`). */
export type ToStringFunc<T> = (value: T) => string;

/** Derives an item's key (the item carries its key, as in godropbox). */
export type KeyOfFunc<K, V> = (item: V) => K;

/**
 * The default key-to-string function: strings as-is, finite numbers and bigints via
 * `String()`. Anything else throws — an object key would silently become `"[object Object]"`.
 *
 * @throws {@link InvalidKeyError} (`ERR_CACHING_INVALID_KEY`) for other types and non-finite numbers.
 */
export function defaultKeyToString(key: unknown): string {
	switch (typeof key) {
		case "string":
			return key;
		case "bigint":
			return String(key);
		case "number":
			if (Number.isFinite(key)) return String(key);
			throw new InvalidKeyError(
				`key ${String(key)} is not a finite number`,
				key,
			);
		default:
			throw new InvalidKeyError(
				`key of type ${key === null ? "null" : typeof key} cannot be used as a string key; pass a keyToString function`,
				key,
			);
	}
}

/**
 * Builds a `keyOf` that reads a property of the item, e.g. `keyOfProperty("id")`.
 *
 * @throws {@link InvalidKeyError} at the call of the returned function when the item is not an object.
 */
export function keyOfProperty<V extends object, P extends keyof V>(
	property: P,
): KeyOfFunc<V[P], V> {
	return (item: V): V[P] => {
		if (typeof item !== "object" || item === null)
			throw new InvalidKeyError(
				`item is ${item === null ? "null" : typeof item}, not an object with a '${String(property)}' key`,
				item,
			);
		return item[property];
	};
}

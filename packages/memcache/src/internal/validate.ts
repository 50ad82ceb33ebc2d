// godropbox: memcache/raw_binary_client.go isValidKeyString and validateValue.

/** Longest key memcached accepts, in bytes. */
export const MAX_KEY_LENGTH = 250;
/** Default maximum value length (godropbox's normal client), bytes. */
export const DEFAULT_MAX_VALUE_LENGTH = 1_048_576;
/** The "large" client's limit (godropbox `NewLargeRawBinaryClient`), bytes. */
export const LARGE_MAX_VALUE_LENGTH = 5_242_880;
/** Counter expiration meaning "do not create a missing key". */
export const NO_CREATE_EXPIRATION = 0xffffffff;

// In /u mode a surrogate pair is one code point, so \p{Cs} matches lone surrogates only.
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The UTF-8 byte length of a valid key, or -1 when the key is invalid: empty (memcached closes
 * the connection on an empty binary key), longer than 250 bytes, holding a byte in 0x00..0x20 or
 * 0x7F, or not well-formed UTF-16 (lone surrogates would not round-trip).
 */
export function keyByteLength(key: string): number {
	const n = key.length;
	if (n === 0 || n > MAX_KEY_LENGTH) {
		if (n === 0 || n > MAX_KEY_LENGTH * 3) return -1;
	}
	let ascii = true;
	for (let i = 0; i < n; i++) {
		const c = key.charCodeAt(i);
		if (c <= 0x20 || c === 0x7f) return -1;
		if (c > 0x7f) ascii = false;
	}
	if (ascii) return n <= MAX_KEY_LENGTH ? n : -1;
	// Code points >= 0x80 encode to bytes >= 0x80 only, so only the length and well-formedness
	// remain to check.
	if (LONE_SURROGATE.test(key)) return -1;
	const bytes = Buffer.byteLength(key, "utf8");
	return bytes <= MAX_KEY_LENGTH ? bytes : -1;
}

/** Whether the key passes {@link keyByteLength}. */
export function isValidKey(key: string): boolean {
	return keyByteLength(key) >= 0;
}

/** Whether a number is a uint32. */
export function isUint32(n: unknown): n is number {
	return (
		typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 0xffffffff
	);
}

/** Whether a bigint fits in uint64. */
export function isUint64(n: unknown): n is bigint {
	return typeof n === "bigint" && n >= 0n && n <= 0xffffffffffffffffn;
}

/**
 * Error codes thrown by `@godropbox-ts/hash2`.
 *
 * hash2 depends on nothing, so it throws the built-in `RangeError` (a value of the right type
 * but outside the accepted domain) and `TypeError` (a value of the wrong type), each carrying a
 * stable `code` string. Match on `code`, not on the message.
 */
export const HASH2_ERROR_CODES = Object.freeze({
	/** A key is not a uint64 (`bigint` in 0..2^64−1, or a non-negative safe-integer `number`). */
	INVALID_KEY: "ERR_HASH2_INVALID_KEY",
	/** `numShards` is not an integer in the function's accepted range. */
	INVALID_NUM_SHARDS: "ERR_HASH2_INVALID_NUM_SHARDS",
	/** A uint32 argument (key half, folded key, seed) is not an integer in 0..2^32−1. */
	INVALID_UINT32: "ERR_HASH2_INVALID_UINT32",
	/** A byte-array argument is not a `Uint8Array` (or a string where one is accepted). */
	INVALID_BYTES: "ERR_HASH2_INVALID_BYTES",
	/** A ring/rendezvous server or node entry is malformed (empty, duplicate, bad name). */
	INVALID_NODE: "ERR_HASH2_INVALID_NODE",
	/** A weight is not a finite positive number (integer where the algorithm requires one). */
	INVALID_WEIGHT: "ERR_HASH2_INVALID_WEIGHT",
	/** An option object holds a value of the wrong type or outside its range. */
	INVALID_OPTION: "ERR_HASH2_INVALID_OPTION",
	/** A lookup was made on a ring or node set with no members. */
	EMPTY: "ERR_HASH2_EMPTY",
} as const);

/** Union of every `code` string hash2 can throw. */
export type Hash2ErrorCode =
	(typeof HASH2_ERROR_CODES)[keyof typeof HASH2_ERROR_CODES];

/** A `RangeError` thrown by hash2; `code` tells which argument was out of range. */
export interface Hash2RangeError extends RangeError {
	readonly code: Hash2ErrorCode;
}

/** A `TypeError` thrown by hash2; `code` tells which argument had the wrong type. */
export interface Hash2TypeError extends TypeError {
	readonly code: Hash2ErrorCode;
}

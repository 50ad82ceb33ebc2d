import { HASH2_ERROR_CODES } from "../errors.js";
import { describe, rangeError, typeError } from "./errors.js";

/** Largest shard count godropbox's `ConsistentHash` accepts (its parameter is a uint16). */
export const MAX_CONSISTENT_HASH_SHARDS = 65535;

/** @internal 2^64 − 1. */
export const MAX_UINT64 = 0xffff_ffff_ffff_ffffn;

/** @internal Throws the right error for a `numShards` that failed a fast range check. */
export function throwNumShards(numShards: unknown, max: number): never {
	if (typeof numShards !== "number") {
		throw typeError(
			HASH2_ERROR_CODES.INVALID_NUM_SHARDS,
			`numShards must be a number, got ${describe(numShards)}`,
		);
	}
	throw rangeError(
		HASH2_ERROR_CODES.INVALID_NUM_SHARDS,
		`numShards must be an integer in 0..${max}, got ${describe(numShards)}`,
	);
}

/** @internal Throws the right error for an argument that should have been a uint32. */
export function throwUint32(name: string, value: unknown): never {
	if (typeof value !== "number") {
		throw typeError(
			HASH2_ERROR_CODES.INVALID_UINT32,
			`${name} must be a number (uint32), got ${describe(value)}`,
		);
	}
	throw rangeError(
		HASH2_ERROR_CODES.INVALID_UINT32,
		`${name} must be an integer in 0..4294967295, got ${describe(value)}`,
	);
}

/** @internal Throws the right error for a key that is not a uint64. */
export function throwKey(key: unknown): never {
	if (typeof key === "bigint") {
		throw rangeError(
			HASH2_ERROR_CODES.INVALID_KEY,
			`key must be a bigint in 0..2^64-1, got ${describe(key)}`,
		);
	}
	if (typeof key === "number") {
		throw rangeError(
			HASH2_ERROR_CODES.INVALID_KEY,
			`a number key must be a non-negative safe integer (use a bigint above 2^53-1), got ${describe(key)}`,
		);
	}
	throw typeError(
		HASH2_ERROR_CODES.INVALID_KEY,
		`key must be a bigint or a number, got ${describe(key)}`,
	);
}

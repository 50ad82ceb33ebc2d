import { createHash } from "node:crypto";
import { HASH2_ERROR_CODES } from "./errors.js";
import { describe, typeError } from "./internal/errors.js";

function checkBytes(name: string, value: unknown): void {
	if (!(value instanceof Uint8Array)) {
		throw typeError(
			HASH2_ERROR_CODES.INVALID_BYTES,
			`${name} must be a Uint8Array, got ${describe(value)}`,
		);
	}
}

/**
 * The 16-byte MD5 digest of `data` (godropbox: hash2/checksum.go `ComputeMd5Checksum`).
 *
 * For detecting accidental corruption only — MD5 is broken as a cryptographic hash.
 *
 * @param data - the bytes to digest
 * @returns a new 16-byte `Uint8Array` (raw digest, not hex)
 * @throws TypeError `ERR_HASH2_INVALID_BYTES` when `data` is not a `Uint8Array`
 * @example
 * ```ts
 * computeMd5Checksum(new TextEncoder().encode("it just works")); // 71 70 bd 5a … dc
 * ```
 */
export function computeMd5Checksum(data: Uint8Array): Uint8Array {
	checkBytes("data", data);
	const digest = createHash("md5").update(data).digest();
	return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
}

/**
 * Whether `sum` is the MD5 digest of `data`, byte for byte
 * (godropbox: hash2/checksum.go `ValidateMd5Checksum`).
 *
 * A `sum` of any length other than 16 is `false`. Not constant-time, like godropbox's: MD5
 * here detects accidental corruption and is never a security check.
 *
 * @param data - the bytes that were summed
 * @param sum - the expected 16-byte digest
 * @returns `true` iff `MD5(data)` equals `sum`
 * @throws TypeError `ERR_HASH2_INVALID_BYTES` when either argument is not a `Uint8Array`
 */
export function validateMd5Checksum(
	data: Uint8Array,
	sum: Uint8Array,
): boolean {
	checkBytes("data", data);
	checkBytes("sum", sum);
	if (sum.length !== 16) return false;
	const digest = createHash("md5").update(data).digest();
	for (let i = 0; i < 16; i++) if (digest[i] !== sum[i]) return false;
	return true;
}

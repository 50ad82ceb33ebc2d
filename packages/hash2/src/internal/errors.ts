import type {
	Hash2ErrorCode,
	Hash2RangeError,
	Hash2TypeError,
} from "../errors.js";

/** Builds a `RangeError` carrying `code` (kept out of hot paths: only on failure). */
export function rangeError(
	code: Hash2ErrorCode,
	message: string,
): Hash2RangeError {
	const err = new RangeError(`${message} (${code})`) as RangeError & {
		code: Hash2ErrorCode;
	};
	err.code = code;
	return err;
}

/** Builds a `TypeError` carrying `code`. */
export function typeError(
	code: Hash2ErrorCode,
	message: string,
): Hash2TypeError {
	const err = new TypeError(`${message} (${code})`) as TypeError & {
		code: Hash2ErrorCode;
	};
	err.code = code;
	return err;
}

/** Describes a value for an error message without calling user code. */
export function describe(value: unknown): string {
	if (typeof value === "bigint") return `${value}n`;
	if (typeof value === "string") return JSON.stringify(value.slice(0, 64));
	if (typeof value === "number") return String(value);
	if (value === null) return "null";
	return typeof value;
}

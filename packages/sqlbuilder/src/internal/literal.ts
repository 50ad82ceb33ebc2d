import { SqlBuilderError, SqlBuilderErrorCode } from "../errors.js";

/** A value that can become a SQL literal. */
export type LiteralValue =
	| number
	| bigint
	| string
	| boolean
	| Uint8Array
	| Date
	| null;

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

function typeName(v: unknown): string {
	if (v === null) return "null";
	if (typeof v !== "object") return typeof v;
	return (v as object).constructor?.name ?? "object";
}

function describe(v: unknown): string {
	try {
		return typeof v === "symbol" ? v.toString() : String(v);
	} catch {
		return "?";
	}
}

/** godropbox: expression.go `Literal` panics with `Invalid literal value` wrapping the reason. */
export function invalidLiteral(reason: string): SqlBuilderError {
	return new SqlBuilderError(
		SqlBuilderErrorCode.INVALID_LITERAL,
		`Invalid literal value\n${reason}`,
	);
}

/**
 * Checks that `v` has a literal form and returns it normalised (`undefined` → `null`, Buffer kept).
 * Throws at construction time, as godropbox's `Literal` panics.
 */
export function checkLiteral(v: unknown): LiteralValue {
	switch (typeof v) {
		case "string":
		case "boolean":
			return v;
		case "number":
			if (!Number.isFinite(v))
				throw invalidLiteral(`Non-finite number ${v} has no SQL literal form`);
			return v;
		case "bigint":
			if (v < INT64_MIN || v > UINT64_MAX)
				throw invalidLiteral(
					`Integer ${v} is outside the range -2^63 .. 2^64-1 that MySQL can store`,
				);
			return v;
		case "undefined":
			return null;
		case "object":
			if (v === null || v instanceof Uint8Array) return v;
			if (v instanceof Date) {
				if (Number.isNaN(v.getTime()))
					throw invalidLiteral("Invalid Date has no SQL literal form");
				return v;
			}
			break;
	}
	throw invalidLiteral(
		`Unsupported bind variable type ${typeName(v)}: ${describe(v)}`,
	);
}

/**
 * Expands JavaScript's exponent notation into plain digits, as Go's
 * `strconv.FormatFloat(f, 'f', -1, 64)` prints them (godropbox: sqltypes.go).
 */
export function formatNumber(n: number): string {
	if (Object.is(n, -0)) return "-0";
	const s = String(n);
	const e = s.indexOf("e");
	if (e < 0) return s;
	const neg = s.charCodeAt(0) === 45;
	const mantissa = s.slice(neg ? 1 : 0, e);
	const exp = Number(s.slice(e + 1));
	const dot = mantissa.indexOf(".");
	const digits =
		dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
	const intLen = (dot < 0 ? mantissa.length : dot) + exp;
	let out: string;
	if (intLen >= digits.length)
		out = digits + "0".repeat(intLen - digits.length);
	else if (intLen <= 0) out = `0.${"0".repeat(-intLen)}${digits}`;
	else out = `${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
	return neg ? `-${out}` : out;
}

// godropbox: sqltypes.go `SqlEncodeMap` — the bytes written as backslash sequences.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL, BS and Ctrl-Z are exactly what MySQL needs escaped
const NEEDS_ESCAPE = /[\0'"\b\n\r\t\x1a\\]/;

/**
 * MySQL string literal with backslash escapes, byte-identical to godropbox's `encodeSql`.
 * A backslash directly followed by `%` or `_` is kept as is so that LIKE patterns from
 * `escapeForLike` survive (godropbox: sqltypes.go `String.encodeSql`).
 */
export function mysqlString(s: string): string {
	if (!NEEDS_ESCAPE.test(s)) return `'${s}'`;
	let out = "'";
	let start = 0;
	const n = s.length;
	for (let i = 0; i < n; i++) {
		let rep: string;
		switch (s.charCodeAt(i)) {
			case 0:
				rep = "\\0";
				break;
			case 39:
				rep = "\\'";
				break;
			case 34:
				rep = '\\"';
				break;
			case 8:
				rep = "\\b";
				break;
			case 10:
				rep = "\\n";
				break;
			case 13:
				rep = "\\r";
				break;
			case 9:
				rep = "\\t";
				break;
			case 26:
				rep = "\\Z";
				break;
			case 92: {
				const next = s.charCodeAt(i + 1);
				if (next === 37 || next === 95) continue;
				rep = "\\\\";
				break;
			}
			default:
				continue;
		}
		out += s.slice(start, i) + rep;
		start = i + 1;
	}
	return `${out}${s.slice(start)}'`;
}

/** Standard SQL string (PostgreSQL, SQLite): the quote doubled, backslash literal. */
export function standardString(s: string): string {
	return `'${s.replaceAll("'", "''")}'`;
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, "0"));

/** Lowercase hex digits of the bytes. */
export function hex(bytes: Uint8Array): string {
	let out = "";
	for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i] as number];
	return out;
}

function pad(n: number, width: number): string {
	return String(n).padStart(width, "0");
}

/**
 * `YYYY-MM-DD HH:MM:SS.ffffff` from the Date's UTC fields (a Date has no zone; godropbox wrote
 * the wall clock of the value's zone). Milliseconds are padded to six digits.
 */
export function formatDateTime(d: Date): string {
	return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}000`;
}

// The memcached text protocol as pure functions over Buffers.
// godropbox: memcache/raw_ascii_client.go (spec §6). Same shape as binary-codec.ts.
import { ProtocolViolation } from "./violation.js";
import type { Writer } from "./writer.js";

/** Longest reply line accepted (godropbox's reader buffer is 4 KiB; a VALUE line is < 300 B). */
export const MAX_LINE_LENGTH = 8192;

/**
 * `gets k1 k2 …\r\n` (keys already validated and de-duplicated). The command is one string
 * written with one call: a native write per key costs more than the join.
 */
export function encodeGets(
	w: Writer,
	keys: readonly string[],
	keyLengths: readonly number[],
): void {
	let total = 6;
	for (let i = 0; i < keys.length; i++) total += 1 + (keyLengths[i] as number);
	w.ensure(total);
	// Writer.str encodes all-ASCII text (byte length = string length) as latin1, else UTF-8.
	w.str(
		keys.length === 1 ? `gets ${keys[0]}\r\n` : `gets ${keys.join(" ")}\r\n`,
		total,
	);
}

/**
 * A storage command: `<cmd> <key> <flags> <exp> <bytes>[ <cas>]\r\n<data>\r\n`. `cmd` is set,
 * add, replace, append, prepend or cas (the CAS is written only for cas).
 */
export function encodeStore(
	w: Writer,
	cmd: string,
	key: string,
	keyLength: number,
	flags: number,
	expiration: number,
	value: Uint8Array,
	cas: bigint,
): void {
	const tail =
		cmd === "cas"
			? ` ${flags} ${expiration} ${value.length} ${cas}\r\n`
			: ` ${flags} ${expiration} ${value.length}\r\n`;
	w.ensure(cmd.length + 1 + keyLength);
	w.str(cmd, cmd.length);
	w.u8(0x20);
	w.str(key, keyLength);
	w.ascii(tail);
	w.bytes(value);
	w.ensure(2);
	w.u8(0x0d);
	w.u8(0x0a);
}

/** `delete <key>\r\n`. */
export function encodeDelete(w: Writer, key: string, keyLength: number): void {
	w.ensure(9 + keyLength);
	w.str("delete ", 7);
	w.str(key, keyLength);
	w.u8(0x0d);
	w.u8(0x0a);
}

/** `incr <key> <delta>\r\n` / `decr …` (the text protocol has no seed value). */
export function encodeCounter(
	w: Writer,
	cmd: "incr" | "decr",
	key: string,
	keyLength: number,
	delta: bigint,
): void {
	w.ensure(5 + keyLength);
	w.str(cmd, 4);
	w.u8(0x20);
	w.str(key, keyLength);
	w.ascii(` ${delta}\r\n`);
}

/** `flush_all <delay>\r\n`. */
export function encodeFlush(w: Writer, expiration: number): void {
	w.ascii(`flush_all ${expiration}\r\n`);
}

/** `stats\r\n` (the default group only, as godropbox). */
export function encodeStats(w: Writer): void {
	w.ascii("stats\r\n");
}

/** `version\r\n`. */
export function encodeVersion(w: Writer): void {
	w.ascii("version\r\n");
}

/** `verbosity <level>\r\n`. */
export function encodeVerbosity(w: Writer, level: number): void {
	w.ascii(`verbosity ${level}\r\n`);
}

// ---- replies ----

/**
 * The index of the `\r` ending the line that starts at `off`, or -1 when the line is not
 * complete yet. Throws on a bare `\n` or a line longer than {@link MAX_LINE_LENGTH}.
 */
export function lineEnd(buf: Buffer, off: number): number {
	const lf = buf.indexOf(0x0a, off);
	if (lf < 0) {
		if (buf.length - off > MAX_LINE_LENGTH)
			throw new ProtocolViolation("Reply line too long");
		return -1;
	}
	if (lf === off || buf[lf - 1] !== 0x0d)
		throw new ProtocolViolation("Reply line not terminated by CRLF");
	return lf - 1;
}

/** Whether `buf[off..end)` equals the ASCII text `s`. */
export function lineIs(
	buf: Buffer,
	off: number,
	end: number,
	s: string,
): boolean {
	if (end - off !== s.length) return false;
	for (let i = 0; i < s.length; i++)
		if (buf[off + i] !== s.charCodeAt(i)) return false;
	return true;
}

/** Whether the line is one of the server's error replies. */
export function isErrorLine(line: string): boolean {
	return (
		line === "ERROR" ||
		line.startsWith("ERROR ") ||
		line.startsWith("CLIENT_ERROR") ||
		line.startsWith("SERVER_ERROR")
	);
}

/** Parses an unsigned decimal of at most 20 digits, or returns -1n. */
export function parseU64(s: string): bigint {
	if (s.length === 0 || s.length > 20) return -1n;
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c < 0x30 || c > 0x39) return -1n;
	}
	const v = BigInt(s);
	return v > 0xffffffffffffffffn ? -1n : v;
}

/** Parses an unsigned decimal uint32, or returns -1. */
export function parseU32(s: string): number {
	if (s.length === 0 || s.length > 10) return -1;
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		if (c < 0x30 || c > 0x39) return -1;
	}
	const v = Number(s);
	return v > 0xffffffff ? -1 : v;
}

/** A parsed `VALUE <key> <flags> <bytes> <cas>` line. */
export interface ValueLine {
	readonly key: string;
	readonly flags: number;
	readonly bytes: number;
	readonly cas: bigint;
}

/** Parses a VALUE line (`buf[off..end)`, without CRLF); throws when malformed. */
export function parseValueLine(
	buf: Buffer,
	off: number,
	end: number,
): ValueLine {
	const h = new ValueHeader();
	const n = scanValueHeader(buf, off, h);
	if (n !== end + 2 - off)
		throw new ProtocolViolation(
			`Malformed VALUE line: ${JSON.stringify(buf.toString("utf8", off, end))}`,
		);
	return {
		key: buf.toString("utf8", h.keyStart, h.keyEnd),
		flags: h.flags,
		bytes: h.bytes,
		cas: h.cas,
	};
}

/**
 * The fields of a `VALUE <key> <flags> <bytes> <cas>\r\n` header as {@link scanValueHeader}
 * leaves them: byte positions of the key (no string is made for it) and the numbers. One
 * instance is reused for every block of a reply.
 */
export class ValueHeader {
	keyStart = 0;
	keyEnd = 0;
	/** Whether the key equals the `expected` key passed to {@link scanValueHeader}. */
	matched = false;
	flags = 0;
	bytes = 0;
	cas = 0n;
}

const SP = 0x20;
const CR = 0x0d;
const LF = 0x0a;
/** "VALUE " */
const VALUE_PREFIX = [0x56, 0x41, 0x4c, 0x55, 0x45, 0x20] as const;

function malformed(buf: Buffer, off: number): never {
	const lf = buf.indexOf(LF, off);
	const end = lf < 0 ? Math.min(buf.length, off + 300) : lf;
	throw new ProtocolViolation(
		`Malformed VALUE line: ${JSON.stringify(buf.toString("utf8", off, end))}`,
	);
}

/**
 * Scans a `VALUE` header line of a `gets` reply straight from the bytes (no line string, no
 * split): fills `h` and returns the header's length including its CRLF; returns 0 when the line
 * is not complete yet, and -1 when the bytes at `off` do not start with `VALUE ` (the caller
 * decides what other line it may be). Throws `ProtocolViolation` on a malformed header: missing
 * or non-decimal fields, flags/bytes beyond uint32, a CAS beyond uint64, or no CRLF after the CAS
 * (protocol.txt: `VALUE <key> <flags> <bytes> [<cas unique>]\r\n`; `gets` always sends the CAS).
 *
 * `expected`: the key most likely echoed here (memcached answers hits in request order), when it
 * is ASCII (its UTF-8 bytes are its char codes). If the key's bytes equal it, they are checked
 * in the same pass that finds their end and `h.matched` is set; otherwise the key is scanned as
 * any other and `h.matched` is false.
 */
export function scanValueHeader(
	buf: Buffer,
	off: number,
	h: ValueHeader,
	expected?: string,
): number {
	const len = buf.length;
	if (len - off < 6) {
		for (let i = off; i < len; i++)
			if (buf[i] !== VALUE_PREFIX[i - off]) return -1;
		return 0;
	}
	if (
		buf[off] !== 0x56 ||
		buf[off + 1] !== 0x41 ||
		buf[off + 2] !== 0x4c ||
		buf[off + 3] !== 0x55 ||
		buf[off + 4] !== 0x45 ||
		buf[off + 5] !== SP
	)
		return -1;
	const keyStart = off + 6;
	let p = keyStart;
	let c = 0;
	let matched = false;
	if (
		expected !== undefined &&
		expected.length > 0 &&
		keyStart + expected.length < len
	) {
		// A validated key has no control bytes or spaces: equal bytes followed by a space are
		// a well-formed key, and it is this one.
		const kl = expected.length;
		let i = 0;
		while (i < kl && buf[keyStart + i] === expected.charCodeAt(i)) i++;
		if (i === kl && buf[keyStart + kl] === SP) {
			matched = true;
			p = keyStart + kl;
		}
	}
	if (!matched) {
		// Key: up to the next space (memcached echoes the key as it was sent).
		for (;;) {
			if (p >= len) return incomplete(buf, off);
			c = buf[p] as number;
			if (c === SP) break;
			if (c <= SP || c === 0x7f) malformed(buf, off);
			p++;
		}
		if (p === keyStart) malformed(buf, off);
	}
	const keyEnd = p++;
	// Flags: decimal uint32, then a space.
	let flags = 0;
	let digits = 0;
	for (;;) {
		if (p >= len) return incomplete(buf, off);
		c = (buf[p] as number) - 0x30;
		if (c < 0 || c > 9) break;
		flags = flags * 10 + c;
		digits++;
		p++;
	}
	if (digits === 0 || digits > 10 || flags > 0xffffffff || buf[p] !== SP)
		malformed(buf, off);
	p++;
	// Bytes: decimal uint32, then a space.
	let bytes = 0;
	digits = 0;
	for (;;) {
		if (p >= len) return incomplete(buf, off);
		c = (buf[p] as number) - 0x30;
		if (c < 0 || c > 9) break;
		bytes = bytes * 10 + c;
		digits++;
		p++;
	}
	if (digits === 0 || digits > 10 || bytes > 0xffffffff || buf[p] !== SP)
		malformed(buf, off);
	p++;
	// CAS: decimal uint64, then CRLF. Up to 15 digits fit a double exactly.
	const casStart = p;
	let cas = 0;
	for (;;) {
		if (p >= len) return incomplete(buf, off);
		c = (buf[p] as number) - 0x30;
		if (c < 0 || c > 9) break;
		cas = cas * 10 + c;
		p++;
	}
	digits = p - casStart;
	if (digits === 0 || digits > 20 || buf[p] !== CR) malformed(buf, off);
	if (p + 1 >= len) return incomplete(buf, off);
	if (buf[p + 1] !== LF) malformed(buf, off);
	let big: bigint;
	// Up to 9 digits is an int32: V8 makes a BigInt of an int32 several times faster than of a
	// double (measured 2 vs 14 ns), and a CAS is a counter, so this is the common case.
	if (digits <= 9) big = BigInt(cas | 0);
	else if (digits <= 15) big = BigInt(cas);
	else {
		big = BigInt(buf.toString("latin1", casStart, p));
		if (big > 0xffffffffffffffffn) malformed(buf, off);
	}
	h.keyStart = keyStart;
	h.keyEnd = keyEnd;
	h.matched = matched;
	h.flags = flags;
	h.bytes = bytes;
	h.cas = big;
	return p + 2 - off;
}

/** "Need more bytes" for a header still arriving; a header can never be this long. */
function incomplete(buf: Buffer, off: number): number {
	if (buf.length - off > MAX_LINE_LENGTH)
		throw new ProtocolViolation("Reply line too long");
	return 0;
}

// The memcached text protocol as pure functions over Buffers.
// godropbox: memcache/raw_ascii_client.go (spec §6). Same shape as binary-codec.ts.
import { ProtocolViolation } from "./violation.js";
import type { Writer } from "./writer.js";

/** Longest reply line accepted (godropbox's reader buffer is 4 KiB; a VALUE line is < 300 B). */
export const MAX_LINE_LENGTH = 8192;

/** `gets k1 k2 …\r\n` (keys already validated and de-duplicated). */
export function encodeGets(
	w: Writer,
	keys: readonly string[],
	keyLengths: readonly number[],
): void {
	let total = 6;
	for (let i = 0; i < keys.length; i++) total += 1 + (keyLengths[i] as number);
	w.ensure(total);
	w.str("gets", 4);
	for (let i = 0; i < keys.length; i++) {
		w.u8(0x20);
		w.str(keys[i] as string, keyLengths[i] as number);
	}
	w.u8(0x0d);
	w.u8(0x0a);
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
	const line = buf.toString("utf8", off, end);
	const parts = line.split(" ");
	if (parts.length !== 5 || parts[0] !== "VALUE")
		throw new ProtocolViolation(
			`Unexpected line in get response: ${JSON.stringify(line)}`,
		);
	const flags = parseU32(parts[2] as string);
	const bytes = parseU32(parts[3] as string);
	const cas = parseU64(parts[4] as string);
	if (flags < 0 || bytes < 0 || cas < 0n)
		throw new ProtocolViolation(
			`Malformed VALUE line: ${JSON.stringify(line)}`,
		);
	return { key: parts[1] as string, flags, bytes, cas };
}

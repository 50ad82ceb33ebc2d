// The memcached meta text protocol (mg/ms/md/ma/mn) as pure functions over Buffers.
// Reference: memcached 1.6.18 doc/protocol.txt, "Meta Commands" and the sections after it.
// Same shape as ascii-codec.ts: encoders write into a Writer, decoders read from a Buffer.
import { isErrorLine, lineEnd, parseU64 } from "./ascii-codec.js";
import { keyByteLength, MAX_KEY_LENGTH } from "./validate.js";
import { ProtocolViolation } from "./violation.js";
import type { Writer } from "./writer.js";

/**
 * Longest binary key sent base64-encoded: memcached checks the *encoded* token against its
 * 250-byte key limit before decoding it ("CLIENT_ERROR bad command line format" otherwise), and
 * 186 bytes encode to 248 characters (checked on 1.6.18).
 */
export const MAX_BASE64_KEY_BYTES = 186;

/** A key as it goes on the wire. */
export interface MetaKeyToken {
	/** The key itself (`base64: false`) or its base64 encoding. */
	readonly token: string;
	/** Byte length of `token` on the wire. */
	readonly length: number;
	/** Whether the `b` flag must accompany the key. */
	readonly base64: boolean;
}

const LONE_SURROGATE = /\p{Cs}/u;

function isPlainByte(c: number): boolean {
	return c > 0x20 && c < 0x7f;
}

/**
 * The wire form of a key. A string that is a valid text-protocol key (1..250 bytes, no spaces or
 * control bytes) is sent as is; any other string (by its UTF-8 bytes) or byte array is sent
 * base64-encoded with the `b` flag ("interpret key as base64 encoded binary value"), unless the
 * bytes are printable ASCII, in which case they are sent as is (the server stores the decoded
 * bytes either way, so both forms name the same item). Returns `undefined` for an empty key,
 * more than {@link MAX_BASE64_KEY_BYTES} bytes that need base64, or a string with lone
 * surrogates.
 */
export function metaKeyToken(
	key: string | Uint8Array,
): MetaKeyToken | undefined {
	let bytes: Uint8Array;
	if (typeof key === "string") {
		const kl = keyByteLength(key);
		if (kl >= 0) return { token: key, length: kl, base64: false };
		if (key.length === 0 || LONE_SURROGATE.test(key)) return undefined;
		bytes = Buffer.from(key, "utf8");
	} else {
		bytes = key;
		const n = bytes.length;
		if (n === 0) return undefined;
		if (n <= MAX_KEY_LENGTH) {
			let plain = true;
			for (let i = 0; i < n; i++)
				if (!isPlainByte(bytes[i] as number)) {
					plain = false;
					break;
				}
			if (plain) {
				const token = Buffer.from(bytes).toString("latin1");
				return { token, length: n, base64: false };
			}
		}
	}
	if (bytes.length === 0 || bytes.length > MAX_BASE64_KEY_BYTES)
		return undefined;
	const token = Buffer.from(
		bytes.buffer,
		bytes.byteOffset,
		bytes.length,
	).toString("base64");
	return { token, length: token.length, base64: true };
}

/**
 * `<cmd> <key>[ b]<flags>\r\n` for mg, md and ma. `flags` is either empty or starts with a space
 * (e.g. `" v f c t O12"`).
 */
export function encodeMetaCommand(
	w: Writer,
	cmd: "mg" | "md" | "ma",
	key: MetaKeyToken,
	flags: string,
): void {
	w.ensure(3 + key.length);
	w.u8(cmd.charCodeAt(0));
	w.u8(cmd.charCodeAt(1));
	w.u8(0x20);
	w.str(key.token, key.length);
	if (key.base64) w.ascii(" b");
	w.ascii(flags);
	w.ensure(2);
	w.u8(0x0d);
	w.u8(0x0a);
}

/** `ms <key> <datalen>[ b]<flags>\r\n<data>\r\n`. */
export function encodeMetaSet(
	w: Writer,
	key: MetaKeyToken,
	value: Uint8Array,
	flags: string,
): void {
	w.ensure(4 + key.length);
	w.u8(0x6d);
	w.u8(0x73);
	w.u8(0x20);
	w.str(key.token, key.length);
	w.u8(0x20);
	w.decimal(value.length);
	if (key.base64) w.ascii(" b");
	w.ascii(flags);
	w.ensure(2);
	w.u8(0x0d);
	w.u8(0x0a);
	w.bytes(value);
	w.ensure(2);
	w.u8(0x0d);
	w.u8(0x0a);
}

/** `mn\r\n`: answered by `MN\r\n` once every earlier command on the connection was processed. */
export function encodeMetaNoop(w: Writer): void {
	w.ensure(4);
	w.u8(0x6d);
	w.u8(0x6e);
	w.u8(0x0d);
	w.u8(0x0a);
}

/** Return codes of meta commands (protocol.txt). */
export type MetaCode = "VA" | "HD" | "EN" | "NF" | "NS" | "EX" | "MN";

/** A decoded meta reply (or an error line), with the bytes it took. */
export interface MetaReply {
	/** The return code, or `"ERR"` for ERROR / CLIENT_ERROR / SERVER_ERROR lines. */
	readonly code: MetaCode | "ERR";
	/** Bytes consumed (line, and for VA the data block and its CRLF). */
	readonly consumed: number;
	/** The error line (code `"ERR"`), else "". */
	readonly text: string;
	/** The data block of a `VA` reply (a copy), else undefined. */
	readonly value: Buffer | undefined;
	/** `O` token (we send decimal ones); NaN when the server echoed something else. */
	readonly opaque: number | undefined;
	/** `c`: the item's CAS. */
	readonly cas: bigint | undefined;
	/** `f`: client flags. */
	readonly flags: number | undefined;
	/** `t`: remaining TTL in seconds, -1 for none. */
	readonly ttl: number | undefined;
	/** `h`: whether the item had been hit before this command. */
	readonly hitBefore: boolean | undefined;
	/** `l`: seconds since the item was last accessed, before this command. */
	readonly lastAccess: number | undefined;
	/** `s`: item size. */
	readonly size: number | undefined;
	/** `k`: the key token (base64 when `base64`). */
	readonly key: string | undefined;
	/** `b` in the reply: the returned key is base64. */
	readonly base64: boolean;
	/** `W`: this client won the right to (re)cache the item. */
	readonly win: boolean;
	/** `X`: the item is stale (marked by `md … I` or a stale-CAS `ms … I`). */
	readonly stale: boolean;
	/** `Z`: a win token was already handed to another client. */
	readonly winSent: boolean;
}

interface MutableReply {
	code: MetaCode | "ERR";
	consumed: number;
	text: string;
	value: Buffer | undefined;
	opaque: number | undefined;
	cas: bigint | undefined;
	flags: number | undefined;
	ttl: number | undefined;
	hitBefore: boolean | undefined;
	lastAccess: number | undefined;
	size: number | undefined;
	key: string | undefined;
	base64: boolean;
	win: boolean;
	stale: boolean;
	winSent: boolean;
}

function bad(buf: Buffer, off: number, end: number, what: string): never {
	const line = buf.toString("latin1", off, Math.min(end, off + 200));
	throw new ProtocolViolation(
		`Malformed meta reply (${what}): ${JSON.stringify(line)}`,
	);
}

/** Unsigned decimal in buf[from, to) (1..15 digits), or -1. */
function digits(buf: Buffer, from: number, to: number): number {
	const n = to - from;
	if (n < 1 || n > 15) return -1;
	let v = 0;
	for (let i = from; i < to; i++) {
		const c = (buf[i] as number) - 0x30;
		if (c < 0 || c > 9) return -1;
		v = v * 10 + c;
	}
	return v;
}

/** Unsigned decimal uint32 in buf[from, to), or -1. */
function u32(buf: Buffer, from: number, to: number): number {
	const v = to - from > 10 ? -1 : digits(buf, from, to);
	return v > 0xffffffff ? -1 : v;
}

/** Unsigned decimal uint64 in buf[from, to), or -1n. */
function u64(buf: Buffer, from: number, to: number): bigint {
	if (to - from <= 15) {
		const v = digits(buf, from, to);
		// An int32 takes V8's fast BigInt path (see scanValueHeader).
		return v < 0 ? -1n : v <= 0x7fffffff ? BigInt(v | 0) : BigInt(v);
	}
	return parseU64(buf.toString("latin1", from, to));
}

function code(a: number, b: number): MetaCode | undefined {
	switch ((a << 8) | b) {
		case 0x5641:
			return "VA";
		case 0x4844:
			return "HD";
		case 0x454e:
			return "EN";
		case 0x4e46:
			return "NF";
		case 0x4e53:
			return "NS";
		case 0x4558:
			return "EX";
		case 0x4d4e:
			return "MN";
		default:
			return undefined;
	}
}

/**
 * Decodes one reply starting at `buf[off]`. Returns the reply, or `0` when the line is not
 * complete, or `-n` when at least `n` bytes from `off` are needed (a VA data block). Throws
 * `ProtocolViolation` on a malformed reply. Return flags are read in any order (protocol.txt:
 * "returned in the same order as they were in the original command, though this is not
 * strict" — 1.6.18 indeed answers `ma … t c O6` with `O6 t-1 c4`).
 */
export function decodeMetaReply(buf: Buffer, off: number): MetaReply | number {
	const e = lineEnd(buf, off);
	if (e < 0) return 0;
	const r: MutableReply = {
		code: "ERR",
		consumed: e + 2 - off,
		text: "",
		value: undefined,
		opaque: undefined,
		cas: undefined,
		flags: undefined,
		ttl: undefined,
		hitBefore: undefined,
		lastAccess: undefined,
		size: undefined,
		key: undefined,
		base64: false,
		win: false,
		stale: false,
		winSent: false,
	};
	const c =
		e - off >= 2 && (e - off === 2 || buf[off + 2] === 0x20)
			? code(buf[off] as number, buf[off + 1] as number)
			: undefined;
	if (c === undefined) {
		const line = buf.toString("latin1", off, e);
		if (!isErrorLine(line)) bad(buf, off, e, "unknown return code");
		r.text = line;
		return r;
	}
	r.code = c;
	let pos = off + 2;
	let dataLength = -1;
	if (c === "VA") {
		if (pos >= e) bad(buf, off, e, "VA without a size");
		let end = buf.indexOf(0x20, pos + 1);
		if (end < 0 || end > e) end = e;
		dataLength = u32(buf, pos + 1, end);
		if (dataLength < 0) bad(buf, off, e, "VA without a size");
		pos = end;
	} else if (c === "MN" && pos < e) bad(buf, off, e, "MN with flags");
	while (pos < e) {
		// buf[pos] is a space; the flag runs to the next space or the end of the line.
		const start = pos + 1;
		let end = buf.indexOf(0x20, start);
		if (end < 0 || end > e) end = e;
		if (end === start) bad(buf, off, e, "empty flag");
		const t = start + 1;
		switch (buf[start]) {
			case 0x4f: {
				// O: we only send decimal opaques
				const v = end - t > 10 ? -1 : digits(buf, t, end);
				r.opaque = v < 0 ? Number.NaN : v;
				break;
			}
			case 0x63: {
				// c
				const v = u64(buf, t, end);
				if (v < 0n) bad(buf, off, e, "c");
				r.cas = v;
				break;
			}
			case 0x66: {
				// f
				const v = u32(buf, t, end);
				if (v < 0) bad(buf, off, e, "f");
				r.flags = v;
				break;
			}
			case 0x74: {
				// t: seconds, or -1 for no expiry
				if (end - t === 2 && buf[t] === 0x2d && buf[t + 1] === 0x31) r.ttl = -1;
				else {
					const v = u32(buf, t, end);
					if (v < 0) bad(buf, off, e, "t");
					r.ttl = v;
				}
				break;
			}
			case 0x68: // h
				if (end - t !== 1 || (buf[t] !== 0x30 && buf[t] !== 0x31))
					bad(buf, off, e, "h");
				r.hitBefore = buf[t] === 0x31;
				break;
			case 0x6c: {
				// l
				const v = u32(buf, t, end);
				if (v < 0) bad(buf, off, e, "l");
				r.lastAccess = v;
				break;
			}
			case 0x73: {
				// s
				const v = u32(buf, t, end);
				if (v < 0) bad(buf, off, e, "s");
				r.size = v;
				break;
			}
			case 0x6b: // k
				r.key = buf.toString("latin1", t, end);
				break;
			case 0x62: // b
				r.base64 = true;
				break;
			case 0x57: // W
				r.win = true;
				break;
			case 0x58: // X
				r.stale = true;
				break;
			case 0x5a: // Z
				r.winSent = true;
				break;
			default:
				bad(
					buf,
					off,
					e,
					`unexpected flag ${String.fromCharCode(buf[start] as number)}`,
				);
		}
		pos = end;
	}
	if (dataLength >= 0) {
		const start = e + 2;
		const need = start - off + dataLength + 2;
		if (buf.length - off < need) return -need;
		const end = start + dataLength;
		if (buf[end] !== 0x0d || buf[end + 1] !== 0x0a)
			throw new ProtocolViolation("Data block not terminated by CRLF");
		const value = Buffer.allocUnsafe(dataLength);
		buf.copy(value, 0, start, end);
		r.value = value;
		r.consumed = need;
	}
	return r;
}

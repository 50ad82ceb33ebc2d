// The memcached binary protocol as pure functions over Buffers.
// godropbox: memcache/raw_binary_client.go (frame layout, opcodes, response validation §5.2–5.4
// of the spec). Differences on purpose: a per-request `opaque` (godropbox always sends 0) that
// replies must echo, and GETQ+NOOP for multi-gets.

import {
	newCountResponse,
	newGetResponse,
	newMutateResponse,
} from "../responses.js";
import { ResponseStatus } from "../status.js";
import type { CountResponse, GetResponse, MutateResponse } from "../types.js";
import { ProtocolViolation } from "./violation.js";
import type { Writer } from "./writer.js";

export const REQUEST_MAGIC = 0x80;
export const RESPONSE_MAGIC = 0x81;
export const HEADER_LENGTH = 24;

/** Binary opcodes (spec §5.3). */
export const Opcode = {
	Get: 0x00,
	Set: 0x01,
	Add: 0x02,
	Replace: 0x03,
	Delete: 0x04,
	Increment: 0x05,
	Decrement: 0x06,
	Quit: 0x07,
	Flush: 0x08,
	GetQ: 0x09,
	NoOp: 0x0a,
	Version: 0x0b,
	GetK: 0x0c,
	GetKQ: 0x0d,
	Append: 0x0e,
	Prepend: 0x0f,
	Stat: 0x10,
	SetQ: 0x11,
	AddQ: 0x12,
	ReplaceQ: 0x13,
	DeleteQ: 0x14,
	Verbosity: 0x1b,
} as const;

function header(
	w: Writer,
	opcode: number,
	keyLength: number,
	extrasLength: number,
	bodyLength: number,
	opaque: number,
	cas: bigint,
): void {
	w.u8(REQUEST_MAGIC);
	w.u8(opcode);
	w.u16(keyLength);
	w.u8(extrasLength);
	w.u8(0); // data type
	w.u16(0); // vbucket
	w.u32(bodyLength);
	w.u32(opaque);
	w.u64(cas);
}

/** GET / GETQ / GETK / GETKQ of one key. `keyLength` is the key's UTF-8 byte length. */
export function encodeGet(
	w: Writer,
	key: string,
	keyLength: number,
	opaque = 0,
	opcode: number = Opcode.Get,
): void {
	w.ensure(HEADER_LENGTH + keyLength);
	header(w, opcode, keyLength, 0, keyLength, opaque, 0n);
	w.str(key, keyLength);
}

/** SET / ADD / REPLACE: extras flags(4) + expiration(4), then key and value. */
export function encodeStore(
	w: Writer,
	opcode: number,
	key: string,
	keyLength: number,
	value: Uint8Array,
	flags: number,
	expiration: number,
	cas: bigint,
	opaque = 0,
): void {
	w.ensure(HEADER_LENGTH + 8 + keyLength);
	header(w, opcode, keyLength, 8, 8 + keyLength + value.length, opaque, cas);
	w.u32(flags);
	w.u32(expiration);
	w.str(key, keyLength);
	w.bytes(value);
}

/** APPEND / PREPEND: no extras, CAS 0. */
export function encodeConcat(
	w: Writer,
	opcode: number,
	key: string,
	keyLength: number,
	value: Uint8Array,
	opaque = 0,
): void {
	w.ensure(HEADER_LENGTH + keyLength);
	header(w, opcode, keyLength, 0, keyLength + value.length, opaque, 0n);
	w.str(key, keyLength);
	w.bytes(value);
}

/** DELETE of one key. */
export function encodeDelete(
	w: Writer,
	key: string,
	keyLength: number,
	opaque = 0,
): void {
	w.ensure(HEADER_LENGTH + keyLength);
	header(w, Opcode.Delete, keyLength, 0, keyLength, opaque, 0n);
	w.str(key, keyLength);
}

/** INCREMENT / DECREMENT: extras delta(8) + initial(8) + expiration(4). */
export function encodeCounter(
	w: Writer,
	opcode: number,
	key: string,
	keyLength: number,
	delta: bigint,
	initValue: bigint,
	expiration: number,
	opaque = 0,
): void {
	w.ensure(HEADER_LENGTH + 20 + keyLength);
	header(w, opcode, keyLength, 20, 20 + keyLength, opaque, 0n);
	w.u64(delta);
	w.u64(initValue);
	w.u32(expiration);
	w.str(key, keyLength);
}

/** FLUSH with its 4-byte delay. */
export function encodeFlush(w: Writer, expiration: number, opaque = 0): void {
	w.ensure(HEADER_LENGTH + 4);
	header(w, Opcode.Flush, 0, 4, 4, opaque, 0n);
	w.u32(expiration);
}

/** VERSION. */
export function encodeVersion(w: Writer, opaque = 0): void {
	w.ensure(HEADER_LENGTH);
	header(w, Opcode.Version, 0, 0, 0, opaque, 0n);
}

/** NOOP (ends a quiet batch). */
export function encodeNoop(w: Writer, opaque = 0): void {
	w.ensure(HEADER_LENGTH);
	header(w, Opcode.NoOp, 0, 0, 0, opaque, 0n);
}

/** STAT with a group name (`""` = general stats). */
export function encodeStat(
	w: Writer,
	group: string,
	groupLength: number,
	opaque = 0,
): void {
	w.ensure(HEADER_LENGTH + groupLength);
	header(w, Opcode.Stat, groupLength, 0, groupLength, opaque, 0n);
	w.str(group, groupLength);
}

/**
 * VERBOSITY with its 4-byte level. memcached 1.6 does not implement it and reads 4 more bytes
 * before answering, so the clients never pipeline it (spec §5.8).
 */
export function encodeVerbosity(w: Writer, level: number, opaque = 0): void {
	w.ensure(HEADER_LENGTH + 4);
	header(w, Opcode.Verbosity, 0, 4, 4, opaque, 0n);
	w.u32(level);
}

// ---- replies ----

/**
 * The total length of the frame starting at `off`, or `-24` when the header is incomplete.
 * Validates the magic byte and data type (spec §5.4).
 */
export function frameLength(buf: Buffer, off: number): number {
	if (buf.length - off < HEADER_LENGTH) return -HEADER_LENGTH;
	if (buf[off] !== RESPONSE_MAGIC)
		throw new ProtocolViolation(
			`Invalid response magic byte: ${buf[off] as number}`,
		);
	if (buf[off + 5] !== 0)
		throw new ProtocolViolation(`Invalid data type: ${buf[off + 5] as number}`);
	const body = buf.readUInt32BE(off + 8);
	if (body < buf.readUInt16BE(off + 2) + (buf[off + 4] as number))
		throw new ProtocolViolation(
			"Invalid response header.  Wrong payload size.",
		);
	return HEADER_LENGTH + body;
}

/** The opcode of a complete frame. */
export function frameOpcode(buf: Buffer, off: number): number {
	return buf[off + 1] as number;
}

/** The status of a complete frame. */
export function frameStatus(buf: Buffer, off: number): number {
	return buf.readUInt16BE(off + 6);
}

/** The opaque of a complete frame. */
export function frameOpaque(buf: Buffer, off: number): number {
	return buf.readUInt32BE(off + 12);
}

/** Checks opcode and opaque of a complete frame against the request it answers. */
export function expectFrame(
	buf: Buffer,
	off: number,
	opcode: number,
	opaque: number,
): void {
	if (buf[off + 1] !== opcode)
		throw new ProtocolViolation(
			`Invalid response op code: ${buf[off + 1] as number}`,
		);
	const got = buf.readUInt32BE(off + 12);
	if (got !== opaque)
		throw new ProtocolViolation(
			`Response opaque ${got} does not match request opaque ${opaque}`,
		);
}

function noExtras(buf: Buffer, off: number): void {
	if (buf[off + 4] !== 0)
		throw new ProtocolViolation("Not all bytes are consumed by extras fields");
}

/** Decodes a complete GET/GETQ reply frame for `key` (the frame's own key is skipped). */
export function decodeGet(buf: Buffer, off: number, key: string): GetResponse {
	const status = buf.readUInt16BE(off + 6);
	const extras = buf[off + 4] as number;
	if (extras === 0) {
		if (status === ResponseStatus.NoError)
			throw new ProtocolViolation("Expecting extras payload");
		return newGetResponse(key, status);
	}
	if (extras < 4)
		throw new ProtocolViolation("Not enough bytes for extras fields");
	if (extras > 4)
		throw new ProtocolViolation("Not all bytes are consumed by extras fields");
	if (status !== ResponseStatus.NoError) return newGetResponse(key, status);
	const keyLength = buf.readUInt16BE(off + 2);
	const end = off + HEADER_LENGTH + buf.readUInt32BE(off + 8);
	const flags = buf.readUInt32BE(off + HEADER_LENGTH);
	// Copy the value out: the receive buffer is reused across replies.
	const start = off + HEADER_LENGTH + 4 + keyLength;
	const value = Buffer.allocUnsafe(end - start);
	buf.copy(value, 0, start, end);
	return newGetResponse(key, 0, flags, value, buf.readBigUInt64BE(off + 16));
}

/** Decodes a complete store/delete/append reply frame: status and CAS. */
export function decodeMutate(
	buf: Buffer,
	off: number,
	key: string,
): MutateResponse {
	noExtras(buf, off);
	return newMutateResponse(
		key,
		buf.readUInt16BE(off + 6),
		buf.readBigUInt64BE(off + 16),
	);
}

/**
 * Decodes a complete INCREMENT/DECREMENT reply: an 8-byte big-endian count on NoError. A NoError
 * body shorter than 8 bytes is a client-side error (the frame itself is intact, so the
 * connection stays usable); with another status the text body is ignored.
 */
export function decodeCount(
	buf: Buffer,
	off: number,
	key: string,
): CountResponse | string {
	noExtras(buf, off);
	const status = buf.readUInt16BE(off + 6);
	if (status !== ResponseStatus.NoError) return newCountResponse(key, status);
	const body = buf.readUInt32BE(off + 8) - buf.readUInt16BE(off + 2);
	if (body < 8) return "Counter reply body shorter than 8 bytes";
	return newCountResponse(
		key,
		0,
		buf.readBigUInt64BE(off + HEADER_LENGTH + buf.readUInt16BE(off + 2)),
	);
}

/** Decodes a status-only reply (flush, verbosity). */
export function decodeStatus(buf: Buffer, off: number): number {
	noExtras(buf, off);
	return buf.readUInt16BE(off + 6);
}

/** The value bytes of a complete frame as text (version, stat value). */
export function frameValueText(buf: Buffer, off: number): string {
	const start =
		off + HEADER_LENGTH + buf.readUInt16BE(off + 2) + (buf[off + 4] as number);
	return buf.toString(
		"latin1",
		start,
		off + HEADER_LENGTH + buf.readUInt32BE(off + 8),
	);
}

/** The key bytes of a complete frame as text (stat name). */
export function frameKeyText(buf: Buffer, off: number): string {
	const start = off + HEADER_LENGTH + (buf[off + 4] as number);
	return buf.toString("latin1", start, start + buf.readUInt16BE(off + 2));
}

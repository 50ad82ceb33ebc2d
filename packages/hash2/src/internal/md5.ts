/**
 * A small allocation-free MD5 (RFC 1321) for ketama: hashing short keys through
 * `node:crypto` costs an object and a Buffer per call, which dominates a ring lookup.
 * Results land in {@link MD5_OUT} as the four little-endian state words A, B, C, D — word j
 * is digest bytes 4j..4j+3 read little-endian, which is exactly a ketama point.
 * Checked against `node:crypto` in test/unit/md5.test.ts.
 *
 * @internal
 */

/** K[i] = floor(|sin(i + 1)| · 2^32), RFC 1321 §3.4. */
const K = new Int32Array([
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a,
	0xa8304613, 0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be,
	0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340,
	0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8,
	0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
	0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
	0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92,
	0xffeff47d, 0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
	0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
]);

/** Per-step left rotations, RFC 1321 §3.4. */
const S = new Uint8Array([
	7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5,
	9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11,
	16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15,
	21,
]);

/** Message word used by step i: i, (5i+1) mod 16, (3i+5) mod 16, 7i mod 16 per round. */
const G = new Uint8Array(64);
for (let i = 0; i < 64; i++) {
	G[i] =
		i < 16
			? i
			: i < 32
				? (5 * i + 1) & 15
				: i < 48
					? (3 * i + 5) & 15
					: (7 * i) & 15;
}

/** Output: the state words A, B, C, D of the last digest. */
export const MD5_OUT = new Int32Array(4);

const M = new Int32Array(16);
const TAIL = new Uint8Array(128);
let scratch = new Uint8Array(256);
const encoder = new TextEncoder();

function block(buf: Uint8Array, off: number): void {
	for (let w = 0; w < 16; w++) {
		const o = off + w * 4;
		M[w] =
			(buf[o] as number) |
			((buf[o + 1] as number) << 8) |
			((buf[o + 2] as number) << 16) |
			((buf[o + 3] as number) << 24);
	}
	let a = MD5_OUT[0] as number;
	let b = MD5_OUT[1] as number;
	let c = MD5_OUT[2] as number;
	let d = MD5_OUT[3] as number;
	for (let i = 0; i < 64; i++) {
		let f: number;
		if (i < 16) f = (b & c) | (~b & d);
		else if (i < 32) f = (d & b) | (~d & c);
		else if (i < 48) f = b ^ c ^ d;
		else f = c ^ (b | ~d);
		f = (f + a + (K[i] as number) + (M[G[i] as number] as number)) | 0;
		a = d;
		d = c;
		c = b;
		const s = S[i] as number;
		b = (b + ((f << s) | (f >>> (32 - s)))) | 0;
	}
	MD5_OUT[0] = ((MD5_OUT[0] as number) + a) | 0;
	MD5_OUT[1] = ((MD5_OUT[1] as number) + b) | 0;
	MD5_OUT[2] = ((MD5_OUT[2] as number) + c) | 0;
	MD5_OUT[3] = ((MD5_OUT[3] as number) + d) | 0;
}

/** MD5 of `buf[0..len)` into {@link MD5_OUT}. */
export function md5Bytes(buf: Uint8Array, len: number): void {
	MD5_OUT[0] = 0x67452301;
	MD5_OUT[1] = 0xefcdab89 | 0;
	MD5_OUT[2] = 0x98badcfe | 0;
	MD5_OUT[3] = 0x10325476;
	const full = len & ~63;
	for (let off = 0; off < full; off += 64) block(buf, off);
	const rest = len - full;
	TAIL.fill(0);
	for (let i = 0; i < rest; i++) TAIL[i] = buf[full + i] as number;
	TAIL[rest] = 0x80;
	const tailLen = rest < 56 ? 64 : 128;
	// Length in bits, 64-bit little-endian (inputs here are far below 2^32 bits... but a
	// 512 MiB input would not be, so write the high word too).
	const bitsLo = (len * 8) >>> 0;
	const bitsHi = Math.floor(len / 0x20000000);
	const p = tailLen - 8;
	TAIL[p] = bitsLo & 0xff;
	TAIL[p + 1] = (bitsLo >>> 8) & 0xff;
	TAIL[p + 2] = (bitsLo >>> 16) & 0xff;
	TAIL[p + 3] = bitsLo >>> 24;
	TAIL[p + 4] = bitsHi & 0xff;
	TAIL[p + 5] = (bitsHi >>> 8) & 0xff;
	TAIL[p + 6] = (bitsHi >>> 16) & 0xff;
	TAIL[p + 7] = bitsHi >>> 24;
	block(TAIL, 0);
	if (tailLen === 128) block(TAIL, 64);
}

/** MD5 of the UTF-8 bytes of `str` into {@link MD5_OUT}; allocation-free for short keys. */
export function md5String(str: string): void {
	const max = str.length * 3;
	if (max > scratch.length) {
		scratch = new Uint8Array(Math.max(max, scratch.length * 2));
	}
	let len = 0;
	const n = str.length;
	for (; len < n; len++) {
		const c = str.charCodeAt(len);
		if (c >= 0x80) break;
		scratch[len] = c;
	}
	if (len < n) {
		len += encoder.encodeInto(str.slice(len), scratch.subarray(len)).written;
	}
	md5Bytes(scratch, len);
}

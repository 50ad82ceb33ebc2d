/**
 * Redis Cluster hash slot of a key: CRC16 (XMODEM: polynomial 0x1021, initial 0) of the key's
 * UTF-8 bytes, modulo 16384; when the key holds a non-empty `{hashtag}` (first `{`, then the
 * first `}` after it), only the tag is hashed. Redis: src/cluster.c keyHashSlot and the
 * cluster specification, "Hash tags".
 * @internal
 */
const TABLE = /* @__PURE__ */ (() => {
	const t = new Uint16Array(256);
	for (let i = 0; i < 256; i++) {
		let c = i << 8;
		for (let b = 0; b < 8; b++) c = c & 0x8000 ? (c << 1) ^ 0x1021 : c << 1;
		t[i] = c & 0xffff;
	}
	return t;
})();

/** The number of hash slots of a Redis Cluster. @internal */
export const CLUSTER_SLOTS = 16384;

function crc16(bytes: Uint8Array, start: number, end: number): number {
	let crc = 0;
	for (let i = start; i < end; i++)
		crc =
			((crc << 8) ^
				(TABLE[((crc >> 8) ^ (bytes[i] as number)) & 0xff] as number)) &
			0xffff;
	return crc;
}

function crc16Ascii(key: string, start: number, end: number): number {
	let crc = 0;
	for (let i = start; i < end; i++)
		crc =
			((crc << 8) ^
				(TABLE[((crc >> 8) ^ key.charCodeAt(i)) & 0xff] as number)) &
			0xffff;
	return crc;
}

/** The hash slot (0..16383) Redis Cluster assigns to `key`. @internal */
export function redisKeySlot(key: string): number {
	let ascii = true;
	for (let i = 0; i < key.length; i++) {
		if (key.charCodeAt(i) > 0x7f) {
			ascii = false;
			break;
		}
	}
	if (ascii) {
		let start = 0;
		let end = key.length;
		const open = key.indexOf("{");
		if (open !== -1) {
			const close = key.indexOf("}", open + 1);
			if (close > open + 1) {
				start = open + 1;
				end = close;
			}
		}
		return crc16Ascii(key, start, end) & (CLUSTER_SLOTS - 1);
	}
	const bytes = Buffer.from(key, "utf8");
	let start = 0;
	let end = bytes.length;
	const open = bytes.indexOf(0x7b);
	if (open !== -1) {
		const close = bytes.indexOf(0x7d, open + 1);
		if (close > open + 1) {
			start = open + 1;
			end = close;
		}
	}
	return crc16(bytes, start, end) & (CLUSTER_SLOTS - 1);
}

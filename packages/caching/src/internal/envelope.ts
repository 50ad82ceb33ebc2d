/**
 * One header byte in front of every value a byte-oriented storage writes (Redis): it tells an
 * item from a tombstone of the fill guard. memcached carries the same bit in its item flags.
 */
export const ITEM = 0x01;
export const TOMBSTONE = 0x00;

const TOMBSTONE_BYTES = Buffer.from([TOMBSTONE]);

/** Prefixes the encoded item with the item marker. */
export function wrapItem(bytes: Uint8Array): Buffer {
	const out = Buffer.allocUnsafe(bytes.length + 1);
	out[0] = ITEM;
	out.set(bytes, 1);
	return out;
}

/** The stored bytes of a tombstone. */
export function tombstoneBytes(): Buffer {
	return TOMBSTONE_BYTES;
}

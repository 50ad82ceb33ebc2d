import v8 from "node:v8";
import { CodecError } from "./errors.js";

/**
 * Turns items into bytes and back; shared by `MemcacheStorage` and `RedisStorage`.
 * `decode` receives exactly what `encode` produced.
 */
export interface Codec<V> {
	/** Short name, for errors. */
	readonly name: string;
	encode(item: V): Uint8Array;
	decode(bytes: Uint8Array): V;
}

const enc = new TextEncoder();
const dec = new TextDecoder("utf-8", { fatal: true });

/**
 * JSON via `JSON.stringify` / `JSON.parse` (UTF-8). Bigints, Dates, Maps do not round-trip;
 * use {@link v8Codec} for those.
 * @throws {@link CodecError} (`ERR_CACHING_CODEC`) when a value cannot be encoded or decoded.
 */
export function jsonCodec<V>(): Codec<V> {
	return {
		name: "json",
		encode(item: V): Uint8Array {
			let text: string | undefined;
			try {
				text = JSON.stringify(item);
			} catch (err) {
				throw new CodecError("json codec cannot encode the item", err);
			}
			if (text === undefined)
				throw new CodecError(`json codec cannot encode a ${typeof item}`);
			return enc.encode(text);
		},
		decode(bytes: Uint8Array): V {
			try {
				return JSON.parse(dec.decode(bytes)) as V;
			} catch (err) {
				throw new CodecError("json codec cannot decode the stored bytes", err);
			}
		},
	};
}

/** Raw bytes: items are `Uint8Array`s stored as they are (decode returns a `Buffer` view). */
export function bytesCodec(): Codec<Uint8Array> {
	return {
		name: "bytes",
		encode: (item) => {
			if (!(item instanceof Uint8Array))
				throw new CodecError(
					`bytes codec needs a Uint8Array, got ${typeof item}`,
				);
			return item;
		},
		decode: (bytes) => bytes,
	};
}

/**
 * Node's structured clone format (`v8.serialize`): bigints, Dates, Maps, Sets, typed arrays.
 * The format may change between Node major versions: flush caches when upgrading Node.
 */
export function v8Codec<V>(): Codec<V> {
	return {
		name: "v8",
		encode(item: V): Uint8Array {
			try {
				return v8.serialize(item);
			} catch (err) {
				throw new CodecError("v8 codec cannot serialize the item", err);
			}
		},
		decode(bytes: Uint8Array): V {
			try {
				return v8.deserialize(bytes) as V;
			} catch (err) {
				throw new CodecError(
					"v8 codec cannot deserialize the stored bytes",
					err,
				);
			}
		},
	};
}

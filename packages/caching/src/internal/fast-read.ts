/**
 * A private handshake between `CacheOnStorage` and storages it knows (MemcacheStorage): the
 * storage hands out its client's raw read promise and a decoder, so the hit path costs one
 * promise reaction instead of two (the storage's decode `.then` and CacheOnStorage's). Never
 * exported from the package.
 */
export const kFastRead: unique symbol = Symbol(
	"godropbox-ts:caching:fast-read",
);

/** What a storage with a fast read path implements under {@link kFastRead}. */
export interface FastRead<K, V> {
	/** Starts the read; may throw synchronously (closed storage, bad key). */
	read(key: K, signal: AbortSignal | undefined): Promise<unknown>;
	/** Decodes what `read` resolved: the item, or undefined; throws like the storage's `get`. */
	decode(raw: unknown): V | undefined;
}

/** The storage's fast read path, if it has one. */
export function fastReadOf<K, V>(storage: unknown): FastRead<K, V> | undefined {
	const f = (storage as { [kFastRead]?: FastRead<K, V> } | null)?.[kFastRead];
	return f !== undefined &&
		typeof f.read === "function" &&
		typeof f.decode === "function"
		? f
		: undefined;
}

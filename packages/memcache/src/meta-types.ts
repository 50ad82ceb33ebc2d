import type { MemcacheError } from "./errors.js";
import type { RequestOptions } from "./types.js";

/**
 * A key for the meta methods of {@link RawMetaClient}: any string or byte array. Keys the text
 * protocol cannot carry (spaces, control bytes, `\r\n`, arbitrary binary) are sent base64-encoded
 * with the `b` flag; those may be 1..186 bytes (memcached limits the encoded form to 250).
 */
export type MetaKey = string | Uint8Array;

/** Options of {@link RawMetaClient.metaGet} (memcached `mg` flags). */
export interface MetaGetOptions extends RequestOptions {
	/**
	 * Return the value (`v`). With `false` the server answers `HD` and `value` is undefined: a
	 * cheap existence/TTL/CAS probe.
	 * @defaultValue true
	 */
	readonly value?: boolean | undefined;
	/**
	 * Vivify on miss (`N<ttl>`), seconds: on a miss the server creates an empty stub item with
	 * this TTL and hands the `win` flag to exactly this caller; later callers see `otherWinner`
	 * until the winner stores the item. 0 = the stub never expires (avoid: a crashed winner then
	 * blocks the key until it is deleted). Needs memcached ≥ 1.6.0.
	 */
	readonly vivify?: number | undefined;
	/**
	 * Early recache (`R<seconds>`): when the item's remaining TTL is below this, the first caller
	 * gets `win` (later ones `otherWinner`) while everyone still gets the value.
	 */
	readonly recacheBelow?: number | undefined;
	/**
	 * Update the remaining TTL on a hit (`T<seconds>`, like `touch`/`gat`). Same units as
	 * `Item.expiration` (values above 30 days are Unix timestamps; 0 = never expires).
	 */
	readonly touch?: number | undefined;
	/** Do not bump the item in the LRU nor mark it accessed (`u`). @defaultValue false */
	readonly noBump?: boolean | undefined;
}

/** Options of {@link RawMetaClient.metaSet} (memcached `ms` flags). */
export interface MetaSetOptions extends RequestOptions {
	/**
	 * `M<mode>`: `"set"` (S), `"add"` (E), `"replace"` (R), `"append"` (A), `"prepend"` (P).
	 * @defaultValue "set"
	 */
	readonly mode?: "set" | "add" | "replace" | "append" | "prepend" | undefined;
	/**
	 * `I` (invalidate), with a CAS (`item.dataVersionId`): a CAS *older* than the item's is
	 * accepted and the stored item is marked stale (readers see `stale`), instead of failing
	 * with KeyExists.
	 * @defaultValue false
	 */
	readonly invalidate?: boolean | undefined;
}

/** Options of {@link RawMetaClient.metaDelete} (memcached `md` flags). */
export interface MetaDeleteOptions extends RequestOptions {
	/** Delete (or invalidate) only when the item's CAS equals this (`C<cas>`). 0n = always. */
	readonly cas?: bigint | undefined;
	/**
	 * `I`: instead of removing the item, mark it stale and give it a new CAS. Readers then get the
	 * old value with `stale: true`, and exactly one of them `win: true` to recache it
	 * (stale-while-revalidate). A fill that started before the invalidation and stores with its
	 * old CAS fails (KeyExists), so it cannot overwrite the invalidation.
	 * @defaultValue false
	 */
	readonly invalidate?: boolean | undefined;
	/**
	 * With `invalidate`: new TTL of the stale item in seconds (`T<ttl>`), bounding how long stale
	 * data may be served.
	 */
	readonly staleTtl?: number | undefined;
}

/** An item for {@link RawMetaClient.metaSet}; like `Item` but any {@link MetaKey}. */
export interface MetaItem {
	readonly key: MetaKey;
	readonly value: Uint8Array;
	/** Client flags (`F`), uint32. @defaultValue 0 */
	readonly flags?: number | undefined;
	/** TTL in seconds (`T`); 0 = never expires; above 30 days a Unix timestamp. @defaultValue 0 */
	readonly expiration?: number | undefined;
	/** Compare-and-swap (`C`): store only when the item's CAS equals this. 0n = none. */
	readonly dataVersionId?: bigint | undefined;
}

/** Result of {@link RawMetaClient.metaGet}. */
export interface MetaGetResponse {
	/** NoError on a hit (including a vivified stub), KeyNotFound on a miss, else an error status. */
	readonly status: number;
	readonly error: MemcacheError | undefined;
	/** The key as passed. */
	readonly key: MetaKey;
	/** The value on a hit with `value: true` (empty for a vivified stub). */
	readonly value: Buffer | undefined;
	/** Client flags (0 unless a hit). */
	readonly flags: number;
	/** CAS (0n unless a hit). Pass it to `metaSet`/`metaDelete` to make them conditional. */
	readonly dataVersionId: bigint;
	/** Remaining TTL in seconds (`t`), -1 = never expires; undefined on a miss. */
	readonly ttl: number | undefined;
	/** Whether the item had been read before this call (`h`); undefined on a miss. */
	readonly hitBefore: boolean | undefined;
	/** Seconds since the previous access, before this call (`l`); undefined on a miss. */
	readonly lastAccess: number | undefined;
	/** `W`: this caller won the right to (re)fill the item and should store it. */
	readonly win: boolean;
	/** `X`: the item is stale (invalidated); the value may still be served while it is refilled. */
	readonly stale: boolean;
	/**
	 * `Z`: another caller already holds the win token. Together with an empty stub value (no
	 * `stale`) it means "being filled: wait or retry"; with `stale` it means "serve the stale value".
	 */
	readonly otherWinner: boolean;
}

/** Result of {@link RawMetaClient.metaSet} / {@link RawMetaClient.metaDelete}. */
export interface MetaMutateResponse {
	/** NoError (`HD`), ItemNotStored (`NS`), KeyExists (`EX`), KeyNotFound (`NF`), or an error. */
	readonly status: number;
	readonly error: MemcacheError | undefined;
	/** The key as passed. */
	readonly key: MetaKey;
	/** The new CAS after a successful `metaSet` (`c`), else 0n. */
	readonly dataVersionId: bigint;
}

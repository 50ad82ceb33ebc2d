import { HASH2_ERROR_CODES } from "./errors.js";
import { describe, rangeError, typeError } from "./internal/errors.js";
import { MD5_OUT, md5String } from "./internal/md5.js";
import { throwNumShards } from "./internal/validate.js";
import type { ShardFunction } from "./shard-function.js";

/** One server on a {@link KetamaRing}. */
export interface KetamaServer {
	/**
	 * The server's name as the other clients spell it, usually `"host:port"`. It is hashed to
	 * place the server's points, so every client must use the same string.
	 */
	readonly address: string;
	/**
	 * Relative weight: the server gets `floor(weight / totalWeight × vnodes × servers)` hashes.
	 * @defaultValue 1
	 */
	readonly weight?: number | undefined;
}

/** Options of {@link KetamaRing} and {@link createKetamaShardFunction}. */
export interface KetamaRingOptions {
	/**
	 * Hashes per server at weight share 1/n (libketama's 40; hashring's `'vnode count'`).
	 * @defaultValue 40
	 */
	readonly vnodes?: number | undefined;
	/**
	 * Ring points taken from each MD5 digest: 4 is libketama / libmemcached / hashring (160
	 * points per server), 3 is Python's `hash_ring` (120 points).
	 * @defaultValue 4
	 */
	readonly pointsPerHash?: 3 | 4 | undefined;
	/**
	 * When set, a server whose address is `host:<defaultPort>` is hashed as `host` alone
	 * (hashring's `'default port'` option; libmemcached does the same for port 11211).
	 * `undefined` hashes the full address.
	 * @defaultValue undefined
	 */
	readonly defaultPort?: number | undefined;
	/**
	 * Size of the key → server lookup cache (like hashring's 5,000-entry LRU): repeated hot
	 * keys skip the MD5. A direct-mapped table of `cacheSize` (rounded up to a power of two)
	 * recent keys plus a map of up to `cacheSize` keys seen twice; at most ≈ 2 × `cacheSize`
	 * entries. Cleared whenever the ring changes. `0` disables it. Unit: entries.
	 * @defaultValue 5000
	 */
	readonly cacheSize?: number | undefined;
}

/** The defaults of {@link KetamaRingOptions}. */
export const DEFAULT_KETAMA_RING_OPTIONS = Object.freeze({
	vnodes: 40,
	pointsPerHash: 4,
	defaultPort: undefined,
	cacheSize: 5000,
} as const);

interface ResolvedServer {
	readonly address: string;
	readonly weight: number;
}

function resolveOptions(options: KetamaRingOptions): {
	vnodes: number;
	pointsPerHash: number;
	defaultPort: number | undefined;
	cacheSize: number;
} {
	const vnodes = options.vnodes ?? DEFAULT_KETAMA_RING_OPTIONS.vnodes;
	if (!Number.isInteger(vnodes) || vnodes < 1 || vnodes > 10_000) {
		throw rangeError(
			HASH2_ERROR_CODES.INVALID_OPTION,
			`vnodes must be an integer in 1..10000, got ${describe(vnodes)}`,
		);
	}
	const pointsPerHash =
		options.pointsPerHash ?? DEFAULT_KETAMA_RING_OPTIONS.pointsPerHash;
	if (pointsPerHash !== 3 && pointsPerHash !== 4) {
		throw rangeError(
			HASH2_ERROR_CODES.INVALID_OPTION,
			`pointsPerHash must be 3 or 4, got ${describe(pointsPerHash)}`,
		);
	}
	const defaultPort = options.defaultPort;
	if (
		defaultPort !== undefined &&
		!(Number.isInteger(defaultPort) && defaultPort >= 0 && defaultPort <= 65535)
	) {
		throw rangeError(
			HASH2_ERROR_CODES.INVALID_OPTION,
			`defaultPort must be an integer in 0..65535, got ${describe(defaultPort)}`,
		);
	}
	const cacheSize = options.cacheSize ?? DEFAULT_KETAMA_RING_OPTIONS.cacheSize;
	if (!Number.isInteger(cacheSize) || cacheSize < 0 || cacheSize > 16_777_216) {
		throw rangeError(
			HASH2_ERROR_CODES.INVALID_OPTION,
			`cacheSize must be an integer in 0..16777216, got ${describe(cacheSize)}`,
		);
	}
	return { vnodes, pointsPerHash, defaultPort, cacheSize };
}

function resolveServer(server: string | KetamaServer): ResolvedServer {
	const address = typeof server === "string" ? server : server?.address;
	if (typeof address !== "string" || address.length === 0) {
		throw typeError(
			HASH2_ERROR_CODES.INVALID_NODE,
			`a ketama server must be a non-empty string or { address, weight? }, got ${describe(server)}`,
		);
	}
	const weight = typeof server === "string" ? 1 : (server.weight ?? 1);
	if (typeof weight !== "number" || !Number.isFinite(weight) || weight <= 0) {
		throw rangeError(
			HASH2_ERROR_CODES.INVALID_WEIGHT,
			`weight of ${JSON.stringify(address)} must be a finite number > 0, got ${describe(weight)}`,
		);
	}
	return { address, weight };
}

/**
 * A ketama consistent-hash continuum, compatible with libketama, libmemcached's ketama mode,
 * and the `hashring` npm package: the same servers and weights map every key to the same
 * server in all of them.
 *
 * Construction (libketama `ketama_create_continuum`): server s gets
 * `floor(weight_s / Σweight × vnodes × serverCount)` hashes `MD5("<address>-<i>")`; each
 * 16-byte digest gives `pointsPerHash` points, its little-endian 32-bit words. Lookup: the
 * key's point is the first little-endian word of `MD5(utf8(key))`; the owner is the first ring
 * point ≥ it, wrapping to the lowest point. Equal points keep construction order (server
 * order, then i, then word), as hashring's stable sort does.
 *
 * Adding or removing a server rebuilds the continuum (weights are shares of the total, as in
 * libketama), and moves only about 1/n of the keys.
 *
 * @example
 * ```ts
 * const ring = new KetamaRing(["10.0.0.1:11211", { address: "10.0.0.2:11211", weight: 2 }]);
 * ring.get("user:42"); // "10.0.0.2:11211" (same answer as new HashRing(...).get("user:42"))
 * ```
 */
export class KetamaRing {
	readonly #vnodes: number;
	readonly #pointsPerHash: number;
	readonly #defaultPort: number | undefined;
	readonly #cacheSize: number;
	// Two-level cache. Level 1, direct-mapped: slot = FNV-1a 32 of the key's UTF-16 code units
	// & mask, holding the last key that hashed there (a miss costs a short hash and two
	// stores). Level 2, a Map of keys seen twice (V8 caches a string's hash, so its hits are
	// the cheapest), replaced by a fresh Map when full. A Map alone measured 2× slower than no
	// cache on miss-heavy traffic; the direct-mapped table alone 3× slower than a Map on hits.
	#hot = new Map<string, number>();
	#cacheKeys: (string | undefined)[] = [];
	#cacheOwners = new Uint32Array(0);
	#cacheMask = 0;
	#servers: ResolvedServer[] = [];
	#points = new Uint32Array(0);
	#owners = new Uint32Array(0);

	/**
	 * @param servers - the servers, in order (strings, or `{ address, weight }`)
	 * @param options - see {@link KetamaRingOptions}
	 * @throws TypeError `ERR_HASH2_INVALID_NODE` for an empty or non-string address;
	 *   RangeError `ERR_HASH2_INVALID_NODE` for a duplicate address
	 * @throws RangeError `ERR_HASH2_INVALID_WEIGHT` for a weight that is not finite and > 0
	 * @throws RangeError `ERR_HASH2_INVALID_OPTION` for a bad option
	 */
	constructor(
		servers: readonly (string | KetamaServer)[] = [],
		options: KetamaRingOptions = {},
	) {
		const o = resolveOptions(options);
		this.#vnodes = o.vnodes;
		this.#pointsPerHash = o.pointsPerHash;
		this.#defaultPort = o.defaultPort;
		this.#cacheSize = o.cacheSize;
		this.#resetCache();
		if (!Array.isArray(servers)) {
			throw typeError(
				HASH2_ERROR_CODES.INVALID_NODE,
				`servers must be an array, got ${describe(servers)}`,
			);
		}
		const resolved = servers.map(resolveServer);
		const seen = new Set<string>();
		for (const s of resolved) {
			if (seen.has(s.address)) {
				throw rangeError(
					HASH2_ERROR_CODES.INVALID_NODE,
					`duplicate ketama server ${JSON.stringify(s.address)}`,
				);
			}
			seen.add(s.address);
		}
		this.#servers = resolved;
		this.#build();
	}

	/** The servers in ring order (construction order, then additions). */
	get servers(): readonly KetamaServer[] {
		return this.#servers.map((s) => ({ address: s.address, weight: s.weight }));
	}

	/** Number of points on the continuum (160 per server at equal weights by default). */
	get pointCount(): number {
		return this.#points.length;
	}

	/** Whether `address` is on the ring. */
	has(address: string): boolean {
		return this.#servers.some((s) => s.address === address);
	}

	/**
	 * Adds a server (or replaces the weight of an existing one) and rebuilds the continuum.
	 * @throws as the constructor
	 */
	add(server: string | KetamaServer): this {
		const s = resolveServer(server);
		const i = this.#servers.findIndex((x) => x.address === s.address);
		if (i >= 0) this.#servers[i] = s;
		else this.#servers.push(s);
		this.#build();
		return this;
	}

	/**
	 * Removes a server and rebuilds the continuum.
	 * @returns whether the server was on the ring
	 */
	remove(address: string): boolean {
		const i = this.#servers.findIndex((x) => x.address === address);
		if (i < 0) return false;
		this.#servers.splice(i, 1);
		this.#build();
		return true;
	}

	/**
	 * The server that owns `key`.
	 * @param key - the key (hashed as UTF-8)
	 * @returns the owning server's address
	 * @throws RangeError `ERR_HASH2_EMPTY` when the ring has no points
	 * @throws TypeError `ERR_HASH2_INVALID_KEY` when `key` is not a string
	 */
	get(key: string): string {
		return (this.#servers[this.getIndex(key)] as ResolvedServer).address;
	}

	/**
	 * Index in {@link KetamaRing.servers} of the server that owns `key`.
	 * @throws as {@link KetamaRing.get}
	 */
	getIndex(key: string): number {
		if (typeof key !== "string") {
			throw typeError(
				HASH2_ERROR_CODES.INVALID_KEY,
				`key must be a string, got ${describe(key)}`,
			);
		}
		const points = this.#points;
		const n = points.length;
		if (n === 0) {
			throw rangeError(
				HASH2_ERROR_CODES.EMPTY,
				"the ketama ring has no servers (or every weight share rounds to 0 hashes)",
			);
		}
		const cacheSize = this.#cacheSize;
		let slot = -1;
		if (cacheSize !== 0) {
			const hot = this.#hot.get(key);
			if (hot !== undefined) return hot;
			let x = 0x811c9dc5;
			for (let i = 0; i < key.length; i++) {
				x = Math.imul(x ^ key.charCodeAt(i), 0x01000193);
			}
			slot = x & this.#cacheMask;
			if (this.#cacheKeys[slot] === key) {
				// second sighting: promote to the Map, whose hits are cheapest
				const owner = this.#cacheOwners[slot] as number;
				if (this.#hot.size >= cacheSize) this.#hot = new Map();
				this.#hot.set(key, owner);
				return owner;
			}
		}
		md5String(key);
		const h = (MD5_OUT[0] as number) >>> 0;
		// lower bound: first point >= h; past the end wraps to point 0 (libketama)
		let lo = 0;
		let hi = n;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if ((points[mid] as number) < h) lo = mid + 1;
			else hi = mid;
		}
		const owner = this.#owners[lo === n ? 0 : lo] as number;
		if (slot >= 0) {
			this.#cacheKeys[slot] = key;
			this.#cacheOwners[slot] = owner;
		}
		return owner;
	}

	/**
	 * The ketama point of `key`: the first little-endian 32-bit word of `MD5(utf8(key))`.
	 * @throws TypeError `ERR_HASH2_INVALID_KEY` when `key` is not a string
	 */
	static keyPoint(key: string): number {
		if (typeof key !== "string") {
			throw typeError(
				HASH2_ERROR_CODES.INVALID_KEY,
				`key must be a string, got ${describe(key)}`,
			);
		}
		md5String(key);
		return (MD5_OUT[0] as number) >>> 0;
	}

	#resetCache(): void {
		if (this.#cacheSize === 0) return;
		// power of two ≥ cacheSize
		this.#hot = new Map();
		const slots = 2 ** Math.ceil(Math.log2(this.#cacheSize));
		this.#cacheKeys = new Array<string | undefined>(slots).fill(undefined);
		this.#cacheOwners = new Uint32Array(slots);
		this.#cacheMask = slots - 1;
	}

	#hashName(address: string): string {
		if (this.#defaultPort === undefined) return address;
		const parts = address.split(":");
		return Number(parts[1]) === this.#defaultPort
			? (parts[0] as string)
			: address;
	}

	#build(): void {
		this.#resetCache();
		const servers = this.#servers;
		const count = servers.length;
		let total = 0;
		for (const s of servers) total += s.weight;
		const perHash = this.#pointsPerHash;
		const values: number[] = [];
		const owners: number[] = [];
		for (let si = 0; si < count; si++) {
			const s = servers[si] as ResolvedServer;
			// Same floating-point expression and order as hashring (double precision).
			const hashes = Math.floor((s.weight / total) * this.#vnodes * count);
			const name = this.#hashName(s.address);
			for (let i = 0; i < hashes; i++) {
				md5String(`${name}-${i}`);
				for (let j = 0; j < perHash; j++) {
					values.push((MD5_OUT[j] as number) >>> 0);
					owners.push(si);
				}
			}
		}
		const order = values.map((_, i) => i);
		// Array#sort is stable: equal points keep construction order.
		order.sort((a, b) => (values[a] as number) - (values[b] as number));
		this.#points = Uint32Array.from(order, (i) => values[i] as number);
		this.#owners = Uint32Array.from(order, (i) => owners[i] as number);
	}
}

/**
 * A {@link ShardFunction} over a ketama ring of `servers`: shard i is `servers[i]`, and
 * `numShards` = n uses the ring of the first n servers (rings are built once per n and cached).
 *
 * Pass the same server strings other clients use; the result is the index of the server
 * hashring / libmemcached would pick.
 *
 * @param servers - the server list (at most 65535)
 * @param options - see {@link KetamaRingOptions}
 * @returns a shard function accepting `numShards` in `0..servers.length` (0 and 1 give 0)
 * @throws as the {@link KetamaRing} constructor
 * @example
 * ```ts
 * const shardOf = createKetamaShardFunction(["10.0.0.1:11211", "10.0.0.2:11211"]);
 * shardOf("user:42", 2); // 0 or 1
 * ```
 */
export function createKetamaShardFunction(
	servers: readonly (string | KetamaServer)[],
	options: KetamaRingOptions = {},
): ShardFunction {
	// Validates everything up front.
	const full = new KetamaRing(servers, options);
	const list = servers.slice();
	const max = list.length;
	const rings = new Map<number, KetamaRing>([[max, full]]);
	return (key: string, numShards: number): number => {
		if (
			typeof numShards !== "number" ||
			!Number.isInteger(numShards) ||
			numShards < 0 ||
			numShards > max
		) {
			throwNumShards(numShards, max);
		}
		if (numShards < 2) {
			if (typeof key !== "string") KetamaRing.keyPoint(key);
			return 0;
		}
		let ring = rings.get(numShards);
		if (ring === undefined) {
			ring = new KetamaRing(list.slice(0, numShards), options);
			rings.set(numShards, ring);
		}
		return ring.getIndex(key);
	};
}

import { HASH2_ERROR_CODES } from "./errors.js";
import { describe, rangeError, typeError } from "./internal/errors.js";
import { throwNumShards } from "./internal/validate.js";
import { FNV_OUT, fnv1a64Halves } from "./key-hash.js";
import { murmur3_32 } from "./murmur3.js";
import type { ShardFunction } from "./shard-function.js";

/** Largest `numShards` the rendezvous shard functions accept (cost is O(numShards)). */
export const MAX_RENDEZVOUS_SHARDS = 65535;

const encoder = new TextEncoder();

/** murmur3 block scramble (× c1, rotl 15, × c2). */
function scramble(k: number): number {
	const x = Math.imul(k, 0xcc9e2d51);
	return Math.imul((x << 15) | (x >>> 17), 0x1b873593);
}

/**
 * `murmur3_32(<lo as 4 LE bytes><hi as 4 LE bytes>, seed)` with the two key blocks already
 * scrambled: the per-node score hash of rendezvous hashing. Unsigned result.
 */
function scoreHash(sLo: number, sHi: number, seed: number): number {
	let h = seed ^ sLo;
	h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
	h ^= sHi;
	h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
	h ^= 8;
	h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
	h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
	return (h ^ (h >>> 16)) >>> 0;
}

function checkKey(key: unknown): void {
	if (typeof key !== "string") {
		throw typeError(
			HASH2_ERROR_CODES.INVALID_KEY,
			`key must be a string, got ${describe(key)}`,
		);
	}
}

function checkWeight(weight: unknown, what: string): number {
	if (typeof weight !== "number" || !Number.isFinite(weight) || weight <= 0) {
		throw rangeError(
			HASH2_ERROR_CODES.INVALID_WEIGHT,
			`weight of ${what} must be a finite number > 0, got ${describe(weight)}`,
		);
	}
	return weight;
}

/** Index of the best weighted score; ties keep the lower index. */
function bestWeighted(
	sLo: number,
	sHi: number,
	seeds: Uint32Array,
	weights: Float64Array,
	n: number,
): number {
	let best = 0;
	let bestScore = Number.NEGATIVE_INFINITY;
	for (let i = 0; i < n; i++) {
		// u in (0, 1): never 0 (log → −∞) nor 1 (log → 0)
		const u = (scoreHash(sLo, sHi, seeds[i] as number) + 1) / 4294967297;
		const score = -(weights[i] as number) / Math.log(u);
		if (score > bestScore) {
			bestScore = score;
			best = i;
		}
	}
	return best;
}

/**
 * Rendezvous (highest-random-weight) hashing as a {@link ShardFunction}, all shards equal.
 *
 * Each shard i scores the key with `murmur3_32(<hashKey64(key) as 8 little-endian bytes>,
 * seed = i)`; the highest score wins, ties go to the lower index. Removing any shard moves
 * only that shard's keys (unlike jump or godropbox's hash, where only the last shard can
 * go); adding shard n moves ≈ 1/(n+1) of the keys, all to n. O(numShards) per call.
 *
 * There is no single "standard" HRW; this definition is ours, fully specified here so other
 * languages can reproduce it (FNV-1a 64 + murmur3_32, both everywhere).
 *
 * @param key - the cache key
 * @param numShards - an integer in `0..65535`; 0 and 1 give 0
 * @returns the shard index
 * @throws TypeError `ERR_HASH2_INVALID_KEY`; RangeError / TypeError `ERR_HASH2_INVALID_NUM_SHARDS`
 */
export const rendezvousShardFunction: ShardFunction = (
	key: string,
	numShards: number,
): number => {
	if (typeof numShards !== "number" || (numShards & 0xffff) !== numShards) {
		throwNumShards(numShards, MAX_RENDEZVOUS_SHARDS);
	}
	checkKey(key);
	if (numShards < 2) return 0;
	fnv1a64Halves(key);
	const sLo = scramble(FNV_OUT[1] as number);
	const sHi = scramble(FNV_OUT[0] as number);
	let best = 0;
	let bestScore = -1;
	for (let i = 0; i < numShards; i++) {
		const s = scoreHash(sLo, sHi, i);
		if (s > bestScore) {
			bestScore = s;
			best = i;
		}
	}
	return best;
};

/**
 * Weighted rendezvous hashing as a {@link ShardFunction}: shard i has weight `weights[i]`
 * and `numShards` = n uses the first n weights.
 *
 * Score of shard i: `−weights[i] / ln(u_i)` with `u_i = (h_i + 1) / (2^32 + 1)` and `h_i` the
 * score hash of {@link rendezvousShardFunction} (seed i) — the "logarithmic method" of
 * Schindelhauer & Schomaker, under which shard i gets a `weights[i] / Σweights` share of the
 * keys and changing one weight moves keys only to or from that shard. With equal weights it
 * picks exactly what {@link rendezvousShardFunction} picks.
 *
 * @param weights - one finite weight > 0 per shard (at most 65535)
 * @returns a shard function accepting `numShards` in `0..weights.length`
 * @throws RangeError `ERR_HASH2_INVALID_WEIGHT` for a bad weight; TypeError
 *   `ERR_HASH2_INVALID_OPTION` when `weights` is not an array or is too long
 * @example
 * ```ts
 * const shardOf = createWeightedRendezvousShardFunction([1, 1, 2]);
 * shardOf("user:42", 3); // shard 2 gets about half the keys
 * ```
 */
export function createWeightedRendezvousShardFunction(
	weights: readonly number[],
): ShardFunction {
	if (!Array.isArray(weights) || weights.length > MAX_RENDEZVOUS_SHARDS) {
		throw typeError(
			HASH2_ERROR_CODES.INVALID_OPTION,
			`weights must be an array of at most ${MAX_RENDEZVOUS_SHARDS} numbers, got ${describe(weights)}`,
		);
	}
	const w = Float64Array.from(weights, (x, i) => checkWeight(x, `shard ${i}`));
	const seeds = Uint32Array.from(w, (_, i) => i);
	const max = w.length;
	return (key: string, numShards: number): number => {
		if (
			typeof numShards !== "number" ||
			!Number.isInteger(numShards) ||
			numShards < 0 ||
			numShards > max
		) {
			throwNumShards(numShards, max);
		}
		checkKey(key);
		if (numShards < 2) return 0;
		fnv1a64Halves(key);
		return bestWeighted(
			scramble(FNV_OUT[1] as number),
			scramble(FNV_OUT[0] as number),
			seeds,
			w,
			numShards,
		);
	};
}

/** One node of a {@link WeightedRendezvous} set. */
export interface RendezvousNode {
	/** The node's identity (e.g. `"host:port"`); its score seed is `murmur3_32(utf8(id), 0)`. */
	readonly id: string;
	/** Relative weight, a finite number > 0. @defaultValue 1 */
	readonly weight?: number | undefined;
}

/**
 * A named, weighted rendezvous-hashing node set: `get(key)` returns the id of the node with
 * the highest weighted score. Node seeds come from the ids, not positions, so the answer does
 * not depend on node order and removing a node moves only that node's keys.
 *
 * @example
 * ```ts
 * const nodes = new WeightedRendezvous([{ id: "a:11211" }, { id: "b:11211", weight: 2 }]);
 * nodes.get("user:42");
 * ```
 */
export class WeightedRendezvous {
	#ids: string[] = [];
	#seeds = new Uint32Array(0);
	#weights = new Float64Array(0);

	/**
	 * @param nodes - node ids (weight 1) or `{ id, weight }`
	 * @throws TypeError / RangeError `ERR_HASH2_INVALID_NODE` for an empty, non-string or
	 *   duplicate id; RangeError `ERR_HASH2_INVALID_WEIGHT` for a bad weight
	 */
	constructor(nodes: readonly (string | RendezvousNode)[] = []) {
		if (!Array.isArray(nodes)) {
			throw typeError(
				HASH2_ERROR_CODES.INVALID_NODE,
				`nodes must be an array, got ${describe(nodes)}`,
			);
		}
		for (const n of nodes) this.#insert(n);
	}

	/** The nodes, in insertion order. */
	get nodes(): readonly RendezvousNode[] {
		return this.#ids.map((id, i) => ({
			id,
			weight: this.#weights[i] as number,
		}));
	}

	/** Adds a node, or changes the weight of an existing one. @throws as the constructor */
	add(node: string | RendezvousNode): this {
		const id = typeof node === "string" ? node : node?.id;
		const i = this.#ids.indexOf(id);
		if (i >= 0) {
			const weight = typeof node === "string" ? 1 : (node.weight ?? 1);
			this.#weights[i] = checkWeight(weight, JSON.stringify(id));
			return this;
		}
		this.#insert(node);
		return this;
	}

	/** Removes a node. @returns whether it was present */
	remove(id: string): boolean {
		const i = this.#ids.indexOf(id);
		if (i < 0) return false;
		this.#ids.splice(i, 1);
		this.#seeds = Uint32Array.from([...this.#seeds].filter((_, j) => j !== i));
		this.#weights = Float64Array.from(
			[...this.#weights].filter((_, j) => j !== i),
		);
		return true;
	}

	/**
	 * The id of the node that owns `key`.
	 * @throws RangeError `ERR_HASH2_EMPTY` when there are no nodes;
	 *   TypeError `ERR_HASH2_INVALID_KEY` when `key` is not a string
	 */
	get(key: string): string {
		return this.#ids[this.getIndex(key)] as string;
	}

	/** Index in {@link WeightedRendezvous.nodes} of the node that owns `key`. @throws as `get` */
	getIndex(key: string): number {
		checkKey(key);
		const n = this.#ids.length;
		if (n === 0) {
			throw rangeError(
				HASH2_ERROR_CODES.EMPTY,
				"the rendezvous set has no nodes",
			);
		}
		fnv1a64Halves(key);
		return bestWeighted(
			scramble(FNV_OUT[1] as number),
			scramble(FNV_OUT[0] as number),
			this.#seeds,
			this.#weights,
			n,
		);
	}

	#insert(node: string | RendezvousNode): void {
		const id = typeof node === "string" ? node : node?.id;
		if (typeof id !== "string" || id.length === 0) {
			throw typeError(
				HASH2_ERROR_CODES.INVALID_NODE,
				`a rendezvous node must be a non-empty string or { id, weight? }, got ${describe(node)}`,
			);
		}
		if (this.#ids.includes(id)) {
			throw rangeError(
				HASH2_ERROR_CODES.INVALID_NODE,
				`duplicate rendezvous node ${JSON.stringify(id)}`,
			);
		}
		const weight = checkWeight(
			typeof node === "string" ? 1 : (node.weight ?? 1),
			JSON.stringify(id),
		);
		this.#ids.push(id);
		const seeds = new Uint32Array(this.#ids.length);
		seeds.set(this.#seeds);
		seeds[this.#ids.length - 1] = murmur3_32(encoder.encode(id), 0);
		this.#seeds = seeds;
		const weights = new Float64Array(this.#ids.length);
		weights.set(this.#weights);
		weights[this.#ids.length - 1] = weight;
		this.#weights = weights;
	}
}

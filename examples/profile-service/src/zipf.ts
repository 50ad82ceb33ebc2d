/**
 * Samples ranks 1..n with probability proportional to 1 / rank^s (Zipf's law), the shape of
 * real read traffic: a few hot profiles, a long cold tail.
 *
 * Precomputes the cumulative distribution once (n doubles) and samples by binary search,
 * O(log n) per draw. `s = 0` is uniform.
 */
export class ZipfSampler {
	readonly n: number;
	readonly exponent: number;
	#cdf: Float64Array;
	#random: () => number;

	/**
	 * @param n number of ranks (≥ 1)
	 * @param exponent Zipf exponent s (≥ 0)
	 * @param random uniform [0, 1) source; inject a seeded one for reproducible runs
	 */
	constructor(n: number, exponent: number, random: () => number = Math.random) {
		if (!Number.isInteger(n) || n < 1)
			throw new RangeError(`n must be a positive integer, got ${n}`);
		if (!(exponent >= 0))
			throw new RangeError(`exponent must be ≥ 0, got ${exponent}`);
		this.n = n;
		this.exponent = exponent;
		this.#random = random;
		this.#cdf = new Float64Array(n);
		let sum = 0;
		for (let i = 0; i < n; i++) {
			sum += 1 / (i + 1) ** exponent;
			this.#cdf[i] = sum;
		}
		for (let i = 0; i < n; i++) this.#cdf[i] = (this.#cdf[i] as number) / sum;
	}

	/** One rank in 1..n. */
	next(): number {
		const u = this.#random();
		const cdf = this.#cdf;
		let lo = 0;
		let hi = this.n - 1;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if ((cdf[mid] as number) < u) lo = mid + 1;
			else hi = mid;
		}
		return lo + 1;
	}

	/** Probability of rank `k` (for tests and the summary's "top 1% of ids get x% of reads"). */
	probability(k: number): number {
		if (k < 1 || k > this.n) return 0;
		const prev = k === 1 ? 0 : (this.#cdf[k - 2] as number);
		return (this.#cdf[k - 1] as number) - prev;
	}
}

/** A small seeded PRNG (mulberry32), so tests and load runs can be reproduced. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

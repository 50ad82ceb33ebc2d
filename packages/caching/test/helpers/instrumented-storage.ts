import type { Storage } from "../../src/index.js";
import { ReadHoldingStorage } from "./read-holding-storage.js";

/**
 * Wraps a storage: counts reads, and delays read *answers* by a random 0..maxDelayMs after the
 * read ran — the window in which a concurrent write can commit and invalidate the cache.
 */
export class InstrumentedStorage<K, V> extends ReadHoldingStorage<K, V> {
	constructor(
		inner: Storage<K, V>,
		readonly maxDelayMs = 0,
		readonly random: () => number = Math.random,
	) {
		super(inner);
	}

	protected override async hold(): Promise<void> {
		if (this.maxDelayMs > 0)
			await new Promise((r) =>
				setTimeout(r, Math.floor(this.random() * this.maxDelayMs)),
			);
	}
}

import type { OperationOptions, SetOptions, Storage } from "../../src/index.js";

/**
 * Wraps a storage: counts reads, and delays read *answers* by a random 0..maxDelayMs after the
 * read ran — the window in which a concurrent write can commit and invalidate the cache.
 */
export class InstrumentedStorage<K, V> implements Storage<K, V> {
	reads = 0;
	keysRead = 0;
	constructor(
		readonly inner: Storage<K, V>,
		readonly maxDelayMs = 0,
		readonly random: () => number = Math.random,
	) {}

	async #hold(): Promise<void> {
		if (this.maxDelayMs > 0)
			await new Promise((r) =>
				setTimeout(r, Math.floor(this.random() * this.maxDelayMs)),
			);
	}

	async get(key: K, o?: OperationOptions): Promise<V | undefined> {
		this.reads++;
		this.keysRead++;
		const v = await this.inner.get(key, o);
		await this.#hold();
		return v;
	}
	async getMulti(
		keys: readonly K[],
		o?: OperationOptions,
	): Promise<(V | undefined)[]> {
		this.reads++;
		this.keysRead += keys.length;
		const v = await this.inner.getMulti(keys, o);
		await this.#hold();
		return v;
	}
	set(item: V, o?: SetOptions): Promise<void> {
		return this.inner.set(item, o);
	}
	setMulti(items: readonly V[], o?: SetOptions): Promise<void> {
		return this.inner.setMulti(items, o);
	}
	delete(key: K, o?: OperationOptions): Promise<void> {
		return this.inner.delete(key, o);
	}
	deleteMulti(keys: readonly K[], o?: OperationOptions): Promise<void> {
		return this.inner.deleteMulti(keys, o);
	}
	flush(o?: OperationOptions): Promise<void> {
		return this.inner.flush(o);
	}
}

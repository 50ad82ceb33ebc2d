import type { OperationOptions, SetOptions, Storage } from "../../src/index.js";

/**
 * Base of the test wrappers that let a storage read run and then hold its *answer* in
 * `hold()` (a gate, a delay); counts reads and keys read; writes pass straight through.
 */
export abstract class ReadHoldingStorage<K, V> implements Storage<K, V> {
	reads = 0;
	keysRead = 0;

	constructor(readonly inner: Storage<K, V>) {}

	/** Runs after each read, before its answer is returned. */
	protected abstract hold(): Promise<void>;

	async get(key: K, o?: OperationOptions): Promise<V | undefined> {
		this.reads++;
		this.keysRead++;
		const v = await this.inner.get(key, o);
		await this.hold();
		return v;
	}
	async getMulti(
		keys: readonly K[],
		o?: OperationOptions,
	): Promise<(V | undefined)[]> {
		this.reads++;
		this.keysRead += keys.length;
		const v = await this.inner.getMulti(keys, o);
		await this.hold();
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

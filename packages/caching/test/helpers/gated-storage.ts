import type { OperationOptions, SetOptions, Storage } from "../../src/index.js";

/**
 * Wraps a storage: counts reads and, while a gate is set, holds each read's *answer* (the
 * read itself has already run) until the gate opens — a deterministic "fill in flight".
 */
export class GatedStorage<K, V> implements Storage<K, V> {
	reads = 0;
	#gate: Promise<void> | undefined;
	#open: (() => void) | undefined;
	#entered: (() => void) | undefined;
	entered: Promise<void> = Promise.resolve();

	constructor(readonly inner: Storage<K, V>) {}

	/** Holds read answers from now on; `entered` resolves when a held read has run. */
	close(): void {
		this.#gate = new Promise((r) => {
			this.#open = r;
		});
		this.entered = new Promise((r) => {
			this.#entered = r;
		});
	}

	open(): void {
		this.#open?.();
		this.#gate = undefined;
	}

	async #hold(): Promise<void> {
		this.#entered?.();
		if (this.#gate !== undefined) await this.#gate;
	}

	async get(key: K, o?: OperationOptions): Promise<V | undefined> {
		this.reads++;
		const v = await this.inner.get(key, o);
		await this.#hold();
		return v;
	}
	async getMulti(
		keys: readonly K[],
		o?: OperationOptions,
	): Promise<(V | undefined)[]> {
		this.reads++;
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

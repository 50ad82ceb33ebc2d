import { BadResultError, NotImplementedError } from "./errors.js";
import { RwLock } from "./internal/rw-lock.js";
import type { OperationOptions, SetOptions, Storage } from "./storage.js";

type MaybePromise<T> = T | Promise<T>;

/**
 * The function table of a {@link GenericStorage} (godropbox `GenericStorageOptions`). Every
 * function is optional and may be synchronous or return a promise.
 */
export interface GenericStorageOptions<K, V> {
	/** Reads one key; also serves `getMulti` (key by key, in order) when `getMulti` is absent. */
	readonly get?: ((key: K) => MaybePromise<V | undefined>) | undefined;
	/** Reads several keys; also serves `get` (with one key) when `get` is absent. */
	readonly getMulti?:
		| ((keys: readonly K[]) => MaybePromise<readonly (V | undefined)[]>)
		| undefined;
	/** Writes one item; also serves `setMulti` (item by item) when `setMulti` is absent. */
	readonly set?:
		| ((item: V, options: SetOptions) => MaybePromise<void>)
		| undefined;
	/** Writes several items; also serves `set` when `set` is absent. */
	readonly setMulti?:
		| ((items: readonly V[], options: SetOptions) => MaybePromise<void>)
		| undefined;
	/** Deletes one key; also serves `deleteMulti` (key by key) when `deleteMulti` is absent. */
	readonly delete?: ((key: K) => MaybePromise<void>) | undefined;
	/** Deletes several keys; also serves `delete` when `delete` is absent. */
	readonly deleteMulti?:
		| ((keys: readonly K[]) => MaybePromise<void>)
		| undefined;
	/** Removes everything. Absent: `flush()` succeeds and does nothing (as in godropbox). */
	readonly flush?: (() => MaybePromise<void>) | undefined;
	/** When true, `flush()` always fails and `flush` is never called. @defaultValue false */
	readonly errorOnFlush?: boolean | undefined;
	/**
	 * Run the functions under a readers-writer lock, as godropbox does: reads share it, writes
	 * and flush hold it alone. Turn it off when the functions are safe to interleave.
	 * @defaultValue true
	 */
	readonly lock?: boolean | undefined;
}

/**
 * A {@link Storage} built from a table of functions (godropbox `caching/generic_storage.go`).
 * A missing single-key function is served by the multi-key one with one element and vice
 * versa; an operation with neither rejects with {@link NotImplementedError}
 * (`ERR_CACHING_NOT_IMPLEMENTED`) carrying godropbox's message.
 */
export class GenericStorage<K, V> implements Storage<K, V> {
	readonly name: string;
	readonly #o: GenericStorageOptions<K, V>;
	readonly #lock: RwLock | undefined;

	constructor(name: string, options: GenericStorageOptions<K, V> = {}) {
		this.name = name;
		this.#o = { ...options };
		this.#lock = options.lock === false ? undefined : new RwLock();
	}

	#read<T>(fn: () => MaybePromise<T>): Promise<T> {
		return this.#lock ? this.#lock.read(fn) : Promise.resolve().then(fn);
	}

	#write<T>(fn: () => MaybePromise<T>): Promise<T> {
		return this.#lock ? this.#lock.write(fn) : Promise.resolve().then(fn);
	}

	#missing(op: string, what: string): NotImplementedError {
		return new NotImplementedError(
			this.name,
			op,
			`'${this.name}' does not have ${what} implementation`,
		);
	}

	async get(key: K, _options?: OperationOptions): Promise<V | undefined> {
		const { get, getMulti } = this.#o;
		if (get) return this.#read(() => get(key));
		if (!getMulti) throw this.#missing("get", "Get/GetMulti");
		const items = await this.#read(() => getMulti([key]));
		if (items.length !== 1)
			throw new BadResultError(
				`'${this.name}' getMulti returned ${items.length} items for 1 key`,
			);
		return items[0];
	}

	async getMulti(
		keys: readonly K[],
		_options?: OperationOptions,
	): Promise<(V | undefined)[]> {
		const { get, getMulti } = this.#o;
		if (getMulti) return [...(await this.#read(() => getMulti(keys)))];
		if (!get) throw this.#missing("getMulti", "Get/GetMulti");
		return this.#read(async () => {
			const out: (V | undefined)[] = [];
			for (const key of keys) out.push(await get(key));
			return out;
		});
	}

	async set(item: V, options: SetOptions = {}): Promise<void> {
		const { set, setMulti } = this.#o;
		if (set) return this.#write(() => set(item, options));
		if (!setMulti) throw this.#missing("set", "Set/SetMulti");
		return this.#write(() => setMulti([item], options));
	}

	async setMulti(items: readonly V[], options: SetOptions = {}): Promise<void> {
		const { set, setMulti } = this.#o;
		if (setMulti) return this.#write(() => setMulti(items, options));
		if (!set) throw this.#missing("setMulti", "Set/SetMulti");
		return this.#write(async () => {
			for (const item of items) await set(item, options);
		});
	}

	async delete(key: K, _options?: OperationOptions): Promise<void> {
		const del = this.#o.delete;
		const delMulti = this.#o.deleteMulti;
		if (del) return this.#write(() => del(key));
		if (!delMulti) throw this.#missing("delete", "Delete/DeleteMulti");
		return this.#write(() => delMulti([key]));
	}

	async deleteMulti(
		keys: readonly K[],
		_options?: OperationOptions,
	): Promise<void> {
		const del = this.#o.delete;
		const delMulti = this.#o.deleteMulti;
		if (delMulti) return this.#write(() => delMulti(keys));
		if (!del) throw this.#missing("deleteMulti", "Delete/DeleteMulti");
		return this.#write(async () => {
			for (const key of keys) await del(key);
		});
	}

	async flush(_options?: OperationOptions): Promise<void> {
		if (this.#o.errorOnFlush)
			throw new NotImplementedError(
				this.name,
				"flush",
				`'${this.name}' does not support Flush`,
			);
		const flush = this.#o.flush;
		if (!flush) return;
		return this.#write(() => flush());
	}
}

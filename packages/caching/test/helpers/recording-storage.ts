import {
	LocalMapStorage,
	type OperationOptions,
	type SetOptions,
	type Storage,
} from "../../src/index.js";
import { type Item, keyOf } from "./items.js";

type Op =
	| "get"
	| "getMulti"
	| "set"
	| "setMulti"
	| "delete"
	| "deleteMulti"
	| "flush";

/**
 * A LocalMapStorage that records every call (operation and keys) and can be told to fail an
 * operation or to hold its reads until released — the "logging storage" of the Go probe.
 */
export class RecordingStorage implements Storage<string, Item> {
	readonly map: LocalMapStorage<string, Item>;
	readonly calls: string[] = [];
	readonly failing = new Set<Op>();
	/** While set, reads hold their (already read) answer until this promise resolves. */
	gate: Promise<void> | undefined;
	/** Artificial latency of reads, ms. */
	delayMs = 0;

	constructor(options: { maxEntries?: number } = {}) {
		this.map = new LocalMapStorage<string, Item>({
			keyOf,
			maxEntries: options.maxEntries ?? 100_000,
		});
	}

	count(op: Op): number {
		return this.calls.filter((c) => c === op || c.startsWith(`${op}(`)).length;
	}

	async #enter(op: Op, args: string): Promise<void> {
		this.calls.push(`${op}(${args})`);
		if (this.failing.has(op)) throw new Error(`${op} failed`);
	}

	async #wait(): Promise<void> {
		if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
		if (this.gate) await this.gate;
	}

	async get(key: string, _o?: OperationOptions): Promise<Item | undefined> {
		await this.#enter("get", key);
		// Read first, then hold the answer: models a read that saw the row before a later write.
		const value = await this.map.get(key);
		await this.#wait();
		return value;
	}
	async getMulti(
		keys: readonly string[],
		_o?: OperationOptions,
	): Promise<(Item | undefined)[]> {
		await this.#enter("getMulti", keys.join(","));
		const values = await this.map.getMulti(keys);
		await this.#wait();
		return values;
	}
	async set(it: Item, o?: SetOptions): Promise<void> {
		await this.#enter("set", it.key);
		return this.map.set(it, o);
	}
	async setMulti(items: readonly Item[], o?: SetOptions): Promise<void> {
		await this.#enter("setMulti", items.map((i) => i.key).join(","));
		return this.map.setMulti(items, o);
	}
	async delete(key: string, _o?: OperationOptions): Promise<void> {
		await this.#enter("delete", key);
		return this.map.delete(key);
	}
	async deleteMulti(
		keys: readonly string[],
		_o?: OperationOptions,
	): Promise<void> {
		await this.#enter("deleteMulti", keys.join(","));
		return this.map.deleteMulti(keys);
	}
	async flush(_o?: OperationOptions): Promise<void> {
		await this.#enter("flush", "");
		return this.map.flush();
	}
}

import { describe, expect, it } from "vitest";
import {
	AbortedError,
	AcquireTimeoutError,
	GenericStorage,
	QueueFullError,
	RateLimitedStorage,
} from "../../src/index.js";
import type { Item } from "../helpers/items.js";

function gated(): {
	storage: GenericStorage<string, Item>;
	release: () => void;
	started: string[];
} {
	const started: string[] = [];
	let open!: () => void;
	const gate = new Promise<void>((r) => {
		open = r;
	});
	const storage = new GenericStorage<string, Item>("gated", {
		lock: false,
		get: async (k) => {
			started.push(k);
			await gate;
			return undefined;
		},
	});
	return { storage, release: open, started };
}

describe("RateLimitedStorage", () => {
	it("runs at most maxConcurrency operations and serves waiters FIFO", async () => {
		const { storage, release, started } = gated();
		const r = new RateLimitedStorage(storage, { maxConcurrency: 2 });
		const all = ["a", "b", "c", "d"].map((k) => r.get(k));
		await new Promise((res) => setTimeout(res, 5));
		expect(started).toEqual(["a", "b"]);
		expect(r.stats).toEqual({ active: 2, pending: 2 });
		release();
		await Promise.all(all);
		expect(started).toEqual(["a", "b", "c", "d"]);
		expect(r.stats).toEqual({ active: 0, pending: 0 });
	});

	it("rejects beyond maxQueue with ERR_CACHING_QUEUE_FULL", async () => {
		const { storage, release } = gated();
		const r = new RateLimitedStorage(storage, {
			maxConcurrency: 1,
			maxQueue: 1,
		});
		const a = r.get("a");
		const b = r.get("b");
		await expect(r.get("c")).rejects.toBeInstanceOf(QueueFullError);
		release();
		await Promise.all([a, b]);
	});

	it("times out waiting with ERR_CACHING_ACQUIRE_TIMEOUT and frees the queue slot", async () => {
		const { storage, release } = gated();
		const r = new RateLimitedStorage(storage, {
			maxConcurrency: 1,
			acquireTimeout: 20,
		});
		const a = r.get("a");
		await expect(r.get("b")).rejects.toMatchObject({
			code: "ERR_CACHING_ACQUIRE_TIMEOUT",
			timeoutMs: 20,
		});
		expect(r.stats.pending).toBe(0);
		release();
		await a;
		await expect(r.get("c")).resolves.toBeUndefined();
	});

	it("abort rejects a waiter with ERR_CACHING_ABORTED whose cause is the reason", async () => {
		const { storage, release, started } = gated();
		const r = new RateLimitedStorage(storage, { maxConcurrency: 1 });
		const a = r.get("a");
		const ac = new AbortController();
		const b = r.get("b", { signal: ac.signal });
		ac.abort(new Error("user gave up"));
		const err = await b.catch((e: unknown) => e);
		expect(err).toBeInstanceOf(AbortedError);
		expect((err as AbortedError).cause).toEqual(new Error("user gave up"));
		await expect(r.get("x", { signal: ac.signal })).rejects.toBeInstanceOf(
			AbortedError,
		);
		release();
		await a;
		expect(started).toEqual(["a"]);
	});

	it("releases the slot when the operation fails", async () => {
		const failing = new GenericStorage<string, Item>("f", {
			get: () => {
				throw new Error("boom");
			},
		});
		const r = new RateLimitedStorage(failing, { maxConcurrency: 1 });
		await expect(r.get("a")).rejects.toThrow("boom");
		await expect(r.get("b")).rejects.toThrow("boom");
		expect(r.stats).toEqual({ active: 0, pending: 0 });
	});

	it("validates options at construction", () => {
		const { storage } = gated();
		expect(
			() => new RateLimitedStorage(storage, { maxConcurrency: 0 }),
		).toThrow(/maxConcurrency/);
		expect(
			() =>
				new RateLimitedStorage(storage, {
					maxConcurrency: 1,
					acquireTimeout: -1,
				}),
		).toThrow(/acquireTimeout/);
		expect(AcquireTimeoutError).toBeDefined();
	});
});

import { describe, expect, it } from "vitest";
import {
	bytesCodec,
	defaultKeyToString,
	InvalidKeyError,
	jsonCodec,
	LocalMapStorage,
	v8Codec,
} from "../../src/index.js";
import { type Item, item, keyOf } from "../helpers/items.js";

describe("defaultKeyToString", () => {
	it("strings as-is, finite numbers and bigints via String()", () => {
		expect(defaultKeyToString("a b")).toBe("a b");
		expect(defaultKeyToString(42)).toBe("42");
		expect(defaultKeyToString(-1.5)).toBe("-1.5");
		expect(defaultKeyToString(2n ** 64n)).toBe("18446744073709551616");
	});
	it("anything else is ERR_CACHING_INVALID_KEY, never [object Object]", () => {
		for (const bad of [
			{},
			[],
			null,
			undefined,
			true,
			Symbol("s"),
			Number.NaN,
			Infinity,
		])
			expect(() => defaultKeyToString(bad)).toThrow(InvalidKeyError);
		try {
			defaultKeyToString({ id: 1 });
		} catch (err) {
			expect(err).toMatchObject({
				code: "ERR_CACHING_INVALID_KEY",
				key: { id: 1 },
			});
			expect((err as Error).message).not.toContain("[object Object]");
		}
	});
});

describe("LocalMapStorage bounds", () => {
	it("evicts the least recently used entry beyond maxEntries", async () => {
		const m = new LocalMapStorage<string, Item>({ keyOf, maxEntries: 3 });
		await m.setMulti([item("a", 1), item("b", 2), item("c", 3)]);
		await m.get("a"); // a is now most recent; b is the LRU
		await m.set(item("d", 4));
		expect(m.size).toBe(3);
		expect(await m.getMulti(["a", "b", "c", "d"])).toEqual([
			item("a", 1),
			undefined,
			item("c", 3),
			item("d", 4),
		]);
	});
	it("expires entries by storage TTL and per-set TTL (injected clock)", async () => {
		let now = 1000;
		const m = new LocalMapStorage<string, Item>({
			keyOf,
			ttl: 100,
			now: () => now,
		});
		await m.set(item("a", 1));
		await m.set(item("b", 2), { ttl: 0 });
		await m.set(item("c", 3), { ttl: 500 });
		now = 1099;
		expect((await m.get("a"))?.val).toBe(1);
		now = 1100;
		expect(await m.getMulti(["a", "b", "c"])).toEqual([
			undefined,
			item("b", 2),
			item("c", 3),
		]);
		now = 1500;
		expect(await m.get("c")).toBeUndefined();
		expect(await m.get("b")).toEqual(item("b", 2));
	});
	it("validates options", () => {
		expect(
			() => new LocalMapStorage<string, Item>({ keyOf, maxEntries: 0 }),
		).toThrow(/maxEntries/);
		expect(() => new LocalMapStorage<string, Item>({ keyOf, ttl: -5 })).toThrow(
			/ttl/,
		);
		expect(
			() =>
				new LocalMapStorage<string, Item>({
					keyOf,
					maxEntries: Number.POSITIVE_INFINITY,
				}),
		).not.toThrow();
	});
	it("tombstones expire and then allow adds", async () => {
		let now = 0;
		const m = new LocalMapStorage<string, Item>({ keyOf, now: () => now });
		await m.invalidateMulti(["a"], 50);
		expect(await m.addMulti([item("a", 1)])).toEqual([false]);
		now = 50;
		expect(await m.addMulti([item("a", 1)])).toEqual([true]);
		expect(await m.get("a")).toEqual(item("a", 1));
	});
});

describe("codecs", () => {
	it("json round-trips and rejects what JSON cannot carry", () => {
		const c = jsonCodec<Item>();
		expect(c.decode(c.encode(item("k", 1, "é✓")))).toEqual(item("k", 1, "é✓"));
		expect(() => jsonCodec<unknown>().encode(10n)).toThrow(/json codec/);
		expect(() => jsonCodec<unknown>().encode(undefined)).toThrow(/json codec/);
		expect(() => c.decode(Uint8Array.from([0xff, 0xfe]))).toThrow(
			expect.objectContaining({ code: "ERR_CACHING_CODEC" }),
		);
	});
	it("v8 round-trips bigints, dates, maps", () => {
		const c = v8Codec<{ n: bigint; d: Date; m: Map<string, number> }>();
		const v = { n: 2n ** 80n, d: new Date(5), m: new Map([["a", 1]]) };
		expect(c.decode(c.encode(v))).toEqual(v);
		expect(() => c.decode(Uint8Array.from([1, 2, 3]))).toThrow(/v8 codec/);
	});
	it("bytes passes Uint8Arrays through and refuses anything else", () => {
		const c = bytesCodec();
		const b = Uint8Array.from([0, 1, 255]);
		expect(c.decode(c.encode(b))).toBe(b);
		expect(() => c.encode("x" as unknown as Uint8Array)).toThrow(/Uint8Array/);
	});
});

import { describe, expect, it } from "vitest";
import { MockClient, ResponseStatus } from "../../src/index.js";

const b = (s: string) => Buffer.from(s);

describe("MockClient (real-server semantics)", () => {
	it("add of a new item succeeds with CAS 1; a second add is KeyExists (godropbox's mock says ItemNotStored)", async () => {
		const m = new MockClient();
		const r = await m.add({ key: "k", value: b("v") });
		expect(r).toMatchObject({ status: 0, dataVersionId: 1n });
		const g = await m.get("k");
		expect(g).toMatchObject({ status: 0, dataVersionId: 1n });
		expect(g.value?.toString()).toBe("v");
		expect((await m.add({ key: "k", value: b("w") })).status).toBe(
			ResponseStatus.KeyExists,
		);
	});

	it("addMulti keeps input order; an empty list gives an empty list", async () => {
		const m = new MockClient();
		const r = await m.addMulti([
			{ key: "a", value: b("1") },
			{ key: "b", value: b("2") },
		]);
		expect(r.map((x) => [x.key, x.dataVersionId])).toEqual([
			["a", 1n],
			["b", 2n],
		]);
		expect(await m.addMulti([])).toEqual([]);
	});

	it("CAS, replace, append/prepend, delete", async () => {
		const m = new MockClient();
		const s = await m.set({ key: "k", value: b("mid"), flags: 4 });
		expect(
			(
				await m.set({
					key: "k",
					value: b("x"),
					dataVersionId: s.dataVersionId + 5n,
				})
			).status,
		).toBe(ResponseStatus.KeyExists);
		expect(
			(await m.set({ key: "nope", value: b("x"), dataVersionId: 3n })).status,
		).toBe(ResponseStatus.KeyNotFound);
		expect((await m.replace({ key: "nope", value: b("x") })).status).toBe(
			ResponseStatus.KeyNotFound,
		);
		await m.append("k", b("-end"));
		await m.prepend("k", b("start-"));
		const g = await m.get("k");
		expect(g.value?.toString()).toBe("start-mid-end");
		expect(g.flags).toBe(4);
		expect((await m.append("nope", b("x"))).status).toBe(
			ResponseStatus.ItemNotStored,
		);
		expect((await m.delete("k")).status).toBe(0);
		expect((await m.delete("k")).status).toBe(ResponseStatus.KeyNotFound);
		expect((await m.get("bad key")).error?.code).toBe(
			"ERR_MEMCACHE_INVALID_KEY",
		);
	});

	it("counters: created holding initValue, decrement clamps at 0 with space padding, increment wraps", async () => {
		const m = new MockClient();
		expect((await m.increment("c", 5n, 10n, 0)).count).toBe(10n);
		expect((await m.increment("c", 5n, 0n, 0)).count).toBe(15n);
		expect((await m.decrement("c", 100n, 0n, 0)).count).toBe(0n);
		expect((await m.get("c")).value?.toString()).toBe("0 ");
		expect((await m.increment("missing", 1n, 0n, 0xffffffff)).status).toBe(
			ResponseStatus.KeyNotFound,
		);
		await m.set({ key: "big", value: b("18446744073709551615") });
		expect((await m.increment("big", 1n, 0n, 0)).count).toBe(0n);
		await m.set({ key: "t", value: b("abc") });
		expect((await m.increment("t", 1n, 0n, 0)).status).toBe(
			ResponseStatus.IncrDecrOnNonNumericValue,
		);
	});

	it("expiration and flush delay are enforced with an injected clock", async () => {
		let now = 1_700_000_000_000;
		const m = new MockClient({ now: () => now });
		await m.set({ key: "ttl", value: b("1"), expiration: 10 });
		await m.set({ key: "abs", value: b("1"), expiration: 2_592_001 });
		expect((await m.get("abs")).status).toBe(ResponseStatus.KeyNotFound);
		now += 9_999;
		expect((await m.get("ttl")).status).toBe(0);
		now += 1;
		expect((await m.get("ttl")).status).toBe(ResponseStatus.KeyNotFound);
		await m.set({ key: "f", value: b("1") });
		await m.flush(5);
		expect((await m.get("f")).status).toBe(0);
		now += 5_000;
		expect((await m.get("f")).status).toBe(ResponseStatus.KeyNotFound);
		await m.close();
		await expect(m.get("f")).rejects.toMatchObject({
			code: "ERR_MEMCACHE_CLIENT_CLOSED",
		});
	});
});

// The features only the meta protocol has, each on real memcached 1.6.18.
import {
	type MemcachedCluster,
	requireServers,
	startMemcached,
} from "@godropbox-ts/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResponseStatus } from "../../src/index.js";
import { RawMetaClient } from "../../src/raw-meta-client.js";

const ok = await requireServers("memcached");
const b = (s: string) => Buffer.from(s);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!ok)("meta-only features on real memcached", () => {
	let cluster: MemcachedCluster;
	let client: RawMetaClient;
	let other: RawMetaClient;

	beforeAll(async () => {
		cluster = await startMemcached();
		const address = cluster.addresses[0] as string;
		client = new RawMetaClient({ address, timeout: 5000 });
		other = new RawMetaClient({ address, timeout: 5000 });
	});
	afterAll(async () => {
		await client?.close();
		await other?.close();
		await cluster?.stop();
	});

	it("leases: vivify on miss (N) gives exactly one caller W, the others Z, until the fill", async () => {
		const first = await client.metaGet("lease", { vivify: 30 });
		expect(first).toMatchObject({
			status: 0,
			win: true,
			otherWinner: false,
			stale: false,
		});
		expect(first.value).toEqual(Buffer.alloc(0));
		// The stub carries the lease TTL (N30): reported because N precedes t in the request.
		expect(first.ttl).toBeGreaterThan(25);
		expect(first.ttl).toBeLessThanOrEqual(30);
		const rest = await Promise.all(
			Array.from({ length: 20 }, (_, i) =>
				(i % 2 ? client : other).metaGet("lease", { vivify: 30 }),
			),
		);
		for (const r of rest) {
			expect(r.win).toBe(false);
			expect(r.otherWinner).toBe(true);
			expect(r.value?.length).toBe(0);
		}
		const fill = await client.metaSet({
			key: "lease",
			value: b("filled"),
			expiration: 300,
		});
		expect(fill.status).toBe(0);
		const after = await other.metaGet("lease", { vivify: 30 });
		expect(after).toMatchObject({ win: false, otherWinner: false });
		expect(after.value?.toString()).toBe("filled");
		// The contract's get sees the same item.
		expect((await other.get("lease")).value?.toString()).toBe("filled");
	});

	it("leases: a CAS from the win makes the fill conditional (a newer write wins)", async () => {
		const w = await client.metaGet("lease-cas", { vivify: 30 });
		expect(w.win).toBe(true);
		await other.set({ key: "lease-cas", value: b("newer") });
		const late = await client.metaSet({
			key: "lease-cas",
			value: b("stale fill"),
			dataVersionId: w.dataVersionId,
		});
		expect(late.status).toBe(ResponseStatus.KeyExists);
		expect((await client.get("lease-cas")).value?.toString()).toBe("newer");
	});

	it("stale-while-revalidate: md I marks stale (X), one reader wins (W), others Z; fill clears it", async () => {
		const set = await client.metaSet({ key: "swr", value: b("v1") });
		const before = set.dataVersionId;
		const inv = await client.metaDelete("swr", {
			invalidate: true,
			staleTtl: 30,
		});
		expect(inv.status).toBe(0);
		const r1 = await client.metaGet("swr");
		expect(r1).toMatchObject({ stale: true, win: true, otherWinner: false });
		expect(r1.value?.toString()).toBe("v1");
		expect(r1.dataVersionId).toBeGreaterThan(before);
		expect(r1.ttl).toBeLessThanOrEqual(30);
		const r2 = await other.metaGet("swr");
		expect(r2).toMatchObject({ stale: true, win: false, otherWinner: true });
		expect(r2.value?.toString()).toBe("v1");
		// A fill that read before the invalidation cannot overwrite it.
		const oldFill = await other.metaSet({
			key: "swr",
			value: b("from-before"),
			dataVersionId: before,
		});
		expect(oldFill.status).toBe(ResponseStatus.KeyExists);
		// The winner's fill, with the CAS it got from the stale read, succeeds and clears X.
		const fill = await client.metaSet({
			key: "swr",
			value: b("v2"),
			dataVersionId: r1.dataVersionId,
		});
		expect(fill.status).toBe(0);
		const r3 = await other.metaGet("swr");
		expect(r3).toMatchObject({ stale: false, win: false, otherWinner: false });
		expect(r3.value?.toString()).toBe("v2");
	});

	it("ms I: an older CAS is accepted but leaves the item stale", async () => {
		const s = await client.metaSet({ key: "msi", value: b("a") });
		await client.metaDelete("msi", { invalidate: true });
		const r = await client.metaSet(
			{ key: "msi", value: b("b"), dataVersionId: s.dataVersionId },
			{ invalidate: true },
		);
		expect(r.status).toBe(0);
		const g = await client.metaGet("msi");
		expect(g.stale).toBe(true);
		expect(g.value?.toString()).toBe("b");
	});

	it("md with C: deletes only on a matching CAS; plain md removes", async () => {
		const s = await client.metaSet({ key: "mdc", value: b("a") });
		expect(
			(await client.metaDelete("mdc", { cas: s.dataVersionId + 1n })).status,
		).toBe(ResponseStatus.KeyExists);
		expect(
			(await client.metaDelete("mdc", { cas: s.dataVersionId })).status,
		).toBe(0);
		expect((await client.metaGet("mdc")).status).toBe(
			ResponseStatus.KeyNotFound,
		);
		const nf = await client.metaDelete("mdc");
		expect(nf.status).toBe(ResponseStatus.KeyNotFound);
	});

	it("recache (R): below the threshold one reader wins while all get the value", async () => {
		await client.metaSet({ key: "early", value: b("v"), expiration: 10 });
		const r1 = await client.metaGet("early", { recacheBelow: 30 });
		expect(r1).toMatchObject({ win: true, stale: false });
		expect(r1.value?.toString()).toBe("v");
		const r2 = await other.metaGet("early", { recacheBelow: 30 });
		expect(r2).toMatchObject({ win: false, otherWinner: true });
		expect(r2.value?.toString()).toBe("v");
		const r3 = await other.metaGet("early", { recacheBelow: 5 });
		expect(r3.win).toBe(false);
	});

	it("TTL: t reports the remaining TTL (-1 = none); T updates it in-line on a hit", async () => {
		await client.metaSet({ key: "ttl-none", value: b("v") });
		expect((await client.metaGet("ttl-none")).ttl).toBe(-1);
		await client.metaSet({ key: "ttl", value: b("v"), expiration: 50 });
		const g = await client.metaGet("ttl", { value: false });
		expect(g.value).toBeUndefined();
		expect(g.ttl).toBeGreaterThan(45);
		expect(g.ttl).toBeLessThanOrEqual(50);
		const touched = await client.metaGet("ttl", { touch: 1000 });
		expect(touched.ttl).toBeGreaterThan(990);
		expect(touched.value?.toString()).toBe("v");
		expect((await client.metaGet("ttl", { value: false })).ttl).toBeGreaterThan(
			990,
		);
		// T on a miss creates nothing.
		const miss = await client.metaGet("ttl-miss", { touch: 100 });
		expect(miss.status).toBe(ResponseStatus.KeyNotFound);
		expect(miss.ttl).toBeUndefined();
	});

	it("hit-before (h) and last access (l) report the state before the call; u leaves it alone", async () => {
		await client.metaSet({ key: "hl", value: b("v") });
		const g1 = await client.metaGet("hl", { noBump: true });
		expect(g1.hitBefore).toBe(false);
		const g2 = await client.metaGet("hl");
		expect(g2.hitBefore).toBe(false);
		const g3 = await client.metaGet("hl");
		expect(g3.hitBefore).toBe(true);
		// memcached's clock ticks once a second: wait for at least two ticks.
		await sleep(2100);
		const g4 = await client.metaGet("hl");
		expect(g4.lastAccess).toBeGreaterThanOrEqual(1);
		const g5 = await client.metaGet("hl");
		expect(g5.lastAccess).toBeLessThanOrEqual(1);
	});

	it("base64 keys (b): binary-unsafe keys round-trip; printable byte keys name the same item", async () => {
		const keys: (string | Uint8Array)[] = [
			"key with spaces",
			"line\r\nbreak",
			"\u0000nul",
			Buffer.from([0, 1, 2, 0xff, 0x20, 0x0a]),
			Buffer.alloc(186, 0x20),
		];
		for (const [i, key] of keys.entries()) {
			const s = await client.metaSet({ key, value: b(`v${i}`), flags: i });
			expect(s.status).toBe(0);
			expect(s.key).toBe(key);
		}
		for (const [i, key] of keys.entries()) {
			const g = await other.metaGet(key);
			expect(g.value?.toString()).toBe(`v${i}`);
			expect(g.flags).toBe(i);
		}
		// Same bytes, different spellings: a string key and its UTF-8 bytes are one item.
		expect((await other.metaGet(b("key with spaces"))).value?.toString()).toBe(
			"v0",
		);
		await client.metaSet({ key: b("plain-bytes"), value: b("p") });
		expect((await client.get("plain-bytes")).value?.toString()).toBe("p");
		expect(
			(await client.metaDelete(Buffer.from([0, 1, 2, 0xff, 0x20, 0x0a])))
				.status,
		).toBe(0);
		const tooLong = await client.metaGet(Buffer.alloc(187, 0x20));
		expect(tooLong.error?.code).toBe("ERR_MEMCACHE_INVALID_KEY");
		expect((await client.metaGet("")).error?.code).toBe(
			"ERR_MEMCACHE_INVALID_KEY",
		);
		expect((await client.metaGet("\ud800")).error?.code).toBe(
			"ERR_MEMCACHE_INVALID_KEY",
		);
		// A 250-byte printable key needs no base64 and is accepted.
		expect(
			(await client.metaSet({ key: "k".repeat(250), value: b("x") })).status,
		).toBe(0);
	});

	it("metaSet modes, flags and programmer errors", async () => {
		expect(
			(await client.metaSet({ key: "mode", value: b("b") }, { mode: "add" }))
				.status,
		).toBe(0);
		expect(
			(await client.metaSet({ key: "mode", value: b("x") }, { mode: "add" }))
				.status,
		).toBe(ResponseStatus.ItemNotStored);
		await client.metaSet({ key: "mode", value: b("c") }, { mode: "append" });
		await client.metaSet({ key: "mode", value: b("a") }, { mode: "prepend" });
		expect((await client.get("mode")).value?.toString()).toBe("abc");
		expect(
			(
				await client.metaSet(
					{ key: "mode-missing", value: b("x") },
					{ mode: "replace" },
				)
			).status,
		).toBe(ResponseStatus.ItemNotStored);
		const big = await client.metaSet({
			key: "huge",
			value: Buffer.alloc(2_000_000),
		});
		expect(big.error?.code).toBe("ERR_MEMCACHE_INVALID_VALUE");
		await expect(
			client.metaSet(
				{ key: "k", value: b("v") },
				{
					mode: "cas" as unknown as "set",
				},
			),
		).rejects.toMatchObject({ code: "ERR_MEMCACHE_INVALID_ARGUMENT" });
		await expect(client.metaGet("k", { vivify: -1 })).rejects.toMatchObject({
			code: "ERR_MEMCACHE_INVALID_ARGUMENT",
		});
		await expect(client.metaGet(5 as unknown as string)).rejects.toMatchObject({
			code: "ERR_MEMCACHE_INVALID_ARGUMENT",
		});
		await expect(
			client.metaDelete("k", { cas: 1 as unknown as bigint }),
		).rejects.toMatchObject({ code: "ERR_MEMCACHE_INVALID_ARGUMENT" });
	});
});

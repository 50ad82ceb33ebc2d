// metaGetMulti: several `mg` in one quiet batch (RawMetaClient) and per shard (ShardedClient).
import {
	type MemcachedCluster,
	requireServers,
	startMemcached,
} from "@godropbox-ts/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	createClient,
	RawMetaClient,
	ResponseStatus,
	type ShardedClient,
} from "../../src/index.js";

const ok = await requireServers("memcached");
const b = (s: string) => Buffer.from(s);

describe.skipIf(!ok)("metaGetMulti on real memcached", () => {
	let cluster: MemcachedCluster;
	let sharded: ShardedClient;
	let raw: RawMetaClient;
	let binary: ShardedClient;

	beforeAll(async () => {
		cluster = await startMemcached({ count: 3 });
		sharded = createClient({
			servers: cluster.addresses,
			protocol: "meta",
			timeout: 5000,
		});
		binary = createClient({ servers: cluster.addresses, protocol: "binary" });
		raw = new RawMetaClient({ address: cluster.addresses[0] as string });
	});
	afterAll(async () => {
		await sharded?.close();
		await binary?.close();
		await raw?.close();
		await cluster?.stop();
	});

	it("protocol getter", () => {
		expect(sharded.protocol).toBe("meta");
		expect(binary.protocol).toBe("binary");
	});

	it("raw: hits, silent misses, invalid keys, duplicates, in input order", async () => {
		await raw.metaSet({ key: "rg1", value: b("one"), flags: 7 });
		await raw.metaSet({ key: "rg2", value: b("two") });
		const rs = await raw.metaGetMulti(["rg2", "nope", "rg1", "", "rg2"]);
		expect(rs.map((r) => r.value?.toString())).toEqual([
			"two",
			undefined,
			"one",
			undefined,
			"two",
		]);
		expect(rs.map((r) => r.status)).toEqual([
			0,
			ResponseStatus.KeyNotFound,
			0,
			ResponseStatus.ClientError,
			0,
		]);
		expect(rs[2]?.flags).toBe(7);
		expect(rs[3]?.error?.code).toBe("ERR_MEMCACHE_INVALID_KEY");
		expect(await raw.metaGetMulti([])).toEqual([]);
	});

	it("raw: with vivify each missing key gets one winner, then otherWinner", async () => {
		const first = await raw.metaGetMulti(["rv1", "rv2"], { vivify: 30 });
		expect(first.map((r) => [r.win, r.otherWinner])).toEqual([
			[true, false],
			[true, false],
		]);
		expect(first.every((r) => r.dataVersionId > 0n)).toBe(true);
		const second = await raw.metaGetMulti(["rv1", "rv2"], { vivify: 30 });
		expect(second.map((r) => [r.win, r.otherWinner])).toEqual([
			[false, true],
			[false, true],
		]);
	});

	it("sharded: keys across 3 shards in input order, leases per key", async () => {
		const keys = Array.from({ length: 60 }, (_, i) => `sg${i}`);
		await sharded.setMulti(
			keys.filter((_, i) => i % 2 === 0).map((k) => ({ key: k, value: b(k) })),
		);
		const rs = await sharded.metaGetMulti(keys, { vivify: 30 });
		expect(rs).toHaveLength(60);
		rs.forEach((r, i) => {
			expect(r.key).toBe(keys[i]);
			if (i % 2 === 0) {
				expect(r.value?.toString()).toBe(keys[i]);
				expect(r.win).toBe(false);
			} else {
				expect(r.value?.length).toBe(0);
				expect(r.win).toBe(true);
			}
		});
		for (const s of sharded.stats()) expect(s.requests).toBeGreaterThan(0);
	});

	it("sharded over binary: NotSupportedError responses", async () => {
		const rs = await binary.metaGetMulti(["a", "b"]);
		expect(rs.map((r) => r.error?.code)).toEqual([
			"ERR_MEMCACHE_NOT_SUPPORTED",
			"ERR_MEMCACHE_NOT_SUPPORTED",
		]);
	});
});

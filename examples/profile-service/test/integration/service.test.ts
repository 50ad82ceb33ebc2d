import {
	type MemcachedCluster,
	requireServers,
	startMemcached,
} from "@godropbox-ts/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningService, startService } from "../../src/app.js";
import { checkConsistency } from "../../src/consistency.js";
import { databaseTarget } from "../../src/database.js";
import { runLoad } from "../../src/load-run.js";
import type { Profile } from "../../src/profile.js";
import { createStack } from "../../src/stack.js";
import { openTestStack, type TestStack } from "../helpers/stack.js";

const PROFILES = 5000;
const ok = await requireServers("memcached");

describe.skipIf(!ok)("the service on real memcached ×3 and SQLite", () => {
	let cluster: MemcachedCluster;
	let t: TestStack;
	let service: RunningService;

	beforeAll(async () => {
		cluster = await startMemcached({ count: 3, memoryMb: 16 });
		t = await openTestStack(cluster.addresses, PROFILES);
		service = await startService({ stack: t.stack, viewer: false });
	});
	afterAll(async () => {
		await service?.close();
		await t?.close();
		await cluster?.stop();
	});

	const call = async (method: string, path: string, body?: unknown) => {
		const res = await fetch(service.url + path, {
			method,
			...(body === undefined
				? {}
				: {
						body: JSON.stringify(body),
						headers: { "content-type": "application/json" },
					}),
		});
		const text = await res.text();
		return { status: res.status, json: text ? JSON.parse(text) : undefined };
	};

	it("reads through the cache: a miss fills memcache, the next read hits", async () => {
		const before = t.stack.cacheCounters();
		const first = await call("GET", "/profiles/42");
		expect(first.status).toBe(200);
		expect(first.json).toMatchObject({
			id: 42,
			email: expect.stringMatching(/\.42@example\.com$/),
		});
		expect((await t.stack.readCached([42]))[0]).toEqual(first.json);
		const second = await call("GET", "/profiles/42");
		expect(second.json).toEqual(first.json);
		const after = t.stack.cacheCounters();
		expect(after.misses - before.misses).toBe(1);
		expect(after.hits - before.hits).toBe(1);
		expect(after.fills - before.fills).toBe(1);
	});

	it("speaks the meta protocol with meta leases: two instances × 20 concurrent gets of a cold id → one database read", async () => {
		expect(t.stack.cacheDescription).toMatch(
			/; meta protocol, .*; meta leases$/,
		);
		// A second service instance over the same database and memcached: its own client and its
		// own coalescing, so only memcached's leases (mg … N → one W) can keep it to one read.
		const other = await createStack({
			knex: t.knex,
			database: databaseTarget(undefined, t.dataDir),
			memcacheServers: cluster.addresses,
		});
		try {
			await Promise.all([t.stack.store.get(1), other.store.get(1)]); // connect both
			let reads = 0;
			const onQuery = (q: { sql: string }) => {
				if (/^select\b/i.test(q.sql) && q.sql.includes("profiles")) reads++;
			};
			t.knex.on("query", onQuery);
			try {
				const got = await Promise.all(
					[t.stack, other].flatMap((s) =>
						Array.from({ length: 20 }, () => s.store.get(4321)),
					),
				);
				expect(got.every((p) => p?.id === 4321)).toBe(true);
			} finally {
				t.knex.off("query", onQuery);
			}
			expect(reads).toBe(1);
		} finally {
			await other.close();
		}
	});

	it("PUT writes the database and invalidates the cached entry", async () => {
		await call("GET", "/profiles/43");
		const put = await call("PUT", "/profiles/43", {
			name: "Grace Hopper",
			email: "grace@example.com",
			bio: "COBOL",
		});
		expect(put.status).toBe(200);
		expect((await t.stack.readDatabase([43]))[0]).toEqual(put.json);
		expect((await t.stack.readCached([43]))[0]).toBeUndefined();
		expect((await call("GET", "/profiles/43")).json).toEqual(put.json);
	});

	it("DELETE removes the row and the cache entry; GET then answers 404", async () => {
		await call("GET", "/profiles/44");
		expect((await call("DELETE", "/profiles/44")).status).toBe(204);
		expect((await t.stack.readDatabase([44]))[0]).toBeUndefined();
		expect((await t.stack.readCached([44]))[0]).toBeUndefined();
		expect((await call("GET", "/profiles/44")).status).toBe(404);
	});

	it("multi-gets across the shards, and the keys spread over all three", async () => {
		const ids = Array.from({ length: 60 }, (_, i) => 100 + i);
		const res = await call("GET", `/profiles?ids=${ids.join(",")}`);
		expect(res.status).toBe(200);
		expect(res.json.profiles.map((p: Profile) => p.id)).toEqual(ids);
		expect(res.json.missing).toEqual([]);
		const shards = t.stack.shards();
		expect(shards.map((s) => s.address)).toEqual(cluster.addresses);
		for (const s of shards) expect(s.requests).toBeGreaterThan(0);
		expect(t.stack.pools().length).toBe(3);
	});

	it("a WriteOnly shard is skipped; writes meanwhile do not leave stale entries once it is Active again", async () => {
		const address = cluster.addresses[1] as string;
		const ids = Array.from({ length: 60 }, (_, i) => 100 + i);
		await call("GET", `/profiles?ids=${ids.join(",")}`); // all 60 cached
		await t.stack.setShardState(address, "WriteOnly");
		let written: number[] = [];
		try {
			const skippedBefore = t.stack.shards()[1]?.skipped ?? 0;
			const res = await call("GET", `/profiles?ids=${ids.join(",")}`);
			expect(res.json.profiles).toHaveLength(60);
			expect(t.stack.shards()[1]?.state).toBe("WriteOnly");
			expect(t.stack.shards()[1]?.skipped ?? 0).toBeGreaterThan(skippedBefore);
			// Rewrite every profile: the invalidations of shard 1's keys are skipped.
			written = ids;
			for (const id of written)
				await call("PUT", `/profiles/${id}`, {
					name: `New ${id}`,
					email: `n${id}@example.com`,
				});
		} finally {
			await t.stack.setShardState(address, "Active");
		}
		expect(t.stack.shards()[1]?.state).toBe("Active");
		// Back to Active: the shard was flushed first, so nothing cached there predates the writes.
		const report = await checkConsistency(t.stack, 200);
		expect(report.stale).toBe(0);
		const after = await call("GET", `/profiles?ids=${written.join(",")}`);
		for (const p of after.json.profiles as Profile[])
			expect(p.name).toBe(`New ${p.id}`);
		await expect(t.stack.setShardState("127.0.0.1:1", "Down")).rejects.toThrow(
			/no memcache shard '127.0.0.1:1'/,
		);
	});

	it("a short load run ends with no failures and stale = 0", async () => {
		const load = await runLoad({
			baseUrl: service.url,
			durationMs: 2500,
			concurrency: 16,
			profiles: PROFILES,
			zipfExponent: 1.1,
			seed: 11,
		});
		expect(load.failureSamples).toEqual([]);
		expect(load.failures).toBe(0);
		expect(load.requests).toBeGreaterThan(100);
		expect(load.byKind.put).toBeGreaterThan(0);
		expect(load.byKind.delete).toBeGreaterThan(0);
		const report = await checkConsistency(t.stack, PROFILES);
		expect(report.checked).toBe(PROFILES);
		expect(report.cached).toBeGreaterThan(50);
		expect(report.stale).toBe(0);
	});

	it("the consistency check does find a stale entry planted behind the cache's back", async () => {
		// A row the load run never touched (its ids are 1..5000), read once so it is cached.
		await t.knex("profiles").insert({
			id: 6001,
			name: "X",
			email: "x@example.com",
			bio: "",
			updated_at: "t",
		});
		expect((await call("GET", "/profiles/6001")).status).toBe(200);
		expect((await t.stack.readCached([6001]))[0]?.id).toBe(6001);
		// Change the row directly in the database: the cached copy is now stale.
		await t
			.knex("profiles")
			.where({ id: 6001 })
			.update({ bio: "changed behind the cache" });
		const report = await checkConsistency(t.stack, 6001);
		expect(report.stale).toBe(1);
		expect(report.staleIds).toEqual([6001]);
	});
});

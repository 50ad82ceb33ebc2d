import {
	createRedisNamespace,
	type RedisClusterHandle,
	type RedisClusterNode,
	requireRedisCluster,
	requireServers,
	startRedisCluster,
} from "@godropbox-ts/test-utils";
import { Cluster, type ClusterOptions, Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CacheOnStorage, LocalMapStorage, RedisStorage } from "../src/index.js";
import { redisKeySlot } from "../src/internal/redis-key-slot.js";
import { storageConformanceSuite } from "./helpers/conformance.js";
import { type Item, item, keyOf } from "./helpers/items.js";

const ok = requireRedisCluster();

describe.skipIf(!ok)("RedisStorage on a real Redis Cluster (3 masters)", () => {
	let rc: RedisClusterHandle;
	const opened: { disconnect(): void }[] = [];
	let seq = 0;

	beforeAll(async () => {
		rc = await startRedisCluster({ masters: 3 });
	}, 60_000);
	afterAll(async () => {
		for (const c of opened) c.disconnect();
		await rc?.stop();
	});

	const startup = () => rc.nodes.map(({ host, port }) => ({ host, port }));
	const cluster = (options?: ClusterOptions): Cluster => {
		const c = new Cluster(startup(), options);
		opened.push(c);
		return c;
	};
	const direct = (port: number): Redis => {
		const r = new Redis({ host: "127.0.0.1", port });
		opened.push(r);
		return r;
	};
	/** The port of the master serving `slot`, from CLUSTER SLOTS of node 0. */
	const ownerOf = async (slot: number): Promise<number> => {
		const ranges = (await direct(rc.nodes[0]?.port ?? 0).call(
			"CLUSTER",
			"SLOTS",
		)) as [number, number, [string, number]][];
		const r = ranges.find(([lo, hi]) => slot >= lo && slot <= hi);
		if (r === undefined) throw new Error(`slot ${slot} is not served`);
		return r[2][1];
	};
	/** The master serving `slot` and another master to move it to. */
	const ownerAndOther = async (
		slot: number,
	): Promise<{ from: RedisClusterNode; to: RedisClusterNode }> => {
		const fromPort = await ownerOf(slot);
		const from = rc.nodes.find((n) => n.port === fromPort);
		const to = rc.nodes.find((n) => n.role === "master" && n.port !== fromPort);
		if (from === undefined || to === undefined) throw new Error("bad topology");
		return { from, to };
	};
	/**
	 * Moves `slot` from master `from` to master `to` step by step (cluster spec, "Live
	 * resharding"): `begin` marks it IMPORTING on `to` and MIGRATING on `from`, `migrate`
	 * moves keys, `assign` tells every node that `to` serves it.
	 */
	const slotMove = (
		slot: number,
		from: RedisClusterNode,
		to: RedisClusterNode,
	) => {
		const src = direct(from.port);
		const dst = direct(to.port);
		return {
			src,
			dst,
			begin: async (): Promise<void> => {
				await dst.call(
					"CLUSTER",
					"SETSLOT",
					String(slot),
					"IMPORTING",
					from.id,
				);
				await src.call("CLUSTER", "SETSLOT", String(slot), "MIGRATING", to.id);
			},
			migrate: (...keys: string[]): Promise<unknown> =>
				src.call(
					"MIGRATE",
					to.host,
					String(to.port),
					"",
					"0",
					"5000",
					"KEYS",
					...keys,
				),
			assign: async (): Promise<void> => {
				for (const n of rc.nodes)
					await direct(n.port).call(
						"CLUSTER",
						"SETSLOT",
						String(slot),
						"NODE",
						to.id,
					);
			},
		};
	};

	storageConformanceSuite("RedisStorage.connectCluster, prefix", async () => {
		const storage = await RedisStorage.connectCluster<string, Item>(startup(), {
			keyOf,
			prefix: `conf${++seq}:`,
		});
		return {
			storage,
			close: () => storage.close(),
			ttl: { ttlMs: 40, waitMs: 150 },
		};
	});

	storageConformanceSuite(
		"RedisStorage on a passed-in Cluster, no prefix (flush = FLUSHDB on every master)",
		async () => {
			const storage = new RedisStorage<string, Item>(cluster(), { keyOf });
			return { storage, ttl: { ttlMs: 40, waitMs: 150 } };
		},
	);

	it("the internal slot function agrees with CLUSTER KEYSLOT (hashtags, UTF-8, edge cases)", async () => {
		const r = direct(rc.nodes[1]?.port ?? 0);
		const keys = [
			"",
			"foo",
			"123456789",
			"{user1000}.following",
			"{user1000}.followers",
			"foo{}{bar}",
			"foo{{bar}}zap",
			"foo{bar}{zap}",
			"{}",
			"}{",
			"{",
			"a{b",
			"héllo ✓ {ключ} 🙂",
			"日本語のキー",
			...Array.from({ length: 200 }, (_, i) => `k${i}:${"x".repeat(i % 7)}`),
		];
		for (const k of keys)
			expect([k, redisKeySlot(k)]).toEqual([
				k,
				await r.call("CLUSTER", "KEYSLOT", k),
			]);
	});

	it("a multi-key DEL across slots fails with CROSSSLOT on a cluster node (why grouping is needed)", async () => {
		const c = cluster();
		await c.set("{a}x", "1");
		await c.set("{a}y", "1");
		const port = await ownerOf(redisKeySlot("{a}x"));
		// Two keys on the same node, different slots: still refused.
		let other = "z0";
		for (
			let i = 0;
			redisKeySlot(other) === redisKeySlot("a") ||
			(await ownerOf(redisKeySlot(other))) !== port;
			i++
		) {
			if (i > 500) throw new Error("no second key on that node");
			other = `z${i}`;
		}
		await expect(direct(port).del("{a}x", other)).rejects.toThrow(/CROSSSLOT/);
		expect(await direct(port).del("{a}x", "{a}y")).toBe(2);
	});

	it("keys spread over all three masters; each key lives on the master serving its slot", async () => {
		const s = new RedisStorage<string, Item>(cluster(), {
			keyOf,
			prefix: "spread:",
		});
		const items = Array.from({ length: 90 }, (_, i) => item(`u${i}`, i));
		await s.setMulti(items);
		const masterPorts = rc.nodes
			.filter((n) => n.role === "master")
			.map((n) => n.port);
		const perMaster = new Map<number, number>();
		for (const it of items) {
			const k = `spread:${it.key}`;
			const slot = redisKeySlot(k);
			const port = await ownerOf(slot);
			perMaster.set(port, (perMaster.get(port) ?? 0) + 1);
			expect(await direct(port).exists(k)).toBe(1);
			for (const p of masterPorts.filter((x) => x !== port))
				await expect(direct(p).get(k)).rejects.toThrow(/MOVED/);
		}
		expect([...perMaster.keys()].sort()).toEqual([...masterPorts].sort());
		for (const n of perMaster.values()) expect(n).toBeGreaterThan(10);
	});

	it("getMulti/setMulti/deleteMulti across slots keep input order, one pipeline per master", async () => {
		const client = cluster();
		const s = new RedisStorage<string, Item>(client, { keyOf, prefix: "ord:" });
		const keys = Array.from({ length: 100 }, (_, i) => `o${i}`);
		expect(
			new Set(keys.map((k) => redisKeySlot(`ord:${k}`))).size,
		).toBeGreaterThan(90);
		await s.get("warm-up");
		const spy = vi.spyOn(client, "pipeline");
		await s.setMulti(keys.map((k, i) => item(k, i)));
		expect(spy).toHaveBeenCalledTimes(3);
		const ask = [...keys].reverse();
		ask.splice(10, 0, "missing", "o3");
		const want = ask.map((k) =>
			k === "missing" ? undefined : item(k, Number(k.slice(1))),
		);
		expect(await s.getMulti(ask)).toEqual(want);
		expect(spy).toHaveBeenCalledTimes(6);
		const gone = keys.filter((_, i) => i % 3 === 0);
		await s.deleteMulti([...gone, "never-there"]);
		expect(await s.getMulti(keys)).toEqual(
			keys.map((k, i) => (i % 3 === 0 ? undefined : item(k, i))),
		);
		spy.mockRestore();
	});

	it("a hashtag prefix puts every key in one slot (one node, one pipeline)", async () => {
		const client = cluster();
		const s = new RedisStorage<string, Item>(client, {
			keyOf,
			prefix: "{tag}:",
		});
		await s.get("warm-up");
		const spy = vi.spyOn(client, "pipeline");
		await s.setMulti([item("a", 1), item("b", 2), item("c", 3)]);
		expect(spy).toHaveBeenCalledTimes(1);
		spy.mockRestore();
		const port = await ownerOf(redisKeySlot("{tag}"));
		expect(await direct(port).exists("{tag}:a", "{tag}:b", "{tag}:c")).toBe(3);
		expect(await s.getMulti(["c", "a", "b"])).toEqual([
			item("c", 3),
			item("a", 1),
			item("b", 2),
		]);
	});

	it("before the client is ready, multi-ops go key by key through ioredis (lazyConnect)", async () => {
		const client = cluster({ lazyConnect: true });
		const s = new RedisStorage<string, Item>(client, {
			keyOf,
			prefix: "lazy:",
		});
		expect(client.status).toBe("wait");
		await s.setMulti([item("a", 1), item("b", 2), item("c", 3)]);
		expect(await s.getMulti(["b", "x", "a", "c"])).toEqual([
			item("b", 2),
			undefined,
			item("a", 1),
			item("c", 3),
		]);
		const s2 = new RedisStorage<string, Item>(cluster({ lazyConnect: true }), {
			keyOf,
			prefix: "lazy:",
		});
		await s2.flush();
		expect(await s.getMulti(["a", "b", "c"])).toEqual([
			undefined,
			undefined,
			undefined,
		]);
	});

	it("flush deletes only its own prefix on every master; glob characters in the prefix are literal", async () => {
		const client = cluster();
		const a = new RedisStorage<string, Item>(client, { keyOf, prefix: "f*" });
		const b = new RedisStorage<string, Item>(client, { keyOf, prefix: "fb:" });
		const q = new RedisStorage<string, Item>(client, { keyOf, prefix: "f?" });
		const items = Array.from({ length: 60 }, (_, i) => item(`x${i}`, i));
		await a.setMulti(items);
		await b.setMulti(items);
		await q.setMulti(items);
		await a.flush();
		expect(
			(await a.getMulti(items.map((x) => x.key))).every((v) => v === undefined),
		).toBe(true);
		expect(await b.getMulti(items.map((x) => x.key))).toEqual(items);
		expect(await q.getMulti(items.map((x) => x.key))).toEqual(items);
		await q.flush();
		expect(await b.getMulti(items.map((x) => x.key))).toEqual(items);
		const left = await Promise.all(
			client.nodes("master").map((n) => n.keys("f\\**")),
		);
		expect(left.flat()).toEqual([]);
	});

	it("connectCluster pins RESP2 on every node connection; close() disconnects only what it created", async () => {
		const s = await RedisStorage.connectCluster<string, Item>(startup(), {
			keyOf,
			prefix: "p:",
		});
		const c = s.client as Cluster;
		expect(c.options.redisOptions).toMatchObject({ protocol: 2 });
		for (const n of c.nodes("all"))
			expect(n.options).toMatchObject({ protocol: 2 });
		const conns = c.nodes("all");
		expect(conns.length).toBe(3);
		await s.set(item("x", 1));
		await s.close();
		expect(c.status).toBe("end");
		// Every node connection is closed when close() resolves, not just asked to quit.
		expect(conns.map((n) => n.status)).toEqual(conns.map(() => "end"));
		await expect(s.get("x")).rejects.toMatchObject({
			code: "ERR_CACHING_CLOSED",
		});

		const mine = cluster();
		const t = new RedisStorage<string, Item>(mine, { keyOf, prefix: "p:" });
		await t.close();
		expect(await mine.get("p:x")).not.toBeNull();
	});

	it("a server-side failure on one master rejects with ERR_CACHING_BACKEND", async () => {
		const client = cluster();
		await client.hset("bad:h", "f", "v");
		const s = new RedisStorage<string, Item>(client, { keyOf, prefix: "bad:" });
		const keys = ["h", ...Array.from({ length: 20 }, (_, i) => `ok${i}`)];
		await expect(s.getMulti(keys)).rejects.toMatchObject({
			code: "ERR_CACHING_BACKEND",
			backend: "redis",
		});
	});

	it("works as the cache of a CacheOnStorage (fill guard: SET NX + tombstones across slots)", async () => {
		const cache = new RedisStorage<string, Item>(cluster(), {
			keyOf,
			prefix: "cos:",
		});
		const db = new LocalMapStorage<string, Item>({ keyOf });
		const keys = Array.from({ length: 30 }, (_, i) => `c${i}`);
		await db.setMulti(keys.map((k, i) => item(k, i)));
		const c = new CacheOnStorage(cache, db, { keyOf, tombstoneTtl: 50 });
		expect(await c.getMulti(keys)).toEqual(keys.map((k, i) => item(k, i)));
		expect(await cache.getMulti(keys)).toEqual(keys.map((k, i) => item(k, i)));
		await c.setMulti(keys.map((k, i) => item(k, i + 100)));
		expect(await cache.getMulti(keys)).toEqual(keys.map(() => undefined));
		await new Promise((r) => setTimeout(r, 120));
		expect(await c.getMulti(keys)).toEqual(
			keys.map((k, i) => item(k, i + 100)),
		);
		expect(await cache.getMulti(keys)).toEqual(
			keys.map((k, i) => item(k, i + 100)),
		);
	});

	it("a slot moved under a stale slot table (resharding): MOVED commands are resent key by key", async () => {
		const client = cluster();
		const s = new RedisStorage<string, Item>(client, { keyOf, prefix: "mv:" });
		const keys = Array.from({ length: 40 }, (_, i) => `m${i}`);
		await s.setMulti(keys.map((k, i) => item(k, i)));
		const slot = redisKeySlot("mv:m0");
		const { from, to } = await ownerAndOther(slot);
		const movedKeys = keys.filter((k) => redisKeySlot(`mv:${k}`) === slot);
		expect(movedKeys).toEqual(["m0"]);
		// Migrate the slot and its key from `from` to `to`.
		const move = slotMove(slot, from, to);
		const { src, dst } = move;
		await move.begin();
		await move.migrate("mv:m0");
		await move.assign();
		// The client still believes `from` serves the slot.
		expect(client.slots[slot]?.[0]).toBe(`127.0.0.1:${from.port}`);
		const expected = keys.map((k, i) => item(k, i));
		expect(await s.getMulti(keys)).toEqual(expected);
		// ioredis followed the redirection of the resent GET and now knows the new owner.
		await vi.waitFor(
			() => expect(client.slots[slot]?.[0]).toBe(`127.0.0.1:${to.port}`),
			{
				timeout: 10_000,
				interval: 50,
			},
		);
		expect(await dst.exists("mv:m0")).toBe(1);
		expect(await s.getMulti(keys)).toEqual(expected);

		// The same for writes and deletes, with a second client whose table is stale again.
		const stale = cluster();
		const t = new RedisStorage<string, Item>(stale, { keyOf, prefix: "mv:" });
		await t.get("warm-up");
		const back = slotMove(slot, to, from);
		await back.begin();
		await back.migrate("mv:m0");
		await back.assign();
		expect(stale.slots[slot]?.[0]).toBe(`127.0.0.1:${to.port}`);
		await t.setMulti(keys.map((k, i) => item(k, i + 500)));
		expect(await src.exists("mv:m0")).toBe(1);
		expect(await t.getMulti(keys)).toEqual(
			keys.map((k, i) => item(k, i + 500)),
		);
		await t.deleteMulti(keys);
		expect(await t.getMulti(keys)).toEqual(keys.map(() => undefined));
	});

	it("a slot mid-migration (ASK): keys already moved and keys not yet moved are both read and written right", async () => {
		const client = cluster();
		const s = new RedisStorage<string, Item>(client, {
			keyOf,
			prefix: "{ask}",
		});
		const keys = ["a", "b", "c"];
		const others = Array.from({ length: 20 }, (_, i) => `o${i}`);
		const plain = new RedisStorage<string, Item>(client, {
			keyOf,
			prefix: "ask:",
		});
		await plain.setMulti(others.map((k, i) => item(k, i)));
		await s.setMulti(keys.map((k, i) => item(k, i)));
		const slot = redisKeySlot("{ask}");
		const { from, to } = await ownerAndOther(slot);
		const move = slotMove(slot, from, to);
		const { src, dst } = move;
		await move.begin();
		try {
			await move.migrate("{ask}a");
			// "a" answers ASK from the source; "b" and "c" are still served there.
			expect(await s.getMulti(keys)).toEqual(keys.map((k, i) => item(k, i)));
			expect(await plain.getMulti(others)).toEqual(
				others.map((k, i) => item(k, i)),
			);
			await s.setMulti(keys.map((k, i) => item(k, i + 10)));
			expect(await s.getMulti(keys)).toEqual(
				keys.map((k, i) => item(k, i + 10)),
			);
			// Each write went where the key lives: "a" on the target, "b" and "c" on the source.
			await dst.call("ASKING");
			expect(await dst.exists("{ask}a")).toBe(1);
			expect(await src.exists("{ask}b", "{ask}c")).toBe(2);
		} finally {
			await move.migrate("{ask}b", "{ask}c").catch(() => {});
			await move.assign();
		}
		expect(await s.getMulti(keys)).toEqual(keys.map((k, i) => item(k, i + 10)));
		expect(await dst.exists("{ask}a", "{ask}b", "{ask}c")).toBe(3);
	});

	for (const where of ["keyPrefix", "redisOptions.keyPrefix"] as const)
		it(`honours the client's ioredis ${where}: slot groups on the full key, flush only its namespace`, async () => {
			const kp = where === "keyPrefix" ? "kpa:" : "kpb:";
			const client = cluster(
				where === "keyPrefix"
					? { keyPrefix: kp }
					: { redisOptions: { keyPrefix: kp } },
			);
			const plain = cluster();
			await plain.set("bystander", "1");
			const s = new RedisStorage<string, Item>(client, { keyOf });
			await s.get("warm-up");
			const pipe = vi.spyOn(client, "pipeline");
			const set = vi.spyOn(client, "set");
			const get = vi.spyOn(client, "getBuffer");
			const items = Array.from({ length: 60 }, (_, i) => item(`k${i}`, i));
			await s.setMulti(items);
			expect(await s.getMulti(items.map((x) => x.key))).toEqual(items);
			// Grouped right: one pipeline per master, no key-by-key fallback.
			expect(pipe).toHaveBeenCalledTimes(6);
			expect(set).not.toHaveBeenCalled();
			expect(get).not.toHaveBeenCalled();
			vi.restoreAllMocks();
			expect([
				await plain.exists(`${kp}k0`),
				await plain.exists(`${kp}k59`),
			]).toEqual([1, 1]);
			await s.flush();
			expect([
				await plain.exists(`${kp}k0`),
				await plain.exists(`${kp}k59`),
			]).toEqual([0, 0]);
			expect(await s.getMulti(items.map((x) => x.key))).toEqual(
				items.map(() => undefined),
			);
			expect(await plain.get("bystander")).toBe("1");
		});
});

const standalone = await requireServers("redis");

describe.skipIf(!standalone)(
	"RedisStorage on standalone Redis with an ioredis keyPrefix",
	() => {
		it("flush with an empty storage prefix deletes only the client's keyPrefix namespace (not FLUSHDB)", async () => {
			const mine = await createRedisNamespace("caching-kp");
			const theirs = await createRedisNamespace("caching-kp");
			const client = new Redis(mine.url, { keyPrefix: mine.prefix });
			const other = new Redis(theirs.url);
			try {
				await other.set(`${theirs.prefix}x`, "keep");
				const s = new RedisStorage<string, Item>(client, { keyOf });
				const items = Array.from({ length: 30 }, (_, i) => item(`k${i}`, i));
				await s.setMulti(items);
				expect(await other.exists(`${mine.prefix}k0`)).toBe(1);
				await s.flush();
				expect(
					await other.exists(`${mine.prefix}k0`, `${mine.prefix}k29`),
				).toBe(0);
				expect(await s.getMulti(["k0", "k29"])).toEqual([undefined, undefined]);
				expect(await other.get(`${theirs.prefix}x`)).toBe("keep");
			} finally {
				client.disconnect();
				other.disconnect();
				await mine.drop();
				await theirs.drop();
			}
		});
	},
);

// The Client contract on the meta protocol, with the same cases as raw-clients.test.ts (binary
// and ascii); where the protocols differ the meta outcome is asserted and the reason given.
import {
	type MemcachedCluster,
	requireServers,
	startMemcached,
} from "@godropbox-ts/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResponseStatus } from "../../src/index.js";
import { RawMetaClient } from "../../src/raw-meta-client.js";

const ok = await requireServers("memcached");
const NO_CREATE = 0xffffffff;
const b = (s: string) => Buffer.from(s);

describe.skipIf(!ok)(
	"meta raw client: the Client contract on real memcached",
	() => {
		let cluster: MemcachedCluster;
		let client: RawMetaClient;

		beforeAll(async () => {
			cluster = await startMemcached();
			client = new RawMetaClient({
				address: cluster.addresses[0] as string,
				timeout: 5000,
			});
		});
		afterAll(async () => {
			await client?.close();
			await cluster?.stop();
		});

		it("get: miss, hit, empty value, binary value", async () => {
			const miss = await client.get("nope");
			expect(miss).toMatchObject({
				status: ResponseStatus.KeyNotFound,
				error: undefined,
				value: undefined,
				flags: 0,
				dataVersionId: 0n,
			});
			await client.set({ key: "e", value: Buffer.alloc(0) });
			const e = await client.get("e");
			expect(e.status).toBe(0);
			expect(e.value).toEqual(Buffer.alloc(0));
			const bin = Buffer.from([0, 1, 255, 13, 10, 128]);
			await client.set({ key: "bin", value: bin, flags: 0xdeadbeef });
			const r = await client.get("bin");
			expect(r.value?.equals(bin)).toBe(true);
			expect(r.flags).toBe(0xdeadbeef);
			expect(r.dataVersionId).toBeGreaterThan(0n);
		});

		it("getMulti / getSentinels: one entry per distinct key, invalid keys as errors (one text gets)", async () => {
			await client.setMulti([
				{ key: "m1", value: b("one") },
				{ key: "m2", value: b("two") },
			]);
			const r = await client.getMulti(["m1", "m2", "m1", "missing", "bad key"]);
			expect([...r.keys()]).toEqual(["m1", "m2", "missing", "bad key"]);
			expect(r.get("m1")?.value?.toString()).toBe("one");
			expect(r.get("m2")?.value?.toString()).toBe("two");
			expect(r.get("missing")?.status).toBe(ResponseStatus.KeyNotFound);
			expect(r.get("bad key")?.error?.code).toBe("ERR_MEMCACHE_INVALID_KEY");
			const s = await client.getSentinels(["m1"]);
			expect(s.get("m1")?.value?.toString()).toBe("one");
			expect((await client.getMulti([])).size).toBe(0);
			// 100 keys, every other one missing: one gets command, misses have no VALUE block.
			const keys = Array.from({ length: 100 }, (_, i) => `gm${i}`);
			await client.setMulti(
				keys
					.filter((_, i) => i % 2 === 0)
					.map((k) => ({ key: k, value: b(k) })),
			);
			const many = await client.getMulti(keys);
			keys.forEach((k, i) => {
				const g = many.get(k);
				if (i % 2 === 0) expect(g?.value?.toString()).toBe(k);
				else expect(g?.status).toBe(ResponseStatus.KeyNotFound);
			});
		});

		it("concurrent single gets are coalesced and each caller gets its own key", async () => {
			const keys = Array.from({ length: 200 }, (_, i) => `c${i}`);
			await client.setMulti(keys.map((k) => ({ key: k, value: b(`v-${k}`) })));
			const before = client.stats().requests;
			const rs = await Promise.all(keys.map((k) => client.get(k)));
			rs.forEach((r, i) => {
				expect(r.value?.toString()).toBe(`v-${keys[i]}`);
			});
			expect(client.stats().requests - before).toBeLessThan(10);
		});

		it("set with CAS (C): stale CAS → KeyExists, missing key → KeyNotFound, right CAS succeeds", async () => {
			const first = await client.set({ key: "cas", value: b("1") });
			expect(first.error).toBeUndefined();
			// Like binary, a single meta write returns the new CAS (`c`).
			const g = await client.get("cas");
			expect(first.dataVersionId).toBe(g.dataVersionId);
			const ok2 = await client.set({
				key: "cas",
				value: b("2"),
				dataVersionId: g.dataVersionId,
			});
			expect(ok2.status).toBe(0);
			expect(ok2.dataVersionId).toBeGreaterThan(g.dataVersionId);
			const stale = await client.set({
				key: "cas",
				value: b("3"),
				dataVersionId: g.dataVersionId,
			});
			expect(stale.status).toBe(ResponseStatus.KeyExists);
			expect(stale.error?.code).toBe("ERR_MEMCACHE_STATUS");
			const missing = await client.set({
				key: "cas-missing",
				value: b("x"),
				dataVersionId: 12345n,
			});
			expect(missing.status).toBe(ResponseStatus.KeyNotFound);
			expect((await client.get("cas")).value?.toString()).toBe("2");
		});

		it("add / addMulti / replace: NS is ItemNotStored (as ascii), CAS is honoured where memcached does", async () => {
			expect((await client.add({ key: "a1", value: b("x") })).status).toBe(0);
			const again = await client.add({ key: "a1", value: b("y") });
			expect(again.status).toBe(ResponseStatus.ItemNotStored);
			const rep = await client.replace({ key: "never", value: b("y") });
			expect(rep.status).toBe(ResponseStatus.ItemNotStored);
			expect(
				(await client.replace({ key: "a1", value: b("z"), flags: 9 })).status,
			).toBe(0);
			expect((await client.get("a1")).flags).toBe(9);
			const multi = await client.addMulti([
				{ key: "am1", value: b("1") },
				{ key: "a1", value: b("2") },
			]);
			expect(multi.map((r) => r.key)).toEqual(["am1", "a1"]);
			expect(multi[0]?.status).toBe(0);
			expect(multi[1]?.status).toBe(ResponseStatus.ItemNotStored);
			// memcached 1.6.18's add mode (ME) ignores C on a missing key: the item is stored.
			expect(
				(await client.add({ key: "addcas", value: b("1"), dataVersionId: 7n }))
					.status,
			).toBe(0);
			// replace with a wrong CAS: EX.
			const rr = await client.replace({
				key: "a1",
				value: b("1"),
				dataVersionId: 7n,
			});
			expect(rr.status).toBe(ResponseStatus.KeyExists);
		});

		it("casMulti / casSentinels: CAS 0 is an add, non-zero a CAS set", async () => {
			await client.set({ key: "cm1", value: b("old") });
			const g = await client.get("cm1");
			const r = await client.casMulti([
				{ key: "cm1", value: b("new"), dataVersionId: g.dataVersionId },
				{ key: "cm2", value: b("created") },
				{ key: "cm1", value: b("add-fails") },
			]);
			expect(r.map((x) => x.status)).toEqual([
				0,
				0,
				ResponseStatus.ItemNotStored,
			]);
			const s = await client.casSentinels([{ key: "cm3", value: b("s") }]);
			expect(s[0]?.status).toBe(0);
			expect((await client.get("cm1")).value?.toString()).toBe("new");
		});

		it("setMulti keeps input order; quiet batches report CAS 0 (the HD carrying it is suppressed)", async () => {
			const r = await client.setMulti([
				{ key: "s1", value: b("1"), expiration: 100 },
				{ key: "bad key", value: b("2") },
				{ key: "s3", value: b("3") },
			]);
			expect(r.map((x) => x.key)).toEqual(["s1", "bad key", "s3"]);
			expect(r[1]?.error?.code).toBe("ERR_MEMCACHE_INVALID_KEY");
			expect(r[0]).toMatchObject({ status: 0, dataVersionId: 0n });
			expect(r[2]).toMatchObject({ status: 0, dataVersionId: 0n });
			const ss = await client.setSentinels([{ key: "s4", value: b("4") }]);
			expect(ss[0]?.status).toBe(0);
			expect((await client.get("s3")).value?.toString()).toBe("3");
			const meta = await client.metaGet("s1", { value: false });
			expect(meta.ttl).toBeGreaterThan(90);
		});

		it("delete / deleteMulti (md)", async () => {
			await client.set({ key: "d1", value: b("1") });
			expect((await client.delete("d1")).status).toBe(0);
			const again = await client.delete("d1");
			expect(again.status).toBe(ResponseStatus.KeyNotFound);
			expect(again.error).toBeDefined();
			await client.set({ key: "d2", value: b("2") });
			const m = await client.deleteMulti(["d2", "d3", "d2"]);
			expect(m.map((x) => x.status)).toEqual([0, 1, 1]);
		});

		it("append / prepend (MA / MP); missing key → ItemNotStored", async () => {
			await client.set({ key: "ap", value: b("mid"), flags: 3 });
			expect((await client.append("ap", b("-end"))).status).toBe(0);
			expect((await client.prepend("ap", b("start-"))).status).toBe(0);
			const g = await client.get("ap");
			expect(g.value?.toString()).toBe("start-mid-end");
			expect(g.flags).toBe(3);
			expect((await client.append("ap-missing", b("x"))).status).toBe(
				ResponseStatus.ItemNotStored,
			);
			expect((await client.prepend("ap-missing", b("x"))).status).toBe(
				ResponseStatus.ItemNotStored,
			);
		});

		it("increment / decrement (ma) with binary semantics: seed value, TTL, u64 edges", async () => {
			const max = 0xffffffffffffffffn;
			const created = await client.increment("ctr", 5n, 10n, 0);
			expect(created.count).toBe(10n);
			expect((await client.increment("ctr", 5n, 0n, 0)).count).toBe(15n);
			expect((await client.decrement("ctr", 100n, 0n, 0)).count).toBe(0n);
			expect((await client.get("ctr")).value?.toString().trim()).toBe("0");
			const nc = await client.increment("nocreate", 1n, 0n, NO_CREATE);
			expect(nc.status).toBe(ResponseStatus.KeyNotFound);
			await client.increment("big", 0n, max, 0);
			expect((await client.get("big")).value?.toString()).toBe(max.toString());
			expect((await client.increment("big", 1n, 0n, 0)).count).toBe(0n);
			await client.set({ key: "text", value: b("abc") });
			expect((await client.increment("text", 1n, 0n, 0)).status).toBe(
				ResponseStatus.IncrDecrOnNonNumericValue,
			);
			await client.increment("ttlctr", 1n, 1n, 500);
			const t = await client.metaGet("ttlctr", { value: false });
			expect(t.ttl).toBeGreaterThan(490);
			await expect(
				client.increment("x", 1 as unknown as bigint, 0n, 0),
			).rejects.toThrow(/bigint/);
		});

		it("expiration: relative, absolute in the past, flush with delay", async () => {
			await client.set({ key: "ttl", value: b("1"), expiration: 1 });
			await client.set({
				key: "abs-past",
				value: b("1"),
				expiration: 2_592_001,
			});
			expect((await client.get("abs-past")).status).toBe(
				ResponseStatus.KeyNotFound,
			);
			await client.set({
				key: "abs-future",
				value: b("1"),
				expiration: Math.floor(Date.now() / 1000) + 3600,
			});
			expect((await client.get("abs-future")).status).toBe(0);
			expect((await client.get("ttl")).status).toBe(0);
			await new Promise((r) => setTimeout(r, 2100));
			expect((await client.get("ttl")).status).toBe(ResponseStatus.KeyNotFound);
			await client.set({ key: "fl", value: b("1") });
			expect((await client.flush(2)).status).toBe(0);
			expect((await client.get("fl")).status).toBe(0);
			await new Promise((r) => setTimeout(r, 2100));
			expect((await client.get("fl")).status).toBe(ResponseStatus.KeyNotFound);
		});

		it("stat (any group, as binary) / version / verbosity", async () => {
			const v = await client.version();
			expect(v.versions.get(0)).toMatch(/^\d+\.\d+\.\d+/);
			const s = await client.stat("");
			expect(s.status).toBe(0);
			expect(s.entries.get(0)?.get("pid")).toBe(
				String(cluster.processes[0]?.pid),
			);
			const settings = await client.stat("settings");
			expect(settings.entries.get(0)?.get("item_size_max")).toBe("1048576");
			const bogus = await client.stat("bogus");
			expect(bogus.status).toBe(ResponseStatus.ClientError);
			expect(bogus.error?.code).toBe("ERR_MEMCACHE_SERVER_ERROR");
			expect((await client.verbosity(1)).status).toBe(0);
			expect((await client.verbosity(0)).error).toBeUndefined();
			expect((await client.version()).status).toBe(0);
		});

		it("client-side validation leaves the connection usable; a too-large value is a server error", async () => {
			const before =
				client.stats().connectionErrors + client.stats().protocolErrors;
			expect((await client.get("")).error?.code).toBe(
				"ERR_MEMCACHE_INVALID_KEY",
			);
			expect((await client.get("x".repeat(251))).error?.code).toBe(
				"ERR_MEMCACHE_INVALID_KEY",
			);
			expect((await client.get("tab\tkey")).error?.code).toBe(
				"ERR_MEMCACHE_INVALID_KEY",
			);
			expect((await client.get("é".repeat(125))).error).toBeUndefined();
			expect((await client.get("é".repeat(126))).error?.code).toBe(
				"ERR_MEMCACHE_INVALID_KEY",
			);
			const big = await client.set({
				key: "big",
				value: Buffer.alloc(1_048_577),
			});
			expect(big.error?.code).toBe("ERR_MEMCACHE_INVALID_VALUE");
			const exact = await client.set({
				key: "big",
				value: Buffer.alloc(1_048_576),
			});
			expect(exact.error?.code).toBe("ERR_MEMCACHE_SERVER_ERROR");
			// In a quiet batch the error line (it carries no opaque) is charged to every silent write
			// between the replies around it (here q0's NF and the final MN): q1 and q2 were stored,
			// but their outcome is reported unknown rather than guessed.
			const batch = await client.setMulti([
				{ key: "q0", value: b("0"), dataVersionId: 1n },
				{ key: "q1", value: b("1") },
				{ key: "big", value: Buffer.alloc(1_048_576) },
				{ key: "q2", value: b("2") },
			]);
			expect(batch.map((r) => r.status)).toEqual([
				ResponseStatus.KeyNotFound,
				ResponseStatus.ClientError,
				ResponseStatus.ClientError,
				ResponseStatus.ClientError,
			]);
			expect(batch[2]?.error?.code).toBe("ERR_MEMCACHE_SERVER_ERROR");
			expect(batch[1]?.error?.code).toBe("ERR_MEMCACHE_SERVER_ERROR");
			expect((await client.get("q1")).value?.toString()).toBe("1");
			expect((await client.get("q2")).value?.toString()).toBe("2");
			const fits = await client.set({
				key: "big",
				value: Buffer.alloc(1_048_576 - 1024, 1),
			});
			expect(fits.status).toBe(0);
			expect((await client.get("big")).value?.length).toBe(1_048_576 - 1024);
			const nul = await client.set({
				key: "k",
				value: undefined as unknown as Uint8Array,
			});
			expect(nul.error?.code).toBe("ERR_MEMCACHE_INVALID_VALUE");
			expect(
				client.stats().connectionErrors + client.stats().protocolErrors,
			).toBe(before);
			await expect(client.get(5 as unknown as string)).rejects.toMatchObject({
				code: "ERR_MEMCACHE_INVALID_ARGUMENT",
			});
		});

		it("AbortSignal: an aborted call rejects with AbortError and the pipeline stays in sync", async () => {
			const ac = new AbortController();
			ac.abort(new Error("stop"));
			await expect(
				client.get("x", { signal: ac.signal }),
			).rejects.toMatchObject({
				code: "ERR_MEMCACHE_ABORTED",
			});
			await expect(
				client.metaGet("x", { signal: ac.signal }),
			).rejects.toMatchObject({ code: "ERR_MEMCACHE_ABORTED" });
			const ac2 = new AbortController();
			await client.set({ key: "ab", value: b("v") });
			const p = client.get("ab", { signal: ac2.signal });
			ac2.abort();
			await expect(p).rejects.toMatchObject({ code: "ERR_MEMCACHE_ABORTED" });
			expect((await client.get("ab")).value?.toString()).toBe("v");
		});

		it("a closed client rejects with ClientClosedError; close is idempotent; asyncDispose closes", async () => {
			const c = new RawMetaClient({ address: cluster.addresses[0] as string });
			await c.set({ key: "z", value: b("1") });
			const p1 = c.close();
			const p2 = c.close();
			expect(p1).toBe(p2);
			await p1;
			await expect(c.get("z")).rejects.toMatchObject({
				code: "ERR_MEMCACHE_CLIENT_CLOSED",
			});
			await expect(c.metaGet("z")).rejects.toMatchObject({
				code: "ERR_MEMCACHE_CLIENT_CLOSED",
			});
			let disposed: RawMetaClient | undefined;
			{
				await using d = new RawMetaClient({
					address: cluster.addresses[0] as string,
				});
				disposed = d;
				expect((await d.get("z")).value?.toString()).toBe("1");
			}
			expect(disposed.closed).toBe(true);
			const e = new RawMetaClient({ address: cluster.addresses[0] as string });
			const pending = e.get("z");
			await e.destroy();
			expect((await pending).error?.code).toBe("ERR_MEMCACHE_CLIENT_CLOSED");
		});
	},
);

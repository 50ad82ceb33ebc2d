// Faults on the meta client against real memcached behind the test-utils fault proxy: a reply
// whose opaque was tampered with never reaches a caller, a stalled server times out every
// pending request, and the client recovers on fresh connections afterwards.
import {
	type FaultProxy,
	type MemcachedCluster,
	requireServers,
	startFaultProxy,
	startMemcached,
} from "@godropbox-ts/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ResponseStatus } from "../../src/index.js";
import { RawMetaClient } from "../../src/raw-meta-client.js";

const ok = await requireServers("memcached");

/** Adds 1 to the first opaque token in a chunk of replies. */
function shiftOpaque(chunk: Buffer): Buffer {
	const s = chunk.toString("latin1");
	return Buffer.from(
		s.replace(/ O(\d+)/, (_m, d: string) => ` O${Number(d) + 1}`),
		"latin1",
	);
}

describe.skipIf(!ok)("meta client faults (real memcached, fault proxy)", () => {
	let cluster: MemcachedCluster;
	let proxy: FaultProxy;

	beforeAll(async () => {
		cluster = await startMemcached();
		proxy = await startFaultProxy({
			targetPort: cluster.processes[0]?.port as number,
		});
	});
	afterAll(async () => {
		await proxy?.close();
		await cluster?.stop();
	});

	it("a reply with another request's opaque destroys the connection; nobody gets a wrong value", async () => {
		const client = new RawMetaClient({ address: proxy.address, timeout: 3000 });
		try {
			const keys = Array.from({ length: 50 }, (_, i) => `f${i}`);
			await client.setMulti(
				keys.map((k) => ({ key: k, value: Buffer.from(k) })),
			);
			proxy.setMode({ corruptResponse: shiftOpaque });
			const results = await Promise.all([
				...keys.map((k) => client.get(k)),
				client.metaGet("f1"),
			]);
			for (const [i, r] of results.entries()) {
				if (r.status === 0)
					// Only possible for replies that arrived before the tampered one.
					expect(r.value?.toString()).toBe(i < keys.length ? keys[i] : "f1");
				else expect(r.error?.code).toBe("ERR_MEMCACHE_PROTOCOL");
			}
			expect(
				results.some((r) => r.error?.code === "ERR_MEMCACHE_PROTOCOL"),
			).toBe(true);
			expect(client.stats().protocolErrors).toBeGreaterThan(0);
			proxy.setMode({});
			expect((await client.get("f7")).value?.toString()).toBe("f7");
			expect((await client.metaGet("f8")).value?.toString()).toBe("f8");
		} finally {
			proxy.setMode({});
			await client.close();
		}
	});

	it("a stalled server times out all 200 in-flight requests; the client recovers", async () => {
		const client = new RawMetaClient({ address: proxy.address, timeout: 500 });
		try {
			await client.set({ key: "s", value: Buffer.from("v") });
			proxy.setMode({ stall: true });
			const started = performance.now();
			const rs = await Promise.all(
				Array.from({ length: 200 }, (_, i) =>
					i % 2 ? client.metaGet(`s${i}`, { vivify: 30 }) : client.get(`s${i}`),
				),
			);
			expect(performance.now() - started).toBeLessThan(5000);
			for (const r of rs) {
				expect(r.status).toBe(ResponseStatus.ClientError);
				expect(r.error?.code).toBe("ERR_MEMCACHE_TIMEOUT");
			}
			proxy.setMode({});
			expect((await client.get("s")).value?.toString()).toBe("v");
		} finally {
			proxy.setMode({});
			await client.close();
		}
	});
});

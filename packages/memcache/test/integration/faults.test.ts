import diagnostics_channel from "node:diagnostics_channel";
import fs from "node:fs";
import net from "node:net";
import {
	type FaultProxy,
	type MemcachedCluster,
	requireServers,
	startFaultProxy,
	startMemcached,
} from "@godropbox-ts/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	createClient,
	RawAsciiClient,
	RawBinaryClient,
	ResponseStatus,
} from "../../src/index.js";

const ok = await requireServers("memcached");
const b = (s: string) => Buffer.from(s);

/** Waits (bounded) until every thread of `pid` is stopped, so no reply can slip out. */
async function waitStopped(pid: number): Promise<void> {
	for (let i = 0; i < 100; i++) {
		const tids = fs.readdirSync(`/proc/${pid}/task`);
		const states = tids.map(
			(t) =>
				fs
					.readFileSync(`/proc/${pid}/task/${t}/stat`, "utf8")
					.split(") ")[1]?.[0],
		);
		if (states.every((st) => st === "T" || st === "t")) return;
		await new Promise((r) => setTimeout(r, 10));
	}
	throw new Error(`process ${pid} did not stop`);
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	return Promise.race([
		p.finally(() => clearTimeout(timer)),
		new Promise<never>((_, reject) => {
			timer = setTimeout(
				() => reject(new Error(`${what} did not settle within ${ms} ms`)),
				ms,
			);
		}),
	]);
}

describe.skipIf(!ok)("faults against a real memcached", () => {
	let cluster: MemcachedCluster;
	beforeAll(async () => {
		cluster = await startMemcached();
	});
	afterAll(async () => {
		await cluster?.stop();
	});

	it.each([
		["binary", RawBinaryClient],
		["ascii", RawAsciiClient],
	] as const)(
		"%s: server paused (SIGSTOP) → TimeoutError within the bound, connection discarded, resumes",
		async (_p, Ctor) => {
			const proc = cluster.processes[0];
			if (proc === undefined) throw new Error("no server");
			await using client = new Ctor({ address: proc.address, timeout: 300 });
			await client.set({ key: "p", value: b("1") });
			const events: unknown[] = [];
			const onTimeout = (m: unknown) => events.push(m);
			diagnostics_channel.subscribe("godropbox-ts:memcache:timeout", onTimeout);
			proc.pause();
			try {
				await waitStopped(proc.pid as number);
				const start = performance.now();
				const rs = await within(
					Promise.all(
						Array.from({ length: 50 }, (_, i) => client.get(`p${i}`)),
					),
					5000,
					"paused gets",
				);
				const elapsed = performance.now() - start;
				for (const r of rs) expect(r.error?.code).toBe("ERR_MEMCACHE_TIMEOUT");
				expect(elapsed).toBeGreaterThanOrEqual(250);
				expect(elapsed).toBeLessThan(3000);
				const s = client.stats();
				expect(s.timeouts).toBeGreaterThanOrEqual(1);
				expect(s.connections).toBe(0);
				expect(events.length).toBeGreaterThanOrEqual(1);
				expect(events[0]).toMatchObject({ address: proc.address });
			} finally {
				diagnostics_channel.unsubscribe(
					"godropbox-ts:memcache:timeout",
					onTimeout,
				);
				proc.resume();
			}
			const r = await client.get("p");
			expect(r.value?.toString()).toBe("1");
		},
	);

	it("server killed under 200 in-flight requests → every request settles, none hangs; restart → resumes", async () => {
		const proc = cluster.processes[0];
		if (proc === undefined) throw new Error("no server");
		await using client = createClient({
			servers: [proc.address],
			timeout: 2000,
		});
		const value = (i: number) => Buffer.alloc(20_000, i % 251);
		await client.setMulti(
			Array.from({ length: 100 }, (_, i) => ({
				key: `k${i}`,
				value: value(i),
			})),
		);
		const calls: Promise<void>[] = [];
		for (let i = 0; i < 200; i++) {
			if (i % 2 === 0)
				calls.push(
					client.get(`k${i % 100}`).then((r) => {
						if (r.error === undefined)
							expect(r.value?.equals(value(i % 100))).toBe(true);
						else
							expect(r.error.code).toMatch(/ERR_MEMCACHE_(CONNECTION|TIMEOUT)/);
					}),
				);
			else
				calls.push(
					client.set({ key: `w${i}`, value: value(i) }).then((r) => {
						if (r.error !== undefined)
							expect(r.error.code).toMatch(/ERR_MEMCACHE_(CONNECTION|TIMEOUT)/);
						else expect(r.status).toBe(0);
					}),
				);
		}
		await new Promise((r) => setImmediate(r));
		await proc.kill("SIGKILL");
		await within(Promise.all(calls), 10_000, "200 in-flight requests");
		await proc.start();
		// Service resumes on fresh connections (the first call may still see the old one fail).
		let resumed = false;
		for (let attempt = 0; attempt < 20 && !resumed; attempt++) {
			const r = await client.set({ key: "after", value: b("ok") });
			resumed = r.status === 0;
			if (!resumed) await new Promise((res) => setTimeout(res, 100));
		}
		expect(resumed).toBe(true);
		expect((await client.get("after")).value?.toString()).toBe("ok");
	});
});

describe.skipIf(!ok)("faults through the proxy", () => {
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

	it("a corrupted reply destroys the connection, fails every queued request with ProtocolError, then recovers", async () => {
		await using client = new RawBinaryClient({
			address: proxy.address,
			connections: 1,
		});
		await client.set({ key: "c", value: b("v") });
		proxy.setMode({
			corruptResponse: (chunk) =>
				Buffer.concat([Buffer.from([0x99]), chunk.subarray(1)]),
		});
		const rs = await within(
			Promise.all([
				client.get("c"),
				client.set({ key: "c2", value: b("x") }),
				client.get("c"),
			]),
			5000,
			"corrupted",
		);
		proxy.setMode({});
		for (const r of rs) expect(r.error?.code).toBe("ERR_MEMCACHE_PROTOCOL");
		expect(client.stats().protocolErrors).toBe(1);
		expect((await client.get("c")).value?.toString()).toBe("v");
	});

	it("a stalled connection times out; a cut connection fails with ConnectionError; both recover", async () => {
		await using client = new RawAsciiClient({
			address: proxy.address,
			timeout: 300,
		});
		await client.set({ key: "s", value: b("v") });
		proxy.setMode({ stall: true });
		const stalled = await within(client.get("s"), 5000, "stalled get");
		expect(stalled.error?.code).toBe("ERR_MEMCACHE_TIMEOUT");
		proxy.setMode({});
		expect((await client.get("s")).value?.toString()).toBe("v");
		proxy.setMode({ delayMs: 200 });
		const p = client.get("s");
		await new Promise((r) => setTimeout(r, 50));
		proxy.cutAll();
		const cut = await within(p, 5000, "cut get");
		expect(cut.error?.code).toBe("ERR_MEMCACHE_CONNECTION");
		proxy.setMode({});
		expect((await client.get("s")).value?.toString()).toBe("v");
	});

	it("connecting to a refused address yields ConnectionError responses, not rejections", async () => {
		proxy.setMode({ refuse: true });
		try {
			await using client = new RawBinaryClient({
				address: proxy.address,
				timeout: 1000,
			});
			const r = await client.get("x");
			expect(r.error?.code).toBe("ERR_MEMCACHE_CONNECTION");
		} finally {
			proxy.setMode({});
		}
	});
});

describe("a scripted server for replies real memcached never sends", () => {
	it("stray bytes with nothing outstanding are a protocol error and the connection is discarded", async () => {
		const sockets: net.Socket[] = [];
		const server = net.createServer((s) => {
			sockets.push(s);
			s.on("data", () => {
				// Answer the version request, then send unsolicited garbage.
				s.write("VERSION 1.6.18\r\n");
				setTimeout(() => s.write("SURPRISE\r\n"), 20);
			});
		});
		await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
		const port = (server.address() as net.AddressInfo).port;
		try {
			await using client = new RawAsciiClient({ address: `127.0.0.1:${port}` });
			const v = await client.version();
			expect(v.versions.get(0)).toBe("1.6.18");
			for (let i = 0; i < 50 && client.stats().protocolErrors === 0; i++)
				await new Promise((r) => setTimeout(r, 10));
			expect(client.stats().protocolErrors).toBe(1);
			expect(client.stats().connections).toBe(0);
		} finally {
			for (const s of sockets) s.destroy();
			await new Promise((r) => server.close(r));
		}
	});

	it("a miss reply is never delivered to the wrong request (opaque check)", async () => {
		// Replies to two GETs swapped on the wire: the opaque check must catch it.
		const server = net.createServer((s) => {
			let buf = Buffer.alloc(0);
			s.on("data", (d: Buffer) => {
				buf = Buffer.concat([buf, d]);
				if (buf.length < 2 * 25) return;
				const o1 = buf.readUInt32BE(12);
				const o2 = buf.readUInt32BE(25 + 12);
				const miss = (o: number) => {
					const f = Buffer.alloc(24);
					f[0] = 0x81;
					f.writeUInt16BE(ResponseStatus.KeyNotFound, 6);
					f.writeUInt32BE(o, 12);
					return f;
				};
				s.write(Buffer.concat([miss(o2), miss(o1)]));
			});
		});
		await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
		const port = (server.address() as net.AddressInfo).port;
		try {
			await using client = new RawBinaryClient({
				address: `127.0.0.1:${port}`,
				coalesceGets: false,
				connections: 1,
			});
			const [a, c] = await Promise.all([client.get("a"), client.get("c")]);
			expect(a.error?.code).toBe("ERR_MEMCACHE_PROTOCOL");
			expect(c.error?.code).toBe("ERR_MEMCACHE_PROTOCOL");
		} finally {
			server.close();
		}
	});
});

describe.skipIf(!ok)("resources", () => {
	it("close() leaves no sockets of ours behind", async () => {
		const cluster = await startMemcached();
		try {
			const count = () =>
				process.getActiveResourcesInfo().filter((r) => r === "TCPSocketWrap")
					.length;
			const before = count();
			const client = createClient({ servers: cluster.addresses });
			await Promise.all(
				Array.from({ length: 50 }, (_, i) =>
					client.set({ key: `r${i}`, value: b("v") }),
				),
			);
			await client.version();
			// Idle connections are unref()ed (not listed as active); the client still holds them.
			expect(client.stats()[0]?.connections).toBeGreaterThan(0);
			await client.close();
			expect(client.stats()[0]?.connections).toBe(0);
			for (let i = 0; i < 50 && count() > before; i++)
				await new Promise((r) => setTimeout(r, 10));
			expect(count()).toBeLessThanOrEqual(before);
		} finally {
			await cluster.stop();
		}
	});
});

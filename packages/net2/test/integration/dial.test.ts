import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	type DialFunction,
	MultiConnectionPool,
	Net2ErrorCode,
} from "../../src/index.js";
import { startServer, type TestServer, waitUntil } from "../helpers/servers.js";

let server: TestServer;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await server.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A dialer that waits `ms`, then fails, counting calls and peak concurrency. */
function slowFailingDial(ms: number) {
	const stats = { calls: 0, inFlight: 0, peak: 0 };
	const dial: DialFunction = async () => {
		stats.calls++;
		stats.inFlight++;
		stats.peak = Math.max(stats.peak, stats.inFlight);
		await sleep(ms);
		stats.inFlight--;
		throw new Error("dial refused by test");
	};
	return { dial, stats };
}

/** A dialer that connects to the test server after `ms`, tracking concurrency. */
function slowDial(ms: number) {
	const stats = { calls: 0, inFlight: 0, peak: 0 };
	const dial: DialFunction = async () => {
		stats.calls++;
		stats.inFlight++;
		stats.peak = Math.max(stats.peak, stats.inFlight);
		await sleep(ms);
		const socket = net.connect({ host: "127.0.0.1", port: server.port });
		await new Promise((resolve, reject) => {
			socket.once("connect", resolve);
			socket.once("error", reject);
		});
		stats.inFlight--;
		return socket;
	};
	return { dial, stats };
}

describe("dialling", () => {
	it("generic-pool retry guard: a failing dial rejects the get once, no endless retries", async () => {
		const { dial, stats } = slowFailingDial(5);
		await using pool = new MultiConnectionPool({ dial, acquireTimeout: 0 });
		pool.register("tcp", server.address);
		const err = await pool.get("tcp", server.address).catch((e: unknown) => e);
		expect(err).toMatchObject({ code: Net2ErrorCode.DialFailed });
		expect((err as Error).cause).toMatchObject({
			message: "dial refused by test",
		});
		await sleep(50);
		expect(stats.calls).toBe(1);
		expect(pool.stats()).toMatchObject({ pending: 0, active: 0, dials: 1 });
	});

	it("fail-fast mode: dialMaxConcurrency 2, excess gets fail without waiting", async () => {
		const { dial, stats } = slowFailingDial(100);
		await using pool = new MultiConnectionPool({
			dial,
			dialMaxConcurrency: 2,
			waitForConnection: false,
		});
		pool.register("tcp", server.address);
		const started = Date.now();
		const results = await Promise.allSettled(
			Array.from({ length: 10 }, () => pool.get("tcp", server.address)),
		);
		const codes = results.map(
			(r) => ((r as PromiseRejectedResult).reason as { code: string }).code,
		);
		expect(
			codes.filter((c) => c === Net2ErrorCode.DialConcurrency),
		).toHaveLength(8);
		expect(codes.filter((c) => c === Net2ErrorCode.DialFailed)).toHaveLength(2);
		expect(stats.peak).toBe(2);
		expect(Date.now() - started).toBeLessThan(1_000);
	});

	it("wait mode: dialMaxConcurrency caps concurrent dials, queued gets are served", async () => {
		const { dial, stats } = slowDial(20);
		await using pool = new MultiConnectionPool({ dial, dialMaxConcurrency: 2 });
		pool.register("tcp", server.address);
		const conns = await Promise.all(
			Array.from({ length: 6 }, () => pool.get("tcp", server.address)),
		);
		expect(stats.peak).toBe(2);
		expect(stats.calls).toBe(6);
		expect(new Set(conns.map((c) => c.socket)).size).toBe(6);
		for (const c of conns) c.release();
		expect(pool.numIdle()).toBe(6);
	});

	it("wait mode: one failing dial fails every queued dial at once", async () => {
		const { dial, stats } = slowFailingDial(100);
		await using pool = new MultiConnectionPool({ dial, dialMaxConcurrency: 1 });
		pool.register("tcp", server.address);
		const started = Date.now();
		const results = await Promise.allSettled(
			Array.from({ length: 8 }, () => pool.get("tcp", server.address)),
		);
		for (const r of results)
			expect((r as PromiseRejectedResult).reason).toMatchObject({
				code: Net2ErrorCode.DialFailed,
			});
		expect(stats.calls).toBe(1);
		expect(Date.now() - started).toBeLessThan(1_000);
	});

	it("enforces connectTimeout around a custom dial that never settles", async () => {
		let aborted = false;
		const dial: DialFunction = (_n, _a, { signal }) =>
			new Promise<net.Socket>(() => {
				signal.addEventListener("abort", () => {
					aborted = true;
				});
			});
		await using pool = new MultiConnectionPool({ dial, connectTimeout: 50 });
		pool.register("tcp", server.address);
		await expect(pool.get("tcp", server.address)).rejects.toMatchObject({
			code: Net2ErrorCode.DialTimeout,
			timeoutMs: 50,
		});
		expect(aborted).toBe(true);
	});

	it("a socket that arrives after the timeout is destroyed", async () => {
		const late: net.Socket[] = [];
		const dial: DialFunction = async () => {
			await sleep(80);
			const s = net.connect({ host: "127.0.0.1", port: server.port });
			late.push(s);
			return s;
		};
		await using pool = new MultiConnectionPool({ dial, connectTimeout: 20 });
		pool.register("tcp", server.address);
		await expect(pool.get("tcp", server.address)).rejects.toMatchObject({
			code: Net2ErrorCode.DialTimeout,
		});
		await sleep(150);
		expect(late).toHaveLength(1);
		expect(late[0]?.destroyed).toBe(true);
	});

	it("a get's acquireTimeout bounds a slow dial", async () => {
		const { dial } = slowDial(300);
		await using pool = new MultiConnectionPool({
			dial,
			acquireTimeout: 50,
			connectTimeout: 0,
		});
		pool.register("tcp", server.address);
		await expect(pool.get("tcp", server.address)).rejects.toMatchObject({
			code: Net2ErrorCode.AcquireTimeout,
		});
		// The late connection is kept for the next borrower instead of being wasted.
		await waitUntil(() => pool.numIdle() === 1);
		expect(pool.stats()).toMatchObject({ active: 0, pending: 0, dials: 1 });
	});

	it("dials tcp6 on [::1] and unix sockets", async () => {
		const v6 = await startServer({ host: "::1" }).catch(() => undefined);
		await using pool = new MultiConnectionPool();
		if (v6 !== undefined) {
			pool.register("tcp6", v6.address);
			const c = await pool.get("tcp6", v6.address);
			expect(c.socket.remoteFamily).toBe("IPv6");
			c.release();
			await pool.close();
			await v6.close();
		}
		const path = `/tmp/net2-test-${process.pid}-${Date.now()}.sock`;
		const unixServer = net.createServer((s) => s.on("data", (d) => s.write(d)));
		await new Promise<void>((r) => unixServer.listen(path, r));
		try {
			await using upool = new MultiConnectionPool();
			upool.register("unix", path);
			const c = await upool.get("unix", path);
			await c.write("unix!");
			expect(String(await c.read({ timeout: 2_000 }))).toBe("unix!");
			c.release();
		} finally {
			await new Promise((r) => unixServer.close(r));
		}
	});

	it("createConnection builds the built-in dialer's sockets (options passed, timeout still enforced)", async () => {
		const seen: net.NetConnectOpts[] = [];
		const createConnection = (o: net.NetConnectOpts): net.Socket => {
			seen.push(o);
			return net.connect(o);
		};
		await using pool = new MultiConnectionPool({
			createConnection,
			keepAlive: 7_000,
		});
		pool.register("tcp", server.address);
		const c = await pool.get("tcp", server.address);
		await c.write("hi");
		expect(String(await c.read({ timeout: 2_000 }))).toBe("hi");
		c.release();
		expect(seen).toHaveLength(1);
		expect(seen[0]).toMatchObject({
			host: "127.0.0.1",
			port: server.port,
			noDelay: true,
			keepAlive: true,
			keepAliveInitialDelay: 7_000,
		});
		// A socket that never connects (a blackholed address is not allowed here: a socket that
		// is simply never told to connect) is still bounded by connectTimeout.
		await using stuck = new MultiConnectionPool({
			createConnection: () => new net.Socket(),
			connectTimeout: 100,
			acquireTimeout: 0,
		});
		stuck.register("tcp", server.address);
		const started = Date.now();
		const err = await stuck.get("tcp", server.address).catch((e: unknown) => e);
		expect(err).toMatchObject({ code: Net2ErrorCode.DialTimeout });
		expect(Date.now() - started).toBeLessThan(2_000);
	});
});

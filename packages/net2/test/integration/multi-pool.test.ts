import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	type ManagedConnection,
	MultiConnectionPool,
	Net2ErrorCode,
} from "../../src/index.js";
import {
	deadAddress,
	startBlackhole,
	startServer,
	type TestServer,
	waitUntil,
} from "../helpers/servers.js";

let server: TestServer;
let server2: TestServer;

beforeAll(async () => {
	server = await startServer();
	server2 = await startServer();
});
afterAll(async () => {
	await server.close();
	await server2.close();
});

async function roundTrip(
	conn: ManagedConnection,
	text: string,
): Promise<string> {
	await conn.write(text);
	let got = "";
	while (got.length < text.length) {
		const chunk = await conn.read({ timeout: 2_000 });
		if (chunk === null) break;
		got += chunk.toString();
	}
	return got;
}

describe("MultiConnectionPool on loopback", () => {
	it("dials, reuses a released connection and destroys a discarded one", async () => {
		await using pool = new MultiConnectionPool();
		pool.register("tcp", server.address);
		const a = await pool.get("tcp", server.address);
		expect(a.reused).toBe(false);
		expect(a.network).toBe("tcp");
		expect(a.address).toBe(server.address);
		expect(await roundTrip(a, "hello")).toBe("hello");
		expect(pool.numActive()).toBe(1);
		a.release();
		a.release();
		a.discard();
		expect(pool.numActive()).toBe(0);
		expect(pool.numIdle()).toBe(1);
		const b = await pool.get("tcp", server.address);
		expect(b.reused).toBe(true);
		expect(b.socket).toBe(a.socket);
		expect(await roundTrip(b, "again")).toBe("again");
		b.discard();
		expect(b.socket.destroyed).toBe(true);
		expect(b.isClosed).toBe(true);
		expect(pool.numIdle()).toBe(0);
		const s = pool.stats();
		expect(s.dials).toBe(1);
		expect(s.discards).toBe(1);
		expect(s.highWaterMark).toBe(1);
		await expect(b.read()).rejects.toMatchObject({
			code: Net2ErrorCode.ConnectionReleased,
		});
	});

	it("keeps per-address pools apart", async () => {
		await using pool = new MultiConnectionPool();
		pool.register("tcp", server.address);
		pool.register("tcp", server2.address);
		pool.register("tcp", server2.address);
		expect(pool.listRegistered()).toHaveLength(2);
		const a = await pool.get("tcp", server.address);
		const b = await pool.get("tcp", server2.address);
		expect(a.address).toBe(server.address);
		expect(b.address).toBe(server2.address);
		a.release();
		expect(pool.numIdle()).toBe(1);
		b.release();
		expect(pool.numIdle()).toBe(2);
		const st = pool.stats();
		expect(st.addresses.map((x) => x.idle)).toEqual([1, 1]);
		await expect(pool.get("tcp", "127.0.0.1:1")).rejects.toMatchObject({
			code: Net2ErrorCode.NotRegistered,
		});
	});

	it("rejects with a typed error after close", async () => {
		const pool = new MultiConnectionPool();
		pool.register("tcp", server.address);
		await pool.close();
		await pool.close();
		await expect(pool.get("tcp", server.address)).rejects.toMatchObject({
			code: Net2ErrorCode.PoolClosed,
		});
		expect(() => pool.register("tcp", server2.address)).toThrowError(
			expect.objectContaining({ code: Net2ErrorCode.PoolClosed }),
		);
	});

	it("times out a get waiting at the active limit", async () => {
		await using pool = new MultiConnectionPool({
			maxActiveConnections: 1,
			acquireTimeout: 50,
		});
		pool.register("tcp", server.address);
		const held = await pool.get("tcp", server.address);
		const started = Date.now();
		await expect(pool.get("tcp", server.address)).rejects.toMatchObject({
			code: Net2ErrorCode.AcquireTimeout,
			timeoutMs: 50,
		});
		expect(Date.now() - started).toBeGreaterThanOrEqual(45);
		expect(pool.stats().pending).toBe(0);
		held.release();
		const again = await pool.get("tcp", server.address);
		again.release();
		expect(pool.numActive()).toBe(0);
	});

	it("aborts a waiting get with the signal's reason as cause", async () => {
		await using pool = new MultiConnectionPool({ maxActiveConnections: 1 });
		pool.register("tcp", server.address);
		const held = await pool.get("tcp", server.address);
		const ac = new AbortController();
		const waiting = pool.get("tcp", server.address, { signal: ac.signal });
		const reason = new Error("stop");
		ac.abort(reason);
		await expect(waiting).rejects.toMatchObject({
			code: Net2ErrorCode.Aborted,
			cause: reason,
		});
		await expect(
			pool.get("tcp", server.address, { signal: ac.signal }),
		).rejects.toMatchObject({ code: Net2ErrorCode.Aborted });
		held.release();
		await waitUntil(() => pool.numIdle() === 1);
		expect(pool.numActive()).toBe(0);
	});

	it("reports a refused dial promptly as a typed error", async () => {
		const dead = await deadAddress();
		await using pool = new MultiConnectionPool({ acquireTimeout: 10_000 });
		pool.register("tcp", dead);
		const started = Date.now();
		const err = await pool.get("tcp", dead).catch((e: unknown) => e);
		expect(err).toMatchObject({
			code: Net2ErrorCode.DialFailed,
			address: dead,
		});
		expect((err as Error).cause).toMatchObject({ code: "ECONNREFUSED" });
		expect(Date.now() - started).toBeLessThan(2_000);
		const many = await Promise.allSettled(
			Array.from({ length: 20 }, () => pool.get("tcp", dead)),
		);
		for (const r of many) {
			expect(r.status).toBe("rejected");
			expect((r as PromiseRejectedResult).reason).toMatchObject({
				code: Net2ErrorCode.DialFailed,
			});
		}
		expect(Date.now() - started).toBeLessThan(4_000);
		expect(pool.stats().dialFailures).toBeGreaterThanOrEqual(2);
		expect(pool.stats().pending).toBe(0);
	});

	it("times out a dial to a listener that never accepts", async () => {
		const hole = await startBlackhole();
		try {
			await using pool = new MultiConnectionPool({ connectTimeout: 100 });
			pool.register("tcp", hole.address);
			const started = Date.now();
			await expect(pool.get("tcp", hole.address)).rejects.toMatchObject({
				code: Net2ErrorCode.DialTimeout,
				timeoutMs: 100,
			});
			expect(Date.now() - started).toBeLessThan(2_000);
			expect(pool.stats().dialFailures).toBe(1);
		} finally {
			await hole.close();
		}
	});
});

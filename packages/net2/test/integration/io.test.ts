import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MultiConnectionPool, Net2ErrorCode } from "../../src/index.js";
import { startServer, type TestServer } from "../helpers/servers.js";

let silent: TestServer;
let echo: TestServer;
let stuck: net.Server;
let stuckAddress: string;
beforeAll(async () => {
	silent = await startServer({ echo: false });
	echo = await startServer();
	// Accepts and never reads: the kernel buffers fill and writes stop completing.
	stuck = net.createServer((s) => {
		s.pause();
		s.on("error", () => {});
	});
	await new Promise<void>((r) => stuck.listen(0, "127.0.0.1", r));
	stuckAddress = `127.0.0.1:${(stuck.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
	await silent.close();
	await echo.close();
	stuck.close();
});

describe("per-operation read/write timeouts", () => {
	it("readTimeout bounds each read; a per-call timeout overrides it", async () => {
		await using pool = new MultiConnectionPool({ readTimeout: 50 });
		pool.register("tcp", silent.address);
		const c = await pool.get("tcp", silent.address);
		expect(c.readTimeout).toBe(50);
		await c.write("no reply");
		const started = Date.now();
		await expect(c.read()).rejects.toMatchObject({
			code: Net2ErrorCode.ReadTimeout,
			timeoutMs: 50,
		});
		expect(Date.now() - started).toBeGreaterThanOrEqual(45);
		await expect(c.read({ timeout: 20 })).rejects.toMatchObject({
			code: Net2ErrorCode.ReadTimeout,
			timeoutMs: 20,
		});
		c.discard();
	});

	it("writeTimeout fails a write the peer never drains", async () => {
		await using pool = new MultiConnectionPool({ writeTimeout: 100 });
		pool.register("tcp", stuckAddress);
		const c = await pool.get("tcp", stuckAddress);
		const big = Buffer.alloc(64 * 1024 * 1024);
		await expect(c.write(big)).rejects.toMatchObject({
			code: Net2ErrorCode.WriteTimeout,
			timeoutMs: 100,
		});
		c.discard();
	});

	it("read returns null at end of stream and fails on a reset", async () => {
		await using pool = new MultiConnectionPool();
		pool.register("tcp", echo.address);
		const c = await pool.get("tcp", echo.address);
		await c.write("x");
		expect(String(await c.read({ timeout: 2_000 }))).toBe("x");
		echo.endAll();
		expect(await c.read({ timeout: 2_000 })).toBeNull();
		c.discard();
		const d = await pool.get("tcp", echo.address);
		const pending = d.read({ timeout: 2_000 });
		echo.resetAll();
		await expect(pending).rejects.toMatchObject({
			code: Net2ErrorCode.ConnectionFailed,
		});
		await expect(d.write("after reset")).rejects.toMatchObject({
			code: Net2ErrorCode.ConnectionFailed,
		});
		expect(d.isClosed).toBe(true);
		d.release();
		expect(pool.stats()).toMatchObject({ active: 0, idle: 0 });
	});

	it("read and write honour an abort signal and refuse after release", async () => {
		await using pool = new MultiConnectionPool();
		pool.register("tcp", silent.address);
		const c = await pool.get("tcp", silent.address);
		const ac = new AbortController();
		const reading = c.read({ signal: ac.signal });
		ac.abort(new Error("enough"));
		await expect(reading).rejects.toMatchObject({
			code: Net2ErrorCode.Aborted,
		});
		await expect(c.write("x", { signal: ac.signal })).rejects.toMatchObject({
			code: Net2ErrorCode.Aborted,
		});
		c.discard();
		await expect(c.write("x")).rejects.toMatchObject({
			code: Net2ErrorCode.ConnectionReleased,
		});
	});
});

import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FaultProxy, startFaultProxy } from "../src/index.js";

let echo: net.Server;
let echoPort = 0;
let proxy: FaultProxy;

beforeAll(async () => {
	echo = net.createServer((s) => s.pipe(s));
	await new Promise<void>((r) => echo.listen(0, "127.0.0.1", () => r()));
	echoPort = (echo.address() as net.AddressInfo).port;
	proxy = await startFaultProxy({ targetPort: echoPort });
});

afterAll(async () => {
	await proxy.close();
	await new Promise<void>((r) => echo.close(() => r()));
});

function connect(): Promise<net.Socket> {
	return new Promise((resolve, reject) => {
		const s = net.connect({ host: proxy.host, port: proxy.port }, () =>
			resolve(s),
		);
		s.once("error", reject);
	});
}

function readSome(
	s: net.Socket,
	n: number,
	timeoutMs = 2000,
): Promise<Buffer | "timeout" | "closed"> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let len = 0;
		const onData = (c: Buffer): void => {
			chunks.push(c);
			len += c.length;
			if (len >= n) finish(Buffer.concat(chunks));
		};
		const onClose = (): void => finish("closed");
		const timer = setTimeout(() => finish("timeout"), timeoutMs);
		function finish(v: Buffer | "timeout" | "closed"): void {
			clearTimeout(timer);
			s.off("data", onData);
			s.off("close", onClose);
			resolve(v);
		}
		s.on("data", onData);
		s.on("close", onClose);
	});
}

describe("startFaultProxy", () => {
	it("passes traffic through unchanged by default", async () => {
		const s = await connect();
		s.write("hello");
		expect(String(await readSome(s, 5))).toBe("hello");
		s.destroy();
	});

	it("delays traffic by the configured time", async () => {
		proxy.setMode({ delayMs: 150 });
		const s = await connect();
		const t0 = performance.now();
		s.write("abc");
		expect(String(await readSome(s, 3))).toBe("abc");
		// two hops (to server and back) each wait ~150 ms
		expect(performance.now() - t0).toBeGreaterThanOrEqual(280);
		proxy.setMode({});
		s.destroy();
	});

	it("stalls traffic, then flushes it when the stall ends", async () => {
		const s = await connect();
		proxy.setMode({ stall: true });
		s.write("stalled");
		expect(await readSome(s, 7, 200)).toBe("timeout");
		proxy.setMode({});
		expect(String(await readSome(s, 7))).toBe("stalled");
		s.destroy();
	});

	it("corrupts responses with the given rewrite", async () => {
		proxy.setMode({
			corruptResponse: (b) => Buffer.from(b.toString().toUpperCase()),
		});
		const s = await connect();
		s.write("quiet");
		expect(String(await readSome(s, 5))).toBe("QUIET");
		proxy.setMode({});
		s.destroy();
	});

	it("cuts every open connection and can refuse new ones", async () => {
		const s = await connect();
		s.write("x");
		await readSome(s, 1);
		expect(proxy.connections).toBeGreaterThanOrEqual(1);
		proxy.cutAll();
		expect(await readSome(s, 1)).toBe("closed");
		proxy.setMode({ refuse: true });
		const r = await connect();
		expect(await readSome(r, 1)).toBe("closed");
		proxy.setMode({});
	});
});

import net from "node:net";
import { requireServers } from "@godropbox-ts/test-utils";
import { describe, expect, it } from "vitest";
import { findOnPath, startLocalMemcached } from "../../src/local-memcached.js";

function ask(address: string, line: string): Promise<string> {
	const [host, port] = address.split(":") as [string, string];
	return new Promise((resolve, reject) => {
		const s = net.connect({ host, port: Number(port) });
		let data = "";
		s.setEncoding("utf8");
		s.on("data", (d) => {
			data += d;
			if (data.endsWith("\r\n")) {
				s.end();
				resolve(data);
			}
		});
		s.on("error", reject);
		s.write(line);
	});
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

const ok = await requireServers("memcached");

describe("findOnPath", () => {
	it("finds executables on PATH and nothing on an empty PATH", () => {
		expect(findOnPath("sh")).toMatch(/\/sh$/);
		expect(findOnPath("memcached", "")).toBeUndefined();
		expect(findOnPath("definitely-not-a-binary-xyz")).toBeUndefined();
	});
});

describe.skipIf(!ok)("startLocalMemcached", () => {
	it("starts three processes on distinct loopback ports and stops them all", async () => {
		const local = await startLocalMemcached({ count: 3, memoryMb: 16 });
		try {
			expect(local.addresses).toHaveLength(3);
			expect(new Set(local.addresses).size).toBe(3);
			for (const a of local.addresses) {
				expect(a).toMatch(/^127\.0\.0\.1:\d+$/);
				expect(await ask(a, "version\r\n")).toMatch(/^VERSION 1\./);
			}
			for (const pid of local.pids) expect(alive(pid)).toBe(true);
		} finally {
			await local.stop();
		}
		for (const pid of local.pids) expect(alive(pid)).toBe(false);
		await local.stop(); // idempotent
	});

	it("reports a binary that is not memcached", async () => {
		await expect(
			startLocalMemcached({
				binary: "/bin/false",
				count: 1,
				startTimeoutMs: 1000,
			}),
		).rejects.toThrow(/memcached exited/);
	});
});

import net from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { canConnect, requireServers, startMemcached } from "../src/index.js";

const ok = await requireServers("memcached");

function roundTrip(
	port: number,
	command: string,
	until: string,
): Promise<string> {
	return new Promise((resolve, reject) => {
		const socket = net.connect({ host: "127.0.0.1", port });
		let data = "";
		socket.setEncoding("utf8");
		socket.on("data", (chunk: string) => {
			data += chunk;
			if (data.endsWith(until)) {
				socket.destroy();
				resolve(data);
			}
		});
		socket.on("error", reject);
		socket.write(command);
	});
}

describe.skipIf(!ok)("startMemcached", () => {
	const clusters: { stop(): Promise<void> }[] = [];
	afterAll(async () => {
		await Promise.all(clusters.map((c) => c.stop()));
	});

	it("starts N real processes on distinct free loopback ports and stops them", async () => {
		const cluster = await startMemcached({ count: 3 });
		clusters.push(cluster);
		expect(cluster.addresses).toHaveLength(3);
		expect(new Set(cluster.addresses).size).toBe(3);
		for (const p of cluster.processes) {
			expect(p.address).toMatch(/^127\.0\.0\.1:\d+$/);
			const reply = await roundTrip(
				p.port,
				"set k 5 0 2\r\nhi\r\nget k\r\n",
				"END\r\n",
			);
			expect(reply).toBe("STORED\r\nVALUE k 5 2\r\nhi\r\nEND\r\n");
		}
		await cluster.stop();
		for (const p of cluster.processes) {
			expect(p.running).toBe(false);
			expect(await canConnect(p.host, p.port, 300)).toBe(false);
		}
	});

	it("pauses (no reply), resumes, and restarts with an empty cache", async () => {
		const cluster = await startMemcached();
		clusters.push(cluster);
		const p = cluster.processes[0];
		if (p === undefined) throw new Error("no process");
		await roundTrip(p.port, "set k 0 0 1\r\nx\r\n", "STORED\r\n");
		p.pause();
		const pending = roundTrip(p.port, "get k\r\n", "END\r\n");
		const raced = await Promise.race([
			pending,
			new Promise((r) => setTimeout(() => r("timeout"), 300)),
		]);
		expect(raced).toBe("timeout");
		p.resume();
		expect(await pending).toBe("VALUE k 0 1\r\nx\r\nEND\r\n");
		await p.restart();
		expect(await roundTrip(p.port, "get k\r\n", "END\r\n")).toBe("END\r\n");
	});
});

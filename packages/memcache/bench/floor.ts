// The floor of a 100-key multi-get: a raw socket sends one pre-encoded request per call and only
// waits for the reply's last bytes (no parsing, no responses), one call at a time, so what it
// measures is memcached plus the loopback round trip. It shows why the protocol choice matters:
// binary GETQ×100+NOOP and meta mg×100+mn are cut by memcached's -R (20 requests per event-loop
// turn) into several reply chunks, while one text `gets k1 … k100` is answered in one.
// Run: cd packages/memcache && npx tsx bench/floor.ts   (env FLOOR_MS per run, default 1000)
import net from "node:net";
import { startMemcached } from "@godropbox-ts/test-utils";
import { RawBinaryClient } from "../src/index.js";

const cluster = await startMemcached({ memoryMb: 256 });
const address = cluster.addresses[0] as string;
const [host, port] = address.split(":") as [string, string];
const keys = Array.from({ length: 100 }, (_, i) => `bench:key:${i}`);
const seed = new RawBinaryClient({ address });
await seed.setMulti(
	keys.map((key) => ({ key, value: Buffer.from("v".repeat(100)) })),
);
await seed.close();

function binaryBatch(): Buffer {
	const parts = keys.map((k, i) => {
		const h = Buffer.alloc(24 + k.length);
		h[0] = 0x80;
		h[1] = 0x09; // GETQ
		h.writeUInt16BE(k.length, 2);
		h.writeUInt32BE(k.length, 8);
		h.writeUInt32BE(i, 12);
		h.write(k, 24, "latin1");
		return h;
	});
	const noop = Buffer.alloc(24);
	noop[0] = 0x80;
	noop[1] = 0x0a;
	return Buffer.concat([...parts, noop]);
}

const endsWith = (tail: Buffer, s: string): boolean =>
	tail.subarray(tail.length - s.length).toString("latin1") === s;
const requests: Record<string, [Buffer, (tail: Buffer) => boolean]> = {
	"binary GETQ×100 + NOOP": [
		binaryBatch(),
		(t) => t[t.length - 24] === 0x81 && t[t.length - 23] === 0x0a,
	],
	"text gets k1 … k100": [
		Buffer.from(`gets ${keys.join(" ")}\r\n`),
		(t) => endsWith(t, "END\r\n"),
	],
	"meta mg×100 q + mn": [
		Buffer.from(`${keys.map((k) => `mg ${k} v f c q\r\n`).join("")}mn\r\n`),
		(t) => endsWith(t, "MN\r\n"),
	],
};

async function run(name: string, ms: number): Promise<void> {
	const [req, done] = requests[name] as [Buffer, (t: Buffer) => boolean];
	const s = net.connect(Number(port), host);
	s.setNoDelay(true);
	await new Promise((r) => s.once("connect", r));
	let calls = 0;
	let chunks = 0;
	const t0 = performance.now();
	await new Promise<void>((resolve) => {
		let tail = Buffer.alloc(0);
		s.on("data", (c: Buffer) => {
			chunks++;
			tail = Buffer.concat([tail, c]).subarray(-24);
			if (!done(tail)) return;
			calls++;
			tail = Buffer.alloc(0);
			if (performance.now() - t0 > ms) resolve();
			else s.write(req);
		});
		s.write(req);
	});
	const el = performance.now() - t0;
	console.log(
		`${name.padEnd(24)} ${Math.round((calls * 1000) / el)
			.toLocaleString("en-US")
			.padStart(
				7,
			)} calls/s, ${(chunks / calls).toFixed(2)} reply chunks per call`,
	);
	s.destroy();
}

const ms = Number(process.env.FLOOR_MS ?? 1000);
for (let round = 0; round < 2; round++)
	for (const name of Object.keys(requests)) await run(name, ms);
await cluster.stop();

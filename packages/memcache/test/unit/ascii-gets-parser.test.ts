// The `gets k1 k2 …` reply parser (AsciiGets + scanValueHeader): the byte-level header scan,
// in-order key matching with its map fallback, and every reply split at random points.
import { describe, expect, it } from "vitest";
import { ProtocolError } from "../../src/errors.js";
import {
	encodeGets,
	parseValueLine,
	scanValueHeader,
	ValueHeader,
} from "../../src/internal/ascii-codec.js";
import { AsciiGets } from "../../src/internal/ascii-requests.js";
import { ReplyReader } from "../../src/internal/pipelined-connection.js";
import { keyByteLength } from "../../src/internal/validate.js";
import { ProtocolViolation } from "../../src/internal/violation.js";
import { Writer } from "../../src/internal/writer.js";
import { ResponseStatus } from "../../src/status.js";
import type { GetResponse } from "../../src/types.js";
import { prng } from "../helpers/vectors.js";

interface Hit {
	readonly value: Buffer;
	readonly flags: number;
	readonly cas: bigint;
}

function block(key: string, hit: Hit): Buffer {
	return Buffer.concat([
		Buffer.from(`VALUE ${key} ${hit.flags} ${hit.value.length} ${hit.cas}\r\n`),
		hit.value,
		Buffer.from("\r\n"),
	]);
}

function gets(keys: string[]): AsciiGets {
	return new AsciiGets(keys, keys.map(keyByteLength));
}

/** Feeds `reply` to a reader holding `reqs`, cut into chunks of 1..maxChunk bytes. */
function feedSplit(
	reqs: AsciiGets[],
	reply: Buffer,
	seed: number,
	maxChunk: number,
): ReplyReader {
	const reader = new ReplyReader();
	for (const r of reqs) reader.queue.push(r);
	const rand = prng(seed);
	for (let off = 0; off < reply.length; ) {
		const n = 1 + Math.floor(rand() * maxChunk);
		reader.feed(reply.subarray(off, off + n));
		off += n;
	}
	return reader;
}

function feedAll(req: AsciiGets, reply: Buffer | string): unknown {
	const reader = new ReplyReader();
	reader.queue.push(req);
	try {
		reader.feed(typeof reply === "string" ? Buffer.from(reply) : reply);
		return undefined;
	} catch (err) {
		for (const r of reader.queue.drain())
			r.fail(new ProtocolError((err as Error).message, "t:1"));
		return err;
	}
}

function expectResults(
	rs: GetResponse[],
	keys: string[],
	hits: Map<string, Hit>,
): void {
	expect(rs.map((r) => r.key)).toEqual(keys);
	for (const r of rs) {
		const h = hits.get(r.key);
		if (h === undefined) {
			expect(r.status).toBe(ResponseStatus.KeyNotFound);
			expect(r.error).toBeUndefined();
			expect(r.value).toBeUndefined();
		} else {
			expect(r.status).toBe(0);
			expect(r.error).toBeUndefined();
			expect(Buffer.compare(r.value as Buffer, h.value)).toBe(0);
			expect(r.flags).toBe(h.flags);
			expect(r.dataVersionId).toBe(h.cas);
		}
	}
}

describe("scanValueHeader", () => {
	it("reads key position, flags, bytes and CAS from the bytes", () => {
		const buf = Buffer.from(
			"xxVALUE some:key 4294967295 12 18446744073709551615\r\n",
		);
		const h = new ValueHeader();
		expect(scanValueHeader(buf, 2, h)).toBe(buf.length - 2);
		expect(buf.toString("latin1", h.keyStart, h.keyEnd)).toBe("some:key");
		expect([h.flags, h.bytes, h.cas]).toEqual([
			4294967295,
			12,
			0xffffffffffffffffn,
		]);
	});

	it("with an expected key: matched when the bytes are that key, else scanned as any key", () => {
		const h = new ValueHeader();
		const check = (line: string, expected: string, matched: boolean) => {
			const buf = Buffer.from(line);
			expect(scanValueHeader(buf, 0, h, expected)).toBe(buf.length);
			expect(h.matched).toBe(matched);
			return buf.toString("latin1", h.keyStart, h.keyEnd);
		};
		expect(check("VALUE user:42 3 1 7\r\n", "user:42", true)).toBe("user:42");
		// a prefix of the expected key, the expected key as a prefix, another key of equal length
		expect(check("VALUE user:4 3 1 7\r\n", "user:42", false)).toBe("user:4");
		expect(check("VALUE user:421 3 1 7\r\n", "user:42", false)).toBe(
			"user:421",
		);
		expect(check("VALUE user:43 3 1 7\r\n", "user:42", false)).toBe("user:43");
		expect([h.flags, h.bytes, h.cas]).toEqual([3, 1, 7n]);
		// Cut right after the expected key: incomplete, whatever the expectation.
		expect(scanValueHeader(Buffer.from("VALUE user:42"), 0, h, "user:42")).toBe(
			0,
		);
		// A control byte after a matching prefix is still malformed.
		expect(() =>
			scanValueHeader(Buffer.from("VALUE user:42\t3 1 7\r\n"), 0, h, "user:42"),
		).toThrow(ProtocolViolation);
	});

	it.each([
		["7", 7n],
		["999999999", 999_999_999n], // 9 digits: the int32 path
		["2147483647", 2_147_483_647n],
		["2147483648", 2_147_483_648n], // beyond int32
		["4294967296", 4_294_967_296n],
		["999999999999999", 999_999_999_999_999n], // 15 digits: still a double
		["9007199254740993", 9_007_199_254_740_993n], // 2^53 + 1: needs the string path
		["18446744073709551615", 0xffffffffffffffffn],
		["000000000000000000042", undefined], // 21 digits: malformed
	])("reads the CAS %s exactly", (digits, cas) => {
		const buf = Buffer.from(`VALUE k 0 1 ${digits}\r\n`);
		const h = new ValueHeader();
		if (cas === undefined)
			expect(() => scanValueHeader(buf, 0, h)).toThrow(ProtocolViolation);
		else {
			expect(scanValueHeader(buf, 0, h, "k")).toBe(buf.length);
			expect(h.cas).toBe(cas);
		}
	});

	it("returns 0 for every incomplete prefix of a header and -1 for another line", () => {
		const line = "VALUE k 1 2 3\r\n";
		const h = new ValueHeader();
		for (let i = 0; i < line.length; i++)
			expect(scanValueHeader(Buffer.from(line.slice(0, i)), 0, h)).toBe(0);
		expect(scanValueHeader(Buffer.from("END\r\n"), 0, h)).toBe(-1);
		expect(scanValueHeader(Buffer.from("VALUEX"), 0, h)).toBe(-1);
	});

	it.each([
		"VALUE  0 1 1\r\n", // empty key
		"VALUE k 0 1\r\n", // no CAS (a plain get reply)
		"VALUE k x 1 1\r\n",
		"VALUE k 0 -1 1\r\n",
		"VALUE k 4294967296 1 1\r\n", // flags beyond uint32
		"VALUE k 0 1 18446744073709551616\r\n", // CAS beyond uint64
		"VALUE k 0 1 123456789012345678901\r\n", // 21 digits
		"VALUE k 0 1 1 \r\n",
		"VALUE k 0 1 1\rX",
		"VALUE k 0 1 1\n",
		"VALUE k\t0 1 1\r\n",
	])("rejects the malformed header %j", (line) => {
		expect(() =>
			scanValueHeader(Buffer.from(line), 0, new ValueHeader()),
		).toThrow(ProtocolViolation);
	});

	it("bounds a header that never ends", () => {
		const buf = Buffer.from(`VALUE ${"k".repeat(9000)}`);
		expect(() => scanValueHeader(buf, 0, new ValueHeader())).toThrow(
			/too long/,
		);
	});

	it("parseValueLine keeps its shape", () => {
		const buf = Buffer.from("VALUE ключ 7 3 99\r\n");
		expect(parseValueLine(buf, 0, buf.length - 2)).toEqual({
			key: "ключ",
			flags: 7,
			bytes: 3,
			cas: 99n,
		});
	});
});

describe("encodeGets", () => {
	it("writes one command line, UTF-8 keys included", () => {
		const w = new Writer();
		const keys = ["a", "ключ", "b:2"];
		encodeGets(w, keys, keys.map(keyByteLength));
		expect(Buffer.concat(w.take()).toString("utf8")).toBe(
			"gets a ключ b:2\r\n",
		);
	});
});

describe("AsciiGets: replies split at random points", () => {
	it("hits and misses mixed, values holding CRLF, END and VALUE lines, any order (seeded)", async () => {
		const deadline = Date.now() + 5000;
		for (let seed = 1; seed <= 60 && Date.now() < deadline; seed++) {
			const rand = prng(seed * 104729);
			const n = 1 + Math.floor(rand() * 150);
			const keys = Array.from({ length: n }, (_, i) =>
				rand() < 0.1 ? `ключ:${seed}:${i}` : `k:${seed}:${i}`,
			);
			const hits = new Map<string, Hit>();
			const tricky = [
				"\r\nEND\r\n",
				"VALUE k:1:0 0 1 1\r\nx\r\n",
				"END",
				"\r\n",
				"",
			];
			for (const k of keys)
				if (rand() < 0.6) {
					const body =
						rand() < 0.3
							? (tricky[Math.floor(rand() * tricky.length)] as string)
							: "v".repeat(Math.floor(rand() * 300));
					hits.set(k, {
						value: Buffer.from(body),
						flags: Math.floor(rand() * 0xffffffff),
						cas:
							rand() < 0.2
								? 0xffffffffffffffffn - BigInt(Math.floor(rand() * 1000))
								: BigInt(Math.floor(rand() * 1e9)),
					});
				}
			const order = [...hits.keys()];
			// Mostly in request order (what memcached does); sometimes shuffled.
			if (seed % 4 === 0) order.sort(() => rand() - 0.5);
			const reply = Buffer.concat([
				...order.map((k) => block(k, hits.get(k) as Hit)),
				Buffer.from("END\r\n"),
			]);
			const req = gets(keys);
			const reader = feedSplit([req], reply, seed, 1 + (seed % 3) * 40);
			expect(reader.queue.length).toBe(0);
			expect(reader.buffered).toBe(0);
			expectResults(await req.promise, keys, hits);
		}
	});

	it("several batches back to back on one connection each get their own values", async () => {
		const batches = [0, 1, 2, 3].map((b) =>
			Array.from({ length: 30 + b }, (_, i) => `b${b}:${i}`),
		);
		const hits = new Map<string, Hit>();
		const parts: Buffer[] = [];
		batches.forEach((keys, b) => {
			keys.forEach((k, i) => {
				if ((i + b) % 3 === 0) return;
				const h = {
					value: Buffer.from(`${k}=${"x".repeat(i)}`),
					flags: b,
					cas: BigInt(i + 1),
				};
				hits.set(k, h);
				parts.push(block(k, h));
			});
			parts.push(Buffer.from("END\r\n"));
		});
		for (let seed = 1; seed <= 10; seed++) {
			const fresh = batches.map(gets);
			const reader = feedSplit(fresh, Buffer.concat(parts), seed, 200);
			expect(reader.queue.length).toBe(0);
			for (let b = 0; b < batches.length; b++)
				expectResults(
					await (fresh[b] as AsciiGets).promise,
					batches[b] as string[],
					hits,
				);
		}
	});

	it("a miss-only reply and a one-key reply", async () => {
		const a = gets(["a", "b", "c"]);
		expect(feedAll(a, "END\r\n")).toBeUndefined();
		expectResults(await a.promise, ["a", "b", "c"], new Map());
		const one = gets(["only"]);
		expect(feedAll(one, "VALUE only 3 2 5\r\nhi\r\nEND\r\n")).toBeUndefined();
		expectResults(
			await one.promise,
			["only"],
			new Map([["only", { value: Buffer.from("hi"), flags: 3, cas: 5n }]]),
		);
	});

	it("the same key twice in a reply is a violation; keys without a verified reply get the error", async () => {
		const req = gets(["a", "b"]);
		const err = feedAll(
			req,
			"VALUE a 0 1 1\r\nx\r\nVALUE a 0 1 1\r\nx\r\nEND\r\n",
		);
		expect(err).toBeInstanceOf(ProtocolViolation);
		const [a, b] = await req.promise;
		// "a" was matched by its own key before the violation; "b" never got an answer.
		expect([a?.value?.toString(), a?.error]).toEqual(["x", undefined]);
		expect(b?.error?.code).toBe("ERR_MEMCACHE_PROTOCOL");
	});

	it("a key that was not requested (even a prefix of one) is a violation", () => {
		expect(
			feedAll(gets(["abc"]), "VALUE ab 0 1 1\r\nx\r\nEND\r\n"),
		).toBeInstanceOf(ProtocolViolation);
		expect(
			feedAll(gets(["ab", "abc"]), "VALUE abcd 0 1 1\r\nx\r\nEND\r\n"),
		).toBeInstanceOf(ProtocolViolation);
	});

	it("an error line in place of a VALUE block is a violation", () => {
		expect(
			feedAll(gets(["a"]), "SERVER_ERROR out of memory\r\n"),
		).toBeInstanceOf(ProtocolViolation);
		expect(feedAll(gets(["a"]), "ERROR\r\n")).toBeInstanceOf(ProtocolViolation);
	});

	it("a hit far out of order is found through the map", async () => {
		const keys = Array.from({ length: 50 }, (_, i) => `o${i}`);
		const hits = new Map<string, Hit>();
		const parts: Buffer[] = [];
		for (const i of [49, 0, 30, 1, 2, 48]) {
			const k = keys[i] as string;
			const h = { value: Buffer.from(k), flags: i, cas: BigInt(i) };
			hits.set(k, h);
			parts.push(block(k, h));
		}
		parts.push(Buffer.from("END\r\n"));
		const req = gets(keys);
		expect(feedAll(req, Buffer.concat(parts))).toBeUndefined();
		expectResults(await req.promise, keys, hits);
	});

	it("values are copies: changing the receive buffer afterwards does not change them", async () => {
		const req = gets(["a"]);
		const reply = Buffer.from("VALUE a 0 3 1\r\nabc\r\nEND\r\n");
		expect(feedAll(req, reply)).toBeUndefined();
		reply.fill(0);
		const [r] = await req.promise;
		expect(r?.value?.toString()).toBe("abc");
	});
});

describe("AsciiGets: value copies", () => {
	it("small values share copied runs of at most 16 KiB, large ones get their own copy", async () => {
		const keys = Array.from({ length: 400 }, (_, i) => `s${i}`);
		const hits = new Map<string, Hit>();
		keys.forEach((k, i) => {
			const size = i % 50 === 7 ? 3000 + i : 100 + (i % 13);
			hits.set(k, {
				value: Buffer.alloc(size, k),
				flags: i,
				cas: BigInt(i + 1),
			});
		});
		const reply = Buffer.concat([
			...keys.map((k) => block(k, hits.get(k) as Hit)),
			Buffer.from("END\r\n"),
		]);
		for (const seed of [1, 2, 3]) {
			const req = gets(keys);
			feedSplit([req], reply, seed, seed === 1 ? reply.length : 5000);
			const rs = await req.promise;
			expectResults(rs, keys, hits);
			for (const r of rs) {
				const v = r.value as Buffer;
				// No view of the receive chunk: each value's memory is a copy of bounded size.
				expect(v.buffer).not.toBe(reply.buffer);
				if (v.length <= 2048)
					expect(v.buffer.byteLength).toBeLessThanOrEqual(16 * 1024);
			}
		}
	});

	it("values parsed before a violation in the same chunk are complete", async () => {
		const req = gets(["a", "b", "c"]);
		const err = feedAll(
			req,
			"VALUE a 0 3 1\r\none\r\nVALUE b 0 3 2\r\ntwo\r\nVALUE zz 0 1 1\r\nx\r\nEND\r\n",
		);
		expect(err).toBeInstanceOf(ProtocolViolation);
		const [a, b, c] = await req.promise;
		expect([a?.value?.toString(), b?.value?.toString()]).toEqual([
			"one",
			"two",
		]);
		expect(c?.error?.code).toBe("ERR_MEMCACHE_PROTOCOL");
	});
});

// The meta codec and request objects on exact bytes, no network. Reply bytes are the ones
// memcached 1.6.18 sends (captured from /usr/bin/memcached), fed whole and split at random points.
import { describe, expect, it } from "vitest";
import { ServerErrorReply } from "../../src/errors.js";
import {
	decodeMetaReply,
	MAX_BASE64_KEY_BYTES,
	type MetaReply,
	metaKeyToken,
} from "../../src/internal/meta-codec.js";
import {
	all,
	CounterOp,
	first,
	GetOp,
	MetaDeleteOp,
	MetaGetOp,
	type MetaOp,
	MetaPipeline,
	MetaSetOp,
	MetaStats,
	MutateOp,
} from "../../src/internal/meta-requests.js";
import { ReplyReader } from "../../src/internal/pipelined-connection.js";
import type { ValidMutation } from "../../src/internal/raw-client-base.js";
import type { PendingRequest } from "../../src/internal/request.js";
import { ProtocolViolation } from "../../src/internal/violation.js";
import { Writer } from "../../src/internal/writer.js";
import { ResponseStatus } from "../../src/status.js";
import { prng, randomSplit } from "../helpers/vectors.js";

const A = "test:1";

function bytes(
	req: { write(w: Writer, opaque: number): number },
	opaque: number,
): string {
	const w = new Writer();
	req.write(w, opaque);
	return Buffer.concat(w.take()).toString("latin1");
}

function mutation(
	m: Partial<ValidMutation> & { kind: ValidMutation["kind"]; key: string },
): ValidMutation {
	return {
		keyLength: Buffer.byteLength(m.key),
		value: undefined,
		flags: 0,
		expiration: 0,
		cas: 0n,
		...m,
	};
}

function tok(key: string) {
	const t = metaKeyToken(key);
	if (t === undefined) throw new Error("bad key");
	return t;
}

function pipe<T>(ops: MetaOp<T>[], quiet: boolean): MetaPipeline<T, T[]> {
	return new MetaPipeline(ops, quiet, A, all);
}

/** Sends requests as a connection would (opaque counter) and feeds `reply` in `chunks`. */
async function run(
	reqs: PendingRequest<unknown>[],
	reply: Buffer,
	opaque: number,
	chunks: (b: Buffer) => Buffer[] = (b) => [b],
): Promise<unknown[]> {
	const reader = new ReplyReader();
	const w = new Writer();
	let o = opaque;
	for (const r of reqs) {
		o = (o + r.write(w, o)) >>> 0;
		reader.queue.push(r);
	}
	for (const c of chunks(reply)) reader.feed(c);
	expect(reader.queue.length).toBe(0);
	return Promise.all(reqs.map((r) => r.promise));
}

describe("meta keys", () => {
	it("sends text-safe keys as they are, anything else base64 with b", () => {
		expect(metaKeyToken("foo")).toEqual({
			token: "foo",
			length: 3,
			base64: false,
		});
		expect(metaKeyToken("é")).toEqual({ token: "é", length: 2, base64: false });
		expect(metaKeyToken("foo bar")).toEqual({
			token: "Zm9vIGJhcg==",
			length: 12,
			base64: true,
		});
		expect(metaKeyToken(Buffer.from("plain"))).toEqual({
			token: "plain",
			length: 5,
			base64: false,
		});
		expect(metaKeyToken(new Uint8Array([0, 255]))).toEqual({
			token: "AP8=",
			length: 4,
			base64: true,
		});
		expect(metaKeyToken(Buffer.alloc(MAX_BASE64_KEY_BYTES, 0))?.length).toBe(
			248,
		);
		expect(
			metaKeyToken(Buffer.alloc(MAX_BASE64_KEY_BYTES + 1, 0)),
		).toBeUndefined();
		expect(metaKeyToken("")).toBeUndefined();
		expect(metaKeyToken(new Uint8Array(0))).toBeUndefined();
		expect(metaKeyToken("\ud800x")).toBeUndefined();
		// 250 printable bytes go raw; 251 need base64 and are too long for it.
		expect(metaKeyToken("k".repeat(250))?.base64).toBe(false);
		expect(metaKeyToken("k".repeat(251))).toBeUndefined();
	});
});

describe("meta request encoding (exact bytes)", () => {
	it("get: one mg, or quiet mg's closed by mn, each with its opaque", () => {
		expect(
			bytes(new MetaPipeline([new GetOp("foo", 3)], false, A, first), 7),
		).toBe("mg foo v f c O7\r\n");
		expect(bytes(pipe([new GetOp("a", 1), new GetOp("bb", 2)], true), 41)).toBe(
			"mg a v f c q O41\r\nmg bb v f c q O42\r\nmn\r\n",
		);
		// Opaques wrap with the connection's uint32 counter.
		expect(
			bytes(pipe([new GetOp("a", 1), new GetOp("b", 1)], true), 0xffffffff),
		).toBe("mg a v f c q O4294967295\r\nmg b v f c q O0\r\nmn\r\n");
	});

	it("writes: ms with mode, F, T, C and c; md; casMulti's add for CAS 0", () => {
		const v = Buffer.from("hi");
		const single = (m: ValidMutation) =>
			bytes(pipe([new MutateOp(m, true)], false), 1);
		expect(single(mutation({ kind: "set", key: "k", value: v }))).toBe(
			"ms k 2 c O1\r\nhi\r\n",
		);
		expect(
			single(
				mutation({
					kind: "set",
					key: "k",
					value: v,
					flags: 5,
					expiration: 90,
					cas: 12n,
				}),
			),
		).toBe("ms k 2 F5 T90 C12 c O1\r\nhi\r\n");
		expect(single(mutation({ kind: "add", key: "k", value: v }))).toBe(
			"ms k 2 ME c O1\r\nhi\r\n",
		);
		expect(single(mutation({ kind: "replace", key: "k", value: v }))).toBe(
			"ms k 2 MR c O1\r\nhi\r\n",
		);
		expect(single(mutation({ kind: "append", key: "k", value: v }))).toBe(
			"ms k 2 MA c O1\r\nhi\r\n",
		);
		expect(single(mutation({ kind: "prepend", key: "k", value: v }))).toBe(
			"ms k 2 MP c O1\r\nhi\r\n",
		);
		expect(single(mutation({ kind: "cas", key: "k", value: v }))).toBe(
			"ms k 2 ME c O1\r\nhi\r\n",
		);
		expect(single(mutation({ kind: "cas", key: "k", value: v, cas: 3n }))).toBe(
			"ms k 2 C3 c O1\r\nhi\r\n",
		);
		expect(single(mutation({ kind: "delete", key: "k" }))).toBe("md k O1\r\n");
		expect(
			bytes(
				pipe(
					[
						new MutateOp(mutation({ kind: "set", key: "a", value: v }), false),
						new MutateOp(mutation({ kind: "delete", key: "b" }), false),
					],
					true,
				),
				9,
			),
		).toBe("ms a 2 q O9\r\nhi\r\nmd b q O10\r\nmn\r\n");
	});

	it("counters: ma with N/J for a creating call, MD for decrement, always v", () => {
		expect(
			bytes(pipe([new CounterOp("c", 1, true, 5n, 10n, 0)], false), 3),
		).toBe("ma c N0 J10 D5 v O3\r\n");
		expect(
			bytes(pipe([new CounterOp("c", 1, false, 1n, 0n, undefined)], false), 3),
		).toBe("ma c D1 MD v O3\r\n");
	});

	it("meta-only ops: mg modifiers before the returned fields, ms I, md C/I/T, base64 keys", () => {
		expect(
			bytes(
				pipe(
					[
						new MetaGetOp("k", tok("k"), {
							vivify: 30,
							recacheBelow: 5,
							touch: 60,
							noBump: true,
						}),
					],
					false,
				),
				1,
			),
		).toBe("mg k N30 R5 T60 u v f c t h l O1\r\n");
		expect(
			bytes(
				pipe([new MetaGetOp("a b", tok("a b"), { value: false })], false),
				2,
			),
		).toBe("mg YSBi b f c t h l O2\r\n");
		expect(
			bytes(
				pipe(
					[
						new MetaSetOp("k k", tok("k k"), Buffer.from("v"), 1, 2, 3n, {
							mode: "append",
							invalidate: true,
						}),
					],
					false,
				),
				4,
			),
		).toBe("ms ayBr 1 b MA F1 T2 C3 I c O4\r\nv\r\n");
		expect(
			bytes(
				pipe(
					[
						new MetaDeleteOp("k", tok("k"), {
							cas: 8n,
							invalidate: true,
							staleTtl: 30,
						}),
					],
					false,
				),
				5,
			),
		).toBe("md k C8 I T30 O5\r\n");
		// T is only meaningful with I (protocol.txt): not sent alone.
		expect(
			bytes(
				pipe([new MetaDeleteOp("k", tok("k"), { staleTtl: 30 })], false),
				6,
			),
		).toBe("md k O6\r\n");
	});

	it("stats groups use the text command", () => {
		expect(bytes(new MetaStats("", A), 1)).toBe("stats\r\n");
		expect(bytes(new MetaStats("settings", A), 1)).toBe("stats settings\r\n");
	});
});

describe("decodeMetaReply", () => {
	const d = (s: string) =>
		decodeMetaReply(Buffer.from(s, "latin1"), 0) as MetaReply;

	it("reads every return flag in any order", () => {
		const r = d("VA 2 O4 c1 f7 t90 h0 l3 kfoo s2 b W X Z\r\nhi\r\n");
		expect(r).toMatchObject({
			code: "VA",
			consumed: 45,
			opaque: 4,
			cas: 1n,
			flags: 7,
			ttl: 90,
			hitBefore: false,
			lastAccess: 3,
			key: "foo",
			size: 2,
			base64: true,
			win: true,
			stale: true,
			winSent: true,
		});
		expect(r.value?.toString()).toBe("hi");
		expect(d("VA 2 t-1 O6 c18446744073709551615\r\n15\r\n")).toMatchObject({
			ttl: -1,
			cas: 0xffffffffffffffffn,
		});
		expect(d("EN O1 kZm9v b\r\n")).toMatchObject({
			code: "EN",
			opaque: 1,
			value: undefined,
		});
		for (const c of ["HD", "NF", "NS", "EX", "MN"])
			expect(d(`${c}\r\n`).code).toBe(c);
		expect(d("SERVER_ERROR object too large for cache\r\n")).toMatchObject({
			code: "ERR",
			text: "SERVER_ERROR object too large for cache",
		});
		expect(d("CLIENT_ERROR bad command line format\r\n").code).toBe("ERR");
		expect(d("ERROR\r\n").code).toBe("ERR");
	});

	it.each([
		"0",
		"2147483647",
		"2147483648",
		"999999999999999",
		"9007199254740993",
		"18446744073709551615",
	])("reads the CAS c%s exactly", (digits) => {
		expect(d(`HD c${digits}\r\n`).cas).toBe(BigInt(digits));
	});

	it("asks for more bytes until a line and its data block are complete", () => {
		expect(decodeMetaReply(Buffer.from("VA 5 O1"), 0)).toBe(0);
		expect(decodeMetaReply(Buffer.from("VA 5 O1\r\nhel"), 0)).toBe(-16);
		expect(decodeMetaReply(Buffer.from("xxVA 5 O1\r\nhello\r"), 2)).toBe(-16);
	});

	it("throws ProtocolViolation on malformed replies", () => {
		for (const s of [
			"OK\r\n",
			"VA x O1\r\n",
			"VA\r\n",
			"HD c-1\r\n",
			"HD fx\r\n",
			"HD t-2\r\n",
			"HD h2\r\n",
			"HD Q1\r\n",
			"HD  O1\r\n",
			"MN O1\r\n",
			"VA 2 O1\r\nhiX\n",
			"HD\n",
		])
			expect(() => decodeMetaReply(Buffer.from(s), 0), s).toThrow(
				ProtocolViolation,
			);
	});
});

describe("MetaPipeline replies", () => {
	/** Requests and the exact bytes memcached 1.6.18 answered them with (opaque base 100). */
	function scenario() {
		const reqs = [
			new MetaPipeline([new GetOp("foo", 3)], false, A, first),
			pipe([new GetOp("a", 1), new GetOp("b", 1), new GetOp("c", 1)], true),
			pipe(
				[
					new MutateOp(
						mutation({ kind: "set", key: "x", value: Buffer.from("1") }),
						false,
					),
					new MutateOp(
						mutation({ kind: "add", key: "y", value: Buffer.from("1") }),
						false,
					),
				],
				true,
			),
			new MetaPipeline(
				[new CounterOp("n", 1, true, 1n, 0n, 0)],
				false,
				A,
				first,
			),
			new MetaPipeline(
				[new MetaGetOp("lease", tok("lease"), { vivify: 30 })],
				false,
				A,
				first,
			),
			new MetaPipeline(
				[new CounterOp("t", 1, true, 1n, 0n, undefined)],
				false,
				A,
				first,
			),
			new MetaPipeline(
				[new MutateOp(mutation({ kind: "delete", key: "d" }), true)],
				false,
				A,
				first,
			),
		];
		// opaques: foo=100; a,b,c=101..103; x,y=104,105; n=106; lease=107; t=108; d=109
		const reply = Buffer.from(
			"VA 3 O100 f5 c9\r\nbar\r\n" +
				"VA 1 O102 f0 c3\r\nB\r\nMN\r\n" +
				"NS O105\r\nMN\r\n" +
				"VA 2 O106\r\n10\r\n" +
				"VA 0 O107 f0 c6 t30 h0 l0 W\r\n\r\n" +
				"CLIENT_ERROR cannot increment or decrement non-numeric value\r\n" +
				"NF O109\r\n",
			"latin1",
		);
		return { reqs, reply };
	}

	async function check(results: unknown[]): Promise<void> {
		const [foo, abc, xy, n, lease, t, d] = results as [
			{ value: Buffer; flags: number; dataVersionId: bigint },
			{ status: number; value?: Buffer }[],
			{ status: number }[],
			{ count: bigint },
			{ win: boolean; ttl: number; value: Buffer; hitBefore: boolean },
			{ status: number },
			{ status: number; error: unknown },
		];
		expect(foo.value.toString()).toBe("bar");
		expect(foo.flags).toBe(5);
		expect(foo.dataVersionId).toBe(9n);
		expect(abc.map((r) => r.status)).toEqual([1, 0, 1]);
		expect(abc[1]?.value?.toString()).toBe("B");
		expect(xy.map((r) => r.status)).toEqual([0, ResponseStatus.ItemNotStored]);
		expect(n.count).toBe(10n);
		expect(lease).toMatchObject({ win: true, ttl: 30, hitBefore: false });
		expect(lease.value.length).toBe(0);
		expect(t.status).toBe(ResponseStatus.IncrDecrOnNonNumericValue);
		expect(d.status).toBe(ResponseStatus.KeyNotFound);
		expect(d.error).toBeDefined();
	}

	it("matches each reply to its request by opaque", async () => {
		const { reqs, reply } = scenario();
		await check(await run(reqs, reply, 100));
	});

	it("gives the same results with the bytes split at random points (seeded, bounded)", async () => {
		const rand = prng(0x6d657461);
		const deadline = performance.now() + 3000;
		let rounds = 0;
		for (; rounds < 500 && performance.now() < deadline; rounds++) {
			const { reqs, reply } = scenario();
			await check(await run(reqs, reply, 100, (b) => randomSplit(b, rand)));
		}
		// Byte by byte once, the hardest split.
		const { reqs, reply } = scenario();
		await check(
			await run(reqs, reply, 100, (b) =>
				Array.from(b, (x) => Buffer.from([x])),
			),
		);
		expect(rounds).toBeGreaterThan(10);
	});

	it("rejects a reply carrying another request's opaque (a reply never reaches the wrong caller)", () => {
		const reader = new ReplyReader();
		const w = new Writer();
		const r1 = new MetaPipeline([new GetOp("a", 1)], false, A, first);
		r1.write(w, 5);
		reader.queue.push(r1);
		expect(() => reader.feed(Buffer.from("VA 1 O6 f0 c1\r\nx\r\n"))).toThrow(
			ProtocolViolation,
		);
		const r2 = new MetaPipeline([new GetOp("a", 1)], false, A, first);
		r2.write(w, 5);
		const reader2 = new ReplyReader();
		reader2.queue.push(r2);
		expect(() => reader2.feed(Buffer.from("EN\r\n"))).toThrow(
			/without the opaque/,
		);
		const r3 = new MetaPipeline([new GetOp("a", 1)], false, A, first);
		r3.write(w, 5);
		const reader3 = new ReplyReader();
		reader3.queue.push(r3);
		expect(() => reader3.feed(Buffer.from("EN O5x\r\n"))).toThrow(
			ProtocolViolation,
		);
	});

	it("quiet batches: replies out of order, repeated, or MN-less codes are violations", () => {
		const make = () => {
			const r = pipe([new GetOp("a", 1), new GetOp("b", 1)], true);
			r.write(new Writer(), 1);
			const reader = new ReplyReader();
			reader.queue.push(r);
			return reader;
		};
		expect(() =>
			make().feed(Buffer.from("VA 1 O2\r\nx\r\nVA 1 O1\r\nx\r\n")),
		).toThrow(/out of order/);
		expect(() =>
			make().feed(Buffer.from("VA 1 O2\r\nx\r\nVA 1 O2\r\nx\r\n")),
		).toThrow(/out of order or repeated/);
		expect(() => make().feed(Buffer.from("VA 1 O3\r\nx\r\n"))).toThrow(
			/not one of/,
		);
		expect(() => make().feed(Buffer.from("NS O1\r\n"))).toThrow(
			/Unexpected NS reply to mg/,
		);
		const single = new MetaPipeline([new GetOp("a", 1)], false, A, first);
		single.write(new Writer(), 1);
		const reader = new ReplyReader();
		reader.queue.push(single);
		expect(() => reader.feed(Buffer.from("MN\r\n"))).toThrow(ProtocolViolation);
	});

	it("quiet batches: an error line is charged to the silent commands between the replies around it", async () => {
		const ops = ["a", "b", "c", "d", "e"].map((k) => new GetOp(k, 1));
		const [res] = (await run(
			[pipe(ops, true)],
			Buffer.from(
				"VA 1 O1\r\nA\r\nSERVER_ERROR out of memory\r\nVA 1 O4\r\nD\r\nMN\r\n",
			),
			1,
		)) as [{ status: number; error?: unknown }[]];
		expect(res.map((r) => r.status)).toEqual([
			0,
			ResponseStatus.ClientError,
			ResponseStatus.ClientError,
			0,
			ResponseStatus.KeyNotFound,
		]);
		expect(res[1]?.error).toBeInstanceOf(ServerErrorReply);
	});

	it("fail() before MN fails every command of a quiet batch, even those that had a reply", async () => {
		// The reply for "b" came first, so "a" was taken for a miss: both unconfirmed until MN.
		const r = pipe(
			[new GetOp("a", 1), new GetOp("b", 1), new GetOp("c", 1)],
			true,
		);
		r.write(new Writer(), 1);
		const reader = new ReplyReader();
		reader.queue.push(r);
		reader.feed(Buffer.from("VA 1 O2\r\nB\r\n"));
		const err = new ServerErrorReply("SERVER_ERROR gone", A);
		r.fail(err);
		const out = await r.promise;
		expect(out.map((x) => x.error)).toEqual([err, err, err]);
	});

	it("fail() keeps the verified replies of a non-quiet pipeline", async () => {
		const r = pipe([new GetOp("a", 1), new GetOp("b", 1)], false);
		r.write(new Writer(), 1);
		const reader = new ReplyReader();
		reader.queue.push(r);
		reader.feed(Buffer.from("VA 1 O1\r\nA\r\n"));
		const err = new ServerErrorReply("SERVER_ERROR gone", A);
		r.fail(err);
		const out = await r.promise;
		expect(out[0]?.value?.toString()).toBe("A");
		expect(out[1]?.error).toBe(err);
	});
});

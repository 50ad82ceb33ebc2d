import { describe, expect, it } from "vitest";
import { ProtocolError } from "../../src/errors.js";
import {
	AsciiCounter,
	AsciiGets,
	AsciiMutateBatch,
	AsciiSimple,
	AsciiStats,
} from "../../src/internal/ascii-requests.js";
import { ReplyReader } from "../../src/internal/pipelined-connection.js";
import type { PendingRequest } from "../../src/internal/request.js";
import { keyByteLength } from "../../src/internal/validate.js";
import { ProtocolViolation } from "../../src/internal/violation.js";
import { Writer } from "../../src/internal/writer.js";
import type {
	CountResponse,
	GetResponse,
	MutateResponse,
} from "../../src/types.js";
import {
	expectCount,
	expectGet,
	expectMutate,
} from "../helpers/expect-response.js";
import {
	type Json,
	loadVectors,
	prng,
	randomSplit,
	vectorValue,
} from "../helpers/vectors.js";

const vectors = loadVectors("memcache-ascii-requests.json");

const A = "test:1";

function kl(key: string): number {
	return keyByteLength(key);
}

function storeCmd(op: string, it: Json): string {
	const cas = BigInt(it.cas ?? "0");
	if (op === "set") return cas === 0n ? "set" : "cas";
	if (op === "cas") return cas === 0n ? "add" : "cas";
	return op;
}

/** The request the ascii client sends for a vector, or undefined when it refuses the call. */
function build(v: Json): PendingRequest<unknown> | undefined {
	const a = v.args;
	switch (v.op) {
		case "get":
		case "getMulti": {
			const keys = [
				...new Set<string>(v.op === "get" ? [a.key] : a.keys),
			].filter((k) => kl(k) >= 0);
			return keys.length === 0 ? undefined : new AsciiGets(keys, keys.map(kl));
		}
		case "set":
		case "add":
		case "replace": {
			if (kl(a.key) < 0 || (v.op !== "set" && BigInt(a.cas) !== 0n))
				return undefined;
			return mutate([{ op: v.op, it: a }]);
		}
		case "setMulti":
			return mutate(a.items.map((it: Json) => ({ op: "set", it })));
		case "addMulti":
			return mutate(a.items.map((it: Json) => ({ op: "add", it })));
		case "casMulti":
			return mutate(a.items.map((it: Json) => ({ op: "cas", it })));
		case "append":
		case "prepend":
			return mutate([
				{ op: v.op, it: { ...a, flags: 0, expiration: 0, cas: "0" } },
			]);
		case "delete":
			return new AsciiMutateBatch(
				[{ cmd: "delete", key: a.key, keyLength: kl(a.key) }],
				A,
			);
		case "deleteMulti":
			return new AsciiMutateBatch(
				a.keys.map((k: string) => ({
					cmd: "delete",
					key: k,
					keyLength: kl(k),
				})),
				A,
			);
		case "increment":
		case "decrement":
			if (a.expiration !== 0xffffffff) return undefined;
			return new AsciiCounter(
				v.op === "increment" ? "incr" : "decr",
				a.key,
				kl(a.key),
				BigInt(a.delta),
				A,
			);
		case "flush":
			return new AsciiSimple("flush_all", a.expiration, A);
		case "version":
			return new AsciiSimple("version", 0, A);
		case "verbosity":
			return new AsciiSimple("verbosity", a.level, A);
		case "stat":
			return a.stats_key === "" ? new AsciiStats(A) : undefined;
	}
	throw new Error(`unknown op ${v.op}`);
}

function mutate(list: { op: string; it: Json }[]): AsciiMutateBatch {
	return new AsciiMutateBatch(
		list.map(({ op, it }) => ({
			cmd: storeCmd(op, it),
			key: it.key,
			keyLength: kl(it.key),
			value: vectorValue(it),
			flags: it.flags,
			expiration: it.expiration,
			cas: BigInt(it.cas ?? "0"),
		})),
		A,
	);
}

function wireHex(v: Json): string {
	return v.wire_hex ?? Buffer.from(v.wire, "utf8").toString("hex");
}

function feed(
	req: PendingRequest<unknown>,
	reply: Buffer,
	seed: number,
): ProtocolViolation | undefined {
	const reader = new ReplyReader();
	reader.queue.push(req);
	try {
		for (const chunk of randomSplit(reply, prng(seed)))
			if (chunk.length > 0) reader.feed(chunk);
	} catch (err) {
		if (!(err instanceof ProtocolViolation)) throw err;
		for (const r of reader.queue.drain())
			r.fail(new ProtocolError(err.message, A));
		return err;
	}
	for (const r of reader.queue.drain())
		r.fail(new ProtocolError("unexpected EOF", A));
	return undefined;
}

async function check(v: Json, req: PendingRequest<unknown>): Promise<void> {
	const r = await req.promise;
	const exp = v.result;
	switch (v.op) {
		case "get":
			expectGet((r as GetResponse[])[0] as GetResponse, exp);
			return;
		case "getMulti": {
			const byKey = new Map((r as GetResponse[]).map((x) => [x.key, x]));
			for (const [key, e] of Object.entries(exp as Record<string, Json>)) {
				if (kl(key) < 0) expect(e.error).not.toBeNull();
				else expectGet(byKey.get(key) as GetResponse, e);
			}
			return;
		}
		case "set":
		case "add":
		case "replace":
		case "append":
		case "prepend":
		case "delete":
			expectMutate((r as MutateResponse[])[0] as MutateResponse, exp);
			return;
		case "setMulti":
		case "addMulti":
		case "casMulti":
		case "deleteMulti":
			(exp as Json[]).forEach((e, i) => {
				expectMutate((r as MutateResponse[])[i] as MutateResponse, e);
			});
			return;
		case "increment":
		case "decrement":
			expectCount(r as CountResponse, exp);
			return;
		case "flush":
		case "verbosity":
			expect(r).toEqual({ status: 0, text: "" });
			return;
		case "version":
			expect(r).toEqual({ status: 0, text: exp.version });
			return;
		case "stat": {
			const s = r as { status: number; entries: Map<string, string> };
			expect(s.status).toBe(0);
			expect(Object.fromEntries(s.entries)).toEqual(exp.entries);
			return;
		}
	}
}

describe("ascii codec: request vectors (exact bytes)", () => {
	vectors.forEach((v, i) => {
		it(`#${i} ${v.op} ${v.note ?? ""}`, async () => {
			const hex = wireHex(v);
			if (hex === "") {
				expect(build(v)).toBeUndefined();
				expect(
					v.result.error ?? v.result[Object.keys(v.result)[0] as string]?.error,
				).not.toBeNull();
				return;
			}
			for (let seed = 1; seed <= 10; seed++) {
				const req = build(v) as PendingRequest<unknown>;
				const w = new Writer();
				req.write(w, 0);
				expect(Buffer.concat(w.take()).toString("hex")).toBe(hex);
				expect(
					feed(req, Buffer.from(v.reply, "utf8"), seed * 100 + i),
				).toBeUndefined();
				await check(v, req);
			}
		});
	});
});

describe("ascii codec: replies the spec lists", () => {
	it("trailing bytes after END: the get succeeds, then the reader reports a violation", async () => {
		const req = new AsciiGets(["k"], [1]);
		const reader = new ReplyReader();
		reader.queue.push(req);
		expect(() => reader.feed(Buffer.from("END\r\ngarbage"))).toThrow(
			ProtocolViolation,
		);
		const [r] = await req.promise;
		expect(r?.status).toBe(1);
		expect(r?.error).toBeUndefined();
	});

	it("a VALUE block cut short makes every key an error when the connection fails", async () => {
		const req = new AsciiGets(["a", "b"], [1, 1]);
		expect(feed(req, Buffer.from("VALUE a 0 10 1\r\nabc"), 3)).toBeUndefined();
		const [a, b] = await req.promise;
		expect(a?.error).toBeInstanceOf(ProtocolError);
		expect(b?.error).toBeInstanceOf(ProtocolError);
	});

	it("a VALUE line for a key that was not requested is a violation", () => {
		const req = new AsciiGets(["a"], [1]);
		expect(
			feed(req, Buffer.from("VALUE zz 0 1 1\r\nx\r\nEND\r\n"), 1),
		).toBeInstanceOf(ProtocolViolation);
	});

	it("a data block not followed by CRLF is a violation (godropbox only checks one byte)", () => {
		const req = new AsciiGets(["a"], [1]);
		expect(
			feed(req, Buffer.from("VALUE a 0 1 1\r\nx\rXEND\r\n"), 1),
		).toBeInstanceOf(ProtocolViolation);
	});

	it("SERVER_ERROR on a store is an error response; the stream stays in sync", async () => {
		const req = mutate([
			{
				op: "set",
				it: { key: "a", value: "1", flags: 0, expiration: 0, cas: "0" },
			},
			{
				op: "set",
				it: { key: "b", value: "2", flags: 0, expiration: 0, cas: "0" },
			},
		]);
		expect(
			feed(
				req,
				Buffer.from("SERVER_ERROR out of memory storing object\r\nSTORED\r\n"),
				5,
			),
		).toBeUndefined();
		const [a, b] = await req.promise;
		expect(a?.error?.code).toBe("ERR_MEMCACHE_SERVER_ERROR");
		expect(b?.status).toBe(0);
	});

	it("an unexpected reply line is a violation", () => {
		const req = new AsciiSimple("flush_all", 0, A);
		expect(feed(req, Buffer.from("STORED\r\n"), 1)).toBeInstanceOf(
			ProtocolViolation,
		);
	});

	it("a line longer than 8 KiB without CRLF is a violation", () => {
		const req = new AsciiStats(A);
		expect(feed(req, Buffer.alloc(9000, 0x41), 1)).toBeInstanceOf(
			ProtocolViolation,
		);
	});
});

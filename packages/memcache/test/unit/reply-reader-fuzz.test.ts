import { describe, expect, it } from "vitest";
import {
	AsciiGets,
	AsciiMutateBatch,
} from "../../src/internal/ascii-requests.js";
import { Opcode } from "../../src/internal/binary-codec.js";
import {
	BinaryGet,
	BinaryGetBatch,
	BinaryMutateBatch,
} from "../../src/internal/binary-requests.js";
import { ReplyReader } from "../../src/internal/pipelined-connection.js";
import type { PendingRequest } from "../../src/internal/request.js";
import { Writer } from "../../src/internal/writer.js";
import type { GetResponse, MutateResponse } from "../../src/types.js";
import { prng } from "../helpers/vectors.js";

/** Chunks of 1..maxChunk bytes (dense cuts: headers, lines and values get split everywhere). */
function denseSplit(buf: Buffer, rand: () => number, maxChunk = 97): Buffer[] {
	const out: Buffer[] = [];
	for (let off = 0; off < buf.length; ) {
		const n = 1 + Math.floor(rand() * maxChunk);
		out.push(buf.subarray(off, off + n));
		off += n;
	}
	return out;
}

const scratch = Buffer.alloc(64 * 1024);
/**
 * Feeds `chunks` in order. `transient`: as the sockets this package dials do (Node's `onread`),
 * each chunk is handed over in one reused buffer that is overwritten right after `feed` returns,
 * so anything the reader or a parser kept without copying turns into garbage.
 */
function feedChunks(
	reader: ReplyReader,
	chunks: readonly Buffer[],
	transient: boolean,
): void {
	for (const chunk of chunks) {
		if (!transient) {
			reader.feed(chunk);
			continue;
		}
		chunk.copy(scratch);
		reader.feed(scratch.subarray(0, chunk.length), true);
		scratch.fill(0xee);
	}
}

function frame(
	opcode: number,
	status: number,
	opaque: number,
	cas: bigint,
	extras: Buffer,
	value: Buffer,
): Buffer {
	const f = Buffer.alloc(24 + extras.length + value.length);
	f[0] = 0x81;
	f[1] = opcode;
	f[4] = extras.length;
	f.writeUInt16BE(status, 6);
	f.writeUInt32BE(extras.length + value.length, 8);
	f.writeUInt32BE(opaque, 12);
	f.writeBigUInt64BE(cas, 16);
	extras.copy(f, 24);
	value.copy(f, 24 + extras.length);
	return f;
}

function flagsExtras(flags: number): Buffer {
	const b = Buffer.alloc(4);
	b.writeUInt32BE(flags);
	return b;
}

/**
 * Many pipelined requests, the server's replies built byte by byte, fed in chunks split at random
 * points: every request must get exactly its own result. Bounded: 40 seeds × ≤ 60 requests.
 */
describe("reply reader fuzz: pipelined replies split at random points", () => {
	it("binary: GET / GETQ batches / writes", async () => {
		for (let seed = 1; seed <= 40; seed++) {
			const rand = prng(seed);
			const w = new Writer();
			let opaque = 1;
			const reqs: PendingRequest<unknown>[] = [];
			const replies: Buffer[] = [];
			const checks: ((r: unknown) => void)[] = [];
			const n = 1 + Math.floor(rand() * 60);
			for (let i = 0; i < n; i++) {
				const kind = Math.floor(rand() * 3);
				if (kind === 0) {
					const key = `k${i}`;
					const hit = rand() < 0.6;
					const value = Buffer.alloc(Math.floor(rand() * 3000), i % 256);
					const req = new BinaryGet(key, key.length);
					const base = opaque;
					opaque += req.write(w, opaque);
					replies.push(
						hit
							? frame(Opcode.Get, 0, base, BigInt(i + 1), flagsExtras(i), value)
							: frame(
									Opcode.Get,
									1,
									base,
									0n,
									Buffer.alloc(0),
									Buffer.from("Not found"),
								),
					);
					reqs.push(req);
					checks.push((r) => {
						const g = r as GetResponse;
						expect(g.key).toBe(key);
						if (hit)
							expect([
								g.value?.equals(value),
								g.flags,
								g.dataVersionId,
							]).toEqual([true, i, BigInt(i + 1)]);
						else expect(g.status).toBe(1);
					});
				} else if (kind === 1) {
					const keys = Array.from(
						{ length: 1 + Math.floor(rand() * 20) },
						(_, j) => `b${i}-${j}`,
					);
					const hits = keys.map(() => rand() < 0.5);
					const req = new BinaryGetBatch(
						keys,
						keys.map((k) => k.length),
					);
					const base = opaque;
					opaque += req.write(w, opaque);
					keys.forEach((k, j) => {
						if (hits[j])
							replies.push(
								frame(
									Opcode.GetQ,
									0,
									base + j,
									BigInt(j + 7),
									flagsExtras(j),
									Buffer.from(k),
								),
							);
					});
					replies.push(
						frame(
							Opcode.NoOp,
							0,
							base + keys.length,
							0n,
							Buffer.alloc(0),
							Buffer.alloc(0),
						),
					);
					reqs.push(req);
					checks.push((r) => {
						const rs = r as GetResponse[];
						rs.forEach((g, j) => {
							expect(g.key).toBe(keys[j]);
							if (hits[j])
								expect([g.value?.toString(), g.flags, g.dataVersionId]).toEqual(
									[keys[j], j, BigInt(j + 7)],
								);
							else expect(g.status).toBe(1);
						});
					});
				} else {
					const count = 1 + Math.floor(rand() * 5);
					const ops = Array.from({ length: count }, (_, j) => ({
						opcode: Opcode.Set,
						key: `s${i}-${j}`,
						keyLength: `s${i}-${j}`.length,
						value: Buffer.from("v"),
					}));
					const req = new BinaryMutateBatch(ops);
					const base = opaque;
					opaque += req.write(w, opaque);
					const statuses = ops.map(() => (rand() < 0.8 ? 0 : 2));
					ops.forEach((_, j) => {
						replies.push(
							frame(
								Opcode.Set,
								statuses[j] as number,
								base + j,
								BigInt(1000 + j),
								Buffer.alloc(0),
								Buffer.alloc(0),
							),
						);
					});
					reqs.push(req);
					checks.push((r) => {
						const rs = r as MutateResponse[];
						expect(rs.map((x) => x.status)).toEqual(statuses);
						rs.forEach((x, j) => {
							expect(x.dataVersionId).toBe(
								statuses[j] === 0 ? BigInt(1000 + j) : 0n,
							);
						});
					});
				}
			}
			const reader = new ReplyReader();
			for (const r of reqs) reader.queue.push(r);
			feedChunks(
				reader,
				denseSplit(Buffer.concat(replies), rand),
				seed % 2 === 0,
			);
			expect(reader.queue.length).toBe(0);
			const results = await Promise.all(reqs.map((r) => r.promise));
			results.forEach((r, i) => {
				(checks[i] as (r: unknown) => void)(r);
			});
		}
	});

	it("ascii: gets batches and store lines", async () => {
		for (let seed = 1; seed <= 40; seed++) {
			const rand = prng(seed * 7919);
			const reqs: PendingRequest<unknown>[] = [];
			const replies: string[] = [];
			const checks: ((r: unknown) => void)[] = [];
			const n = 1 + Math.floor(rand() * 40);
			for (let i = 0; i < n; i++) {
				if (rand() < 0.6) {
					const keys = Array.from(
						{ length: 1 + Math.floor(rand() * 10) },
						(_, j) => `a${i}-${j}`,
					);
					const values = keys.map((k) =>
						rand() < 0.5
							? `${k}\r\nEND\r\n${"z".repeat(Math.floor(rand() * 500))}`
							: undefined,
					);
					const order = keys.map((_, j) => j).sort(() => rand() - 0.5);
					for (const j of order) {
						const v = values[j];
						if (v !== undefined)
							replies.push(
								`VALUE ${keys[j]} ${j} ${Buffer.byteLength(v)} ${j + 1}\r\n${v}\r\n`,
							);
					}
					replies.push("END\r\n");
					reqs.push(
						new AsciiGets(
							keys,
							keys.map((k) => k.length),
						),
					);
					checks.push((r) => {
						(r as GetResponse[]).forEach((g, j) => {
							expect(g.key).toBe(keys[j]);
							if (values[j] === undefined) expect(g.status).toBe(1);
							else
								expect([g.value?.toString(), g.flags, g.dataVersionId]).toEqual(
									[values[j], j, BigInt(j + 1)],
								);
						});
					});
				} else {
					const lines = ["STORED", "NOT_STORED", "EXISTS", "NOT_FOUND"];
					const ops = Array.from(
						{ length: 1 + Math.floor(rand() * 4) },
						(_, j) => ({
							cmd: "set",
							key: `w${i}-${j}`,
							keyLength: `w${i}-${j}`.length,
							value: Buffer.from("x"),
						}),
					);
					const picks = ops.map(() => Math.floor(rand() * 4));
					for (const p of picks) replies.push(`${lines[p]}\r\n`);
					reqs.push(new AsciiMutateBatch(ops, "t:1"));
					checks.push((r) => {
						expect((r as MutateResponse[]).map((x) => x.status)).toEqual(
							picks.map((p) => [0, 5, 2, 1][p]),
						);
					});
				}
			}
			const w = new Writer();
			for (const r of reqs) r.write(w, 0);
			const reader = new ReplyReader();
			for (const r of reqs) reader.queue.push(r);
			feedChunks(
				reader,
				denseSplit(Buffer.from(replies.join("")), rand),
				seed % 2 === 0,
			);
			expect(reader.queue.length).toBe(0);
			const results = await Promise.all(reqs.map((r) => r.promise));
			results.forEach((r, i) => {
				(checks[i] as (r: unknown) => void)(r);
			});
		}
	});
});

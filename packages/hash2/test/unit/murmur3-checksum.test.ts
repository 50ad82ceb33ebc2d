import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
	computeMd5Checksum,
	HASH2_ERROR_CODES,
	murmur3_32,
	validateMd5Checksum,
} from "../../src/index.js";
import { MD5_OUT, md5Bytes, md5String } from "../../src/internal/md5.js";
import { mix32 } from "../../src/internal/mix32.js";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const errorOf = (fn: () => unknown): unknown => {
	try {
		fn();
	} catch (err) {
		return [(err as Error).constructor.name, (err as { code?: unknown }).code];
	}
	return "no throw";
};

describe("murmur3_32 (godropbox murmur3.Hash32)", () => {
	it("matches godropbox's test vectors (seed 0x123456)", () => {
		const vectors: [string, number][] = [
			["", 0x6e9c81dc],
			["1", 0x09c5063b],
			["12", 0xff0b3b72],
			["123", 0xd44872db],
			["test1", 0xa09f7757],
			["foobar", 0xaea81970],
		];
		for (const [s, want] of vectors)
			expect(murmur3_32(utf8(s), 0x123456), s).toBe(want);
	});

	it("is the consistent-hash mixer on 4 little-endian bytes with seed 12345", () => {
		let x = 0x9e3779b9;
		for (let i = 0; i < 2000; i++) {
			x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
			const b = new Uint8Array([
				x & 255,
				(x >>> 8) & 255,
				(x >>> 16) & 255,
				x >>> 24,
			]);
			expect(murmur3_32(b, 12345)).toBe(mix32(x));
		}
	});

	it("defaults the seed to 0 and validates arguments", () => {
		expect(murmur3_32(new Uint8Array(0))).toBe(0);
		expect(murmur3_32(utf8("abc"))).toBe(murmur3_32(utf8("abc"), 0));
		expect(errorOf(() => murmur3_32("abc" as unknown as Uint8Array))).toEqual([
			"TypeError",
			HASH2_ERROR_CODES.INVALID_BYTES,
		]);
		expect(errorOf(() => murmur3_32(utf8("a"), -1))).toEqual([
			"RangeError",
			HASH2_ERROR_CODES.INVALID_UINT32,
		]);
		expect(errorOf(() => murmur3_32(utf8("a"), 2 ** 32))).toEqual([
			"RangeError",
			HASH2_ERROR_CODES.INVALID_UINT32,
		]);
	});
});

describe("MD5 checksum helpers (godropbox hash2/checksum.go)", () => {
	const data = utf8("it just works");
	const reference = Buffer.from("7170bd5a9d5348e831100f6b81ffdadc", "hex");

	it("computes the reference digests", () => {
		expect(hex(computeMd5Checksum(data))).toBe(
			"7170bd5a9d5348e831100f6b81ffdadc",
		);
		expect(hex(computeMd5Checksum(new Uint8Array(0)))).toBe(
			"d41d8cd98f00b204e9800998ecf8427e",
		);
		expect(computeMd5Checksum(data)).toBeInstanceOf(Uint8Array);
		expect(computeMd5Checksum(data)).toHaveLength(16);
	});

	it("validates like godropbox's tests", () => {
		expect(validateMd5Checksum(data, new Uint8Array(reference))).toBe(true);
		expect(validateMd5Checksum(data, computeMd5Checksum(data))).toBe(true);
		expect(validateMd5Checksum(new Uint8Array(reference), data)).toBe(false);
		expect(validateMd5Checksum(new Uint8Array(0), new Uint8Array(0))).toBe(
			false,
		);
		const flipped = new Uint8Array(reference);
		flipped[15] = (flipped[15] as number) ^ 1;
		expect(validateMd5Checksum(data, flipped)).toBe(false);
		expect(validateMd5Checksum(data, new Uint8Array([...reference, 0]))).toBe(
			false,
		);
	});

	it("rejects non-byte arguments", () => {
		const B = HASH2_ERROR_CODES.INVALID_BYTES;
		expect(
			errorOf(() => computeMd5Checksum("x" as unknown as Uint8Array)),
		).toEqual(["TypeError", B]);
		expect(
			errorOf(() => validateMd5Checksum(data, "x" as unknown as Uint8Array)),
		).toEqual(["TypeError", B]);
	});
});

describe("internal MD5 used by ketama", () => {
	const words = (): string => {
		const out = Buffer.alloc(16);
		for (let i = 0; i < 4; i++) out.writeInt32LE(MD5_OUT[i] as number, i * 4);
		return out.toString("hex");
	};

	it("equals node:crypto on strings and bytes of every padding length", () => {
		for (let len = 0; len <= 200; len++) {
			const s = Array.from({ length: len }, (_, i) =>
				String.fromCharCode(33 + ((i * 7) % 90)),
			).join("");
			md5String(s);
			expect(words(), `len ${len}`).toBe(
				createHash("md5").update(s).digest("hex"),
			);
			const b = utf8(s);
			md5Bytes(b, b.length);
			expect(words()).toBe(createHash("md5").update(b).digest("hex"));
		}
	});

	it("encodes non-ASCII strings as UTF-8", () => {
		for (const s of [
			"é",
			"日本語のキー",
			"a\u{1f600}b",
			"x\ud800y",
			"ключ".repeat(40),
		]) {
			md5String(s);
			expect(words(), s).toBe(
				createHash("md5").update(s, "utf8").digest("hex"),
			);
		}
	});
});

// The output Writer's byte-level fast paths (short ASCII strings, decimals) against Buffer's own
// encoders, and the meta encoders that use them, on exact bytes.
import { describe, expect, it } from "vitest";
import {
	encodeMetaCommand,
	encodeMetaSet,
	metaKeyToken,
} from "../../src/internal/meta-codec.js";
import { Writer } from "../../src/internal/writer.js";
import { prng } from "../helpers/vectors.js";

function out(w: Writer): string {
	return Buffer.concat(w.take()).toString("latin1");
}

describe("Writer", () => {
	it("writes decimals like String(n), from 0 to 2^53-1", () => {
		const rnd = prng(6);
		const values = [
			0,
			1,
			9,
			10,
			11,
			99,
			100,
			101,
			999,
			1000,
			65535,
			1048576,
			4294967295,
			4294967296,
			Number.MAX_SAFE_INTEGER,
		];
		for (let i = 0; i < 500; i++)
			values.push(Math.floor(rnd() * 10 ** Math.floor(rnd() * 16)));
		const w = new Writer();
		for (const v of values) {
			w.decimal(v);
			w.u8(0x2c);
		}
		expect(out(w)).toBe(values.map((v) => `${v},`).join(""));
	});

	it("writes short and long ASCII strings the same way (ascii and str)", () => {
		const strings = ["", "a", " v f c O12", "x".repeat(32), "y".repeat(33)];
		strings.push("k".repeat(250), "bench:key:123");
		const w = new Writer();
		for (const s of strings) {
			w.ascii(s);
			w.ensure(s.length);
			w.str(s, s.length);
		}
		expect(out(w)).toBe(strings.map((s) => s + s).join(""));
	});

	it("str still writes UTF-8 for non-ASCII keys", () => {
		const key = "clé:ü";
		const n = Buffer.byteLength(key);
		const w = new Writer();
		w.ensure(n);
		w.str(key, n);
		expect(Buffer.concat(w.take())).toEqual(Buffer.from(key, "utf8"));
	});

	it("keeps writing correctly across slab boundaries", () => {
		const w = new Writer();
		const expected: string[] = [];
		for (let i = 0; i < 20_000; i++) {
			w.ascii("ab ");
			w.decimal(i * 7919);
			expected.push(`ab ${i * 7919}`);
		}
		expect(out(w)).toBe(expected.join(""));
	});
});

describe("meta encoders", () => {
	it("ms and mg lines, plain and base64 keys", () => {
		const w = new Writer();
		const plain = metaKeyToken("test:1");
		const b64 = metaKeyToken("has space");
		if (plain === undefined || b64 === undefined) throw new Error("token");
		encodeMetaSet(w, plain, Buffer.from("hello"), " F5 c O7");
		encodeMetaSet(w, b64, Buffer.alloc(0), " q O8");
		encodeMetaCommand(w, "mg", plain, " v f c O9");
		encodeMetaCommand(w, "md", b64, "");
		expect(out(w)).toBe(
			"ms test:1 5 F5 c O7\r\nhello\r\n" +
				`ms ${b64.token} 0 b q O8\r\n\r\n` +
				"mg test:1 v f c O9\r\n" +
				`md ${b64.token} b\r\n`,
		);
	});

	it("an ms of a value longer than the slab", () => {
		const key = metaKeyToken("big");
		if (key === undefined) throw new Error("token");
		const value = Buffer.alloc(100_000, 0x61);
		const w = new Writer();
		encodeMetaSet(w, key, value, "");
		const got = Buffer.concat(w.take());
		expect(got.subarray(0, 13).toString("latin1")).toBe("ms big 100000");
		expect(got.length).toBe("ms big 100000\r\n".length + 100_000 + 2);
		expect(got.subarray(got.length - 2).toString("latin1")).toBe("\r\n");
	});
});

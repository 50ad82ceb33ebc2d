import { describe, expect, it } from "vitest";
import { seededRandom, ZipfSampler } from "../../src/zipf.js";

describe("ZipfSampler", () => {
	it("stays in 1..n and favours low ranks like 1/k^s", () => {
		const z = new ZipfSampler(1000, 1, seededRandom(7));
		const counts = new Map<number, number>();
		const draws = 100_000;
		let outOfRange = 0;
		for (let i = 0; i < draws; i++) {
			const k = z.next();
			if (!(k >= 1 && k <= 1000)) outOfRange++;
			counts.set(k, (counts.get(k) ?? 0) + 1);
		}
		expect(outOfRange).toBe(0);
		// P(1) = 1 / H(1000) ≈ 0.1336; P(2) = P(1) / 2.
		expect(z.probability(1)).toBeCloseTo(0.1336, 3);
		expect((counts.get(1) ?? 0) / draws).toBeCloseTo(z.probability(1), 1);
		expect((counts.get(1) ?? 0) / (counts.get(2) ?? 1)).toBeGreaterThan(1.7);
		expect((counts.get(1) ?? 0) / (counts.get(2) ?? 1)).toBeLessThan(2.3);
	});

	it("is uniform with s = 0", () => {
		const z = new ZipfSampler(4, 0, seededRandom(1));
		expect(z.probability(1)).toBeCloseTo(0.25, 10);
		expect(z.probability(4)).toBeCloseTo(0.25, 10);
	});

	it("is reproducible from a seed", () => {
		const a = new ZipfSampler(100, 1.1, seededRandom(3));
		const b = new ZipfSampler(100, 1.1, seededRandom(3));
		const seqA = Array.from({ length: 50 }, () => a.next());
		expect(Array.from({ length: 50 }, () => b.next())).toEqual(seqA);
	});

	it("rejects bad parameters", () => {
		expect(() => new ZipfSampler(0, 1)).toThrow(RangeError);
		expect(() => new ZipfSampler(10, -1)).toThrow(RangeError);
	});
});

import { describe, expectTypeOf, it } from "vitest";
import {
	consistentHash,
	consistentHashHiLo,
	consistentHashShardFunction,
	createKetamaShardFunction,
	createWeightedRendezvousShardFunction,
	HASH2_ERROR_CODES,
	type Hash2ErrorCode,
	hashKey64,
	jumpHashShardFunction,
	KetamaRing,
	type KetamaRingOptions,
	rendezvousShardFunction,
	type ShardFunction,
} from "../../src/index.js";

describe("public types", () => {
	it("ShardFunction is (key: string, numShards: number) => number", () => {
		expectTypeOf<ShardFunction>().toEqualTypeOf<
			(key: string, numShards: number) => number
		>();
		expectTypeOf(consistentHashShardFunction).toEqualTypeOf<ShardFunction>();
		expectTypeOf(jumpHashShardFunction).toEqualTypeOf<ShardFunction>();
		expectTypeOf(rendezvousShardFunction).toEqualTypeOf<ShardFunction>();
		expectTypeOf(
			createKetamaShardFunction(["a"]),
		).toEqualTypeOf<ShardFunction>();
		expectTypeOf(
			createWeightedRendezvousShardFunction([1]),
		).toEqualTypeOf<ShardFunction>();
	});

	it("key entries accept bigint | number and halves", () => {
		expectTypeOf(consistentHash).parameter(0).toEqualTypeOf<bigint | number>();
		expectTypeOf(consistentHashHiLo).parameters.toEqualTypeOf<
			[number, number, number]
		>();
		expectTypeOf(hashKey64).returns.toEqualTypeOf<bigint>();
		// @ts-expect-error strings are not keys of the integer entry
		consistentHash("1", 2);
	});

	it("options are optional and readonly, codes are a literal union", () => {
		expectTypeOf<KetamaRingOptions>().toMatchTypeOf<{
			readonly vnodes?: number | undefined;
			readonly pointsPerHash?: 3 | 4 | undefined;
		}>();
		expectTypeOf(new KetamaRing([]).get("k")).toEqualTypeOf<string>();
		expectTypeOf(HASH2_ERROR_CODES.EMPTY).toEqualTypeOf<"ERR_HASH2_EMPTY">();
		expectTypeOf<"ERR_HASH2_EMPTY">().toMatchTypeOf<Hash2ErrorCode>();
	});
});

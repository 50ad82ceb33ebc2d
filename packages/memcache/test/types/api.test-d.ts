import { describe, expectTypeOf, it } from "vitest";
import {
	type Client,
	type CountResponse,
	createClient,
	type GetResponse,
	type MockClient,
	type MutateResponse,
	type RawAsciiClient,
	type RawBinaryClient,
	ResponseStatus,
	type ShardedClient,
	ShardState,
	type ShardStats,
	type StaticShardManager,
	type StatResponse,
	type VersionResponse,
} from "../../src/index.js";

describe("public types", () => {
	it("every client implements Client", () => {
		expectTypeOf<ShardedClient>().toMatchTypeOf<Client>();
		expectTypeOf<RawBinaryClient>().toMatchTypeOf<Client>();
		expectTypeOf<RawAsciiClient>().toMatchTypeOf<Client>();
		expectTypeOf<MockClient>().toMatchTypeOf<Client>();
		expectTypeOf(createClient).returns.toEqualTypeOf<ShardedClient>();
	});

	it("responses are typed per kind, CAS and counters are bigint", () => {
		expectTypeOf<Client["get"]>().returns.resolves.toEqualTypeOf<GetResponse>();
		expectTypeOf<Client["getMulti"]>().returns.resolves.toEqualTypeOf<
			Map<string, GetResponse>
		>();
		expectTypeOf<Client["setMulti"]>().returns.resolves.toEqualTypeOf<
			MutateResponse[]
		>();
		expectTypeOf<
			Client["increment"]
		>().returns.resolves.toEqualTypeOf<CountResponse>();
		expectTypeOf<
			Client["version"]
		>().returns.resolves.toEqualTypeOf<VersionResponse>();
		expectTypeOf<
			Client["stat"]
		>().returns.resolves.toEqualTypeOf<StatResponse>();
		expectTypeOf<GetResponse["dataVersionId"]>().toEqualTypeOf<bigint>();
		expectTypeOf<GetResponse["value"]>().toEqualTypeOf<Buffer | undefined>();
		expectTypeOf<CountResponse["count"]>().toEqualTypeOf<bigint>();
		expectTypeOf<Parameters<Client["increment"]>[1]>().toEqualTypeOf<bigint>();
		expectTypeOf<VersionResponse["versions"]>().toEqualTypeOf<
			ReadonlyMap<number, string>
		>();
	});

	it("constants and constructors", () => {
		expectTypeOf(ResponseStatus.KeyNotFound).toEqualTypeOf<1>();
		expectTypeOf(ShardState.WarmUp).toEqualTypeOf<4>();
		expectTypeOf<StaticShardManager["updateShardStates"]>()
			.parameter(0)
			.toEqualTypeOf<
				readonly { readonly address: string; readonly state: ShardState }[]
			>();
		expectTypeOf<ShardedClient["stats"]>().returns.toEqualTypeOf<
			ShardStats[]
		>();
	});
});

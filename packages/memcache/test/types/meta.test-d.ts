import { describe, expectTypeOf, it } from "vitest";
import type {
	Client,
	MetaGetResponse,
	MetaKey,
	MetaMutateResponse,
} from "../../src/index.js";
import { RawMetaClient } from "../../src/index.js";

describe("meta client types", () => {
	it("RawMetaClient is a Client and its meta methods are typed", () => {
		expectTypeOf<RawMetaClient>().toMatchTypeOf<Client>();
		const c = new RawMetaClient({ address: "127.0.0.1:11211" });
		expectTypeOf(c.metaGet("k")).toEqualTypeOf<Promise<MetaGetResponse>>();
		expectTypeOf(c.metaGet(new Uint8Array([1]), { vivify: 30 })).toEqualTypeOf<
			Promise<MetaGetResponse>
		>();
		expectTypeOf(
			c.metaSet({ key: "k", value: Buffer.from("v") }, { mode: "add" }),
		).toEqualTypeOf<Promise<MetaMutateResponse>>();
		expectTypeOf(
			c.metaDelete("k", { invalidate: true, staleTtl: 30 }),
		).toEqualTypeOf<Promise<MetaMutateResponse>>();
		expectTypeOf<MetaKey>().toEqualTypeOf<string | Uint8Array>();
		expectTypeOf<MetaGetResponse["win"]>().toEqualTypeOf<boolean>();
		expectTypeOf<MetaGetResponse["ttl"]>().toEqualTypeOf<number | undefined>();
		// @ts-expect-error "cas" is not a mode: CAS goes in item.dataVersionId
		void c.metaSet({ key: "k", value: Buffer.from("v") }, { mode: "cas" });
		// @ts-expect-error vivify is a number of seconds
		void c.metaGet("k", { vivify: true });
		// exactOptionalPropertyTypes: options accept explicit undefined
		void c.metaGet("k", { vivify: undefined, touch: undefined });
	});
});

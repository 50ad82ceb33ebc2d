import diagnosticsChannel from "node:diagnostics_channel";

/**
 * Names of the `node:diagnostics_channel` channels this package publishes to. Every message
 * carries `network` and `address`; no payload bytes are ever published.
 *
 * | channel | when | extra fields |
 * |---|---|---|
 * | `godropbox-ts:net2:dial` | a dial succeeded | `durationMs` |
 * | `godropbox-ts:net2:dial-error` | a dial failed or timed out | `error`, `durationMs` |
 * | `godropbox-ts:net2:acquire` | a connection was handed out | `reused` |
 * | `godropbox-ts:net2:release` | a connection came back for reuse | |
 * | `godropbox-ts:net2:discard` | a connection was closed by the borrower or by a limit | `reason` |
 * | `godropbox-ts:net2:idle-close` | an idle connection expired or died | `reason` |
 * | `godropbox-ts:net2:lame-duck` | an address pool entered lame-duck mode | |
 * | `godropbox-ts:net2:close` | an address pool finished closing | |
 */
export const NET2_CHANNELS = Object.freeze({
	dial: "godropbox-ts:net2:dial",
	dialError: "godropbox-ts:net2:dial-error",
	acquire: "godropbox-ts:net2:acquire",
	release: "godropbox-ts:net2:release",
	discard: "godropbox-ts:net2:discard",
	idleClose: "godropbox-ts:net2:idle-close",
	lameDuck: "godropbox-ts:net2:lame-duck",
	close: "godropbox-ts:net2:close",
} as const);

/** @internal The channel objects, created once. */
export const channels = {
	dial: diagnosticsChannel.channel(NET2_CHANNELS.dial),
	dialError: diagnosticsChannel.channel(NET2_CHANNELS.dialError),
	acquire: diagnosticsChannel.channel(NET2_CHANNELS.acquire),
	release: diagnosticsChannel.channel(NET2_CHANNELS.release),
	discard: diagnosticsChannel.channel(NET2_CHANNELS.discard),
	idleClose: diagnosticsChannel.channel(NET2_CHANNELS.idleClose),
	lameDuck: diagnosticsChannel.channel(NET2_CHANNELS.lameDuck),
	close: diagnosticsChannel.channel(NET2_CHANNELS.close),
};

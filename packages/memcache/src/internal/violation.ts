/**
 * Thrown by parsers when the server's bytes break the protocol. The connection turns it into a
 * `ProtocolError` carrying its address, destroys itself and fails every queued request.
 */
export class ProtocolViolation extends Error {
	constructor(message: string) {
		super(message);
		this.name = "ProtocolViolation";
	}
}

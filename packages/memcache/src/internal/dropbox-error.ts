// The one import of the errors package's base class (swap point while it is being written).
export { DropboxError } from "./dropbox-error-shim.js";

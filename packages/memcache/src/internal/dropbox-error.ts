// The one import of the errors package's base class.
export { DropboxError } from "@godropbox-ts/errors";

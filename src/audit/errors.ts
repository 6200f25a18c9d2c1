/** A store that cannot be opened or read as an audit store: the CLI's exit 2 with one line. */
export class AuditStoreError extends Error {
  override readonly name = "AuditStoreError";
}

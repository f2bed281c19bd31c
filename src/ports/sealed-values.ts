/** Where sealed values live (tokens' secrets, unfinished enrollments' pending secrets): what rotation re-seals. */
export type SealedKind = "token" | "enrollment";

export interface SealedRow {
  kind: SealedKind;
  /** The row's key (token id, enrollment user key): pages are in this order. */
  ref: string;
  sealed: string;
  /** The row as read (opaque): replace() writes only if the row still equals it. */
  readAs: string;
}

export interface SealedValueStore {
  /** Up to `limit` rows holding a sealed value, with ref greater than `after`. */
  page(kind: SealedKind, after: string | null, limit: number): Promise<SealedRow[]>;
  /**
   * Writes `resealed` in place of the row's sealed value if the row is unchanged since it
   * was read; false otherwise (someone else wrote it: read it again). An enrollment's
   * version goes up, so a step that read the old value cannot save it back.
   */
  replace(row: SealedRow, resealed: string): Promise<boolean>;
}

// Fixed bounds for everything the label parser takes from outside. A real reel label is a few hundred
// characters (a Digi-Key DataMatrix with 190 zeros of 20Z padding is ~330); Vishay's fixed-width PDF417 is 326.

/** Longest scan accepted (UTF-16 code units). Longer input is rejected before any work is done. */
export const MAX_SCAN_CHARS = 4096;
/** Most fields (DI fields, tokens, positional fields) one scan may carry. */
export const MAX_FIELDS = 64;
/** Most ISO/IEC 15434 records in one message. */
export const MAX_RECORDS = 8;
/** Longest separator-less body the field-sequence reader will search (it enumerates readings). */
export const MAX_SEQUENCE_CHARS = 600;
/** Most distinct readings the field-sequence reader collects before calling the scan ambiguous. */
export const MAX_READINGS = 8;

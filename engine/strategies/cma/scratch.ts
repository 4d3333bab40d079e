/**
 * Scratch memory for ask/tell, reused across generations and never part of the state:
 * allocating typed arrays is slow in V8, and ask/tell are synchronous, so one buffer per
 * strategy module is safe to share between its calls.
 */

/** A function returning a buffer of at least `size` numbers, grown (never shrunk) on demand. */
export function scratchArena(): (size: number) => Float64Array {
  let scratch = new Float64Array(0);
  return (size) => {
    if (scratch.length < size) scratch = new Float64Array(size);
    return scratch;
  };
}

/** A garbage collection on demand, for memory figures that mean something. */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** A function that collects garbage, when the flag can be set at run time; else one that does nothing. */
export function collector(): () => void {
  try {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    return () => gc();
  } catch {
    return () => undefined;
  }
}

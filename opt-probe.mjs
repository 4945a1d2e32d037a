const zmq = await import(process.argv[2] === "ours" ? "./build/src/index.js" : "zeromq");
const out = {};
for (const T of ["Dealer", "Router", "Subscriber", "Publisher", "XPublisher", "Request", "Stream"]) {
  const s = new zmq[T]();
  let proto = Object.getPrototypeOf(s); const names = new Set();
  while (proto && proto !== Object.prototype) { for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(proto))) if (d.set) names.add(k); proto = Object.getPrototypeOf(proto); }
  if (process.argv[2] === "ours") { const native = JSON.parse(process.env.NAMES)[T]; for (const k of [...names]) if (!native.includes(k)) names.delete(k); for (const k of native) names.add(k); } else { (globalThis.NAMES ??= {})[T] = [...names]; }
  for (const name of [...names].sort()) {
    let cur; try { cur = s[name]; } catch { cur = undefined; }
    for (const v of ["x", 1, true, null, {}, -5, 1.5, 2 ** 40]) {
      let r; try { s[name] = v; let g; try { g = JSON.stringify(s[name]); } catch (e) { g = "getthrows:" + e.code; } r = "ok:" + g; } catch (e) { r = `${e.constructor.name}:${e.code ?? ""}:${e.message}`; }
      out[`${T}.${name}=${JSON.stringify(v)}`] = r;
      if (cur !== undefined) try { s[name] = cur; } catch {}
    }
  }
  s.close();
}
if (process.argv[3] === "names") console.log(JSON.stringify(globalThis.NAMES)); else console.log(JSON.stringify(out));
process.exit(0);
